"""`seed_history`: past calls for the demo city, for the reports and their benchmark.

Calls arrive with a daily and weekly rhythm (quiet before dawn, busiest late afternoon, Friday and
Saturday nights heavier), in the demo city's call types and beats. Each is worked by units of the
disciplines its type needs, taken from a pool that remembers when each unit comes free, so a busy
hour makes calls wait as it does on a real floor. Real data is untidy, and so is this: a few calls
are reopened, some units never pressed en route, a unit's clock sometimes ran behind the
dispatcher's (a negative leg), traffic stops are self-initiated, and some calls are line tests.

Every call is closed and received before today began: the console's open calls and the board's
figures for today are the live ones only. Call numbers are taken from each year's counter, so
calls entered later never collide with them. Deterministic for a given --seed and end day.
"""

import math
import random
import time
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from calls.choices import CallSource, CallStatus
from calls.models import Assignment, Call, CallNumberCounter, CallType, Disposition, Priority
from premises.models import Address
from records.reports.daily_counts import daily_counts_refresh
from units.choices import UnitStatus
from units.models import Unit

TEST_CALL_TYPE = ("TEST", "Test Call (9-1-1 line, radio or system test)", "NCRTESTF")

# Relative volume by hour of day (local time), and by weekday (Monday first).
HOURLY = [3, 2, 2, 1.5, 1.2, 1.2, 2, 3, 4, 4.5, 5, 5.5, 6, 6, 6.5, 7, 7.5, 7.5, 7, 6.5, 6, 5.5, 5, 4]
WEEKDAY = [0.95, 0.9, 0.92, 0.95, 1.1, 1.2, 1.05]

# (call type, weight): the common calls of a city police, fire and EMS center.
MIX = [
    ("TSTOP", 14), ("SUSP", 8), ("WELFARE", 6), ("NOISE", 5), ("ALMR", 4), ("ALRBA", 4), ("MVA", 5),
    ("MVAINJY", 2), ("DISORD", 4), ("LARCENY", 4), ("THAZ", 3), ("CITASST", 4), ("FIGHT", 2),
    ("DVA", 2), ("ASSAULT", 2), ("BURGLARY", 2), ("ROBBERY", 0.5), ("SHOOT", 0.3), ("WEAPON", 0.4),
    ("SICK", 5), ("FALL", 4), ("CARDIAC", 1.5), ("RESP", 1.5), ("PERUNCON", 1), ("OD", 1),
    ("STROKE", 0.5), ("SEIZURE", 1), ("FSTRU", 0.4), ("FVEH", 0.4), ("FSMOKE", 0.8), ("ALRF", 1.5),
    ("ANIMAL", 2), ("BITE", 0.4), ("MNTL", 1.5), ("EDP", 0.8), ("SUICTHRT", 0.5), ("INTOX", 1.5),
    ("RECKDRV", 2), ("DUI", 1), ("WATERMAIN", 0.3), ("SIGNAL", 0.6), ("INFO", 1.5), ("FRAUD", 1),
]
# How often the untidy cases happen, per call.
TEST_CALLS = 0.004
REOPENED = 0.01
NO_ENROUTE = 0.04  # per unit: the unit went straight to on scene without pressing en route
NEGATIVE = 0.002  # per unit: en route stamped before the dispatch (a clock behind)
LATE = 0.03  # a call that sat in the queue: the floor was busy or it was missed
SLOW_ANSWER = 0.04  # a 9-1-1 call that rang while every call taker was on another line
# Longest a call waits for a busy unit before the soonest-free one is sent anyway, by priority.
LONGEST_WAIT = {1: 120, 2: 600, 3: 1800, 4: 3600, 5: 3600}
# Minutes a unit stays on scene, by discipline (median).
ON_SCENE_MINUTES = {"police": 22, "fire": 35, "ems": 28, "animal_control": 30, "public_works": 90,
                    "behavioral_health": 50}
DISPOSITIONS = {"police": ["01", "02", "18", "05", "03", "04", "14"], "fire": ["23", "26", "28", "29"],
                "ems": ["25", "16", "29"], "animal_control": ["18", "02"], "public_works": ["28"],
                "behavioral_health": ["16", "18"]}
ALARM_DISPOSITIONS = ["FAB", "20", "17", "ACX", "02"]
SELF_INITIATED_TYPES = {"TSTOP", "SUSP", "RECKDRV", "DUI"}
SELF_INITIATED_SHARE = 0.7  # of those types


@dataclass
class Figures:
    calls: int = 0
    assignments: int = 0
    seconds: float = 0.0
    counted_seconds: float = 0.0  # making the days' kept counts, after the calls are written
    by_kind: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1

    @property
    def rows_per_second(self) -> float:
        return (self.calls + self.assignments) / self.seconds if self.seconds else 0.0


@dataclass
class _Unit:
    pk: int
    discipline: str
    capabilities: list[str]
    free_at: datetime


def seed_test_call_type() -> CallType:
    """The local call type a center enters line and radio tests under (reported as APCO NCRTESTF)."""
    code, description, common = TEST_CALL_TYPE
    call_type, created = CallType.objects.get_or_create(
        code=code, defaults={"description": description, "common_type": common, "is_local": True,
                             "default_priority_id": 5})
    return call_type


class History:
    """Past calls for `days` days ending before `end` (a local day, not included)."""

    def __init__(self, *, days: int, per_day: float, seed: int, end: date, batch: int = 5000):
        self.days, self.per_day, self.batch = days, per_day, batch
        self.random = random.Random(seed)
        # The 9-1-1 line's ring → answer draws their own numbers, so every other time stays as a
        # seed gave it before the line was measured.
        self.line = random.Random(seed + 1)
        self.zone = timezone.get_current_timezone()
        self.end = timezone.make_aware(datetime.combine(end, datetime.min.time()), self.zone)
        self.start = self.end - timedelta(days=days)
        types = {t.code: t for t in CallType.objects.prefetch_related("disciplines")}
        self.types = [(types[code], weight) for code, weight in MIX if code in types]
        self.type_weights = list(accumulate(w for _, w in self.types))
        self.disciplines = {t.pk: [d.code for d in t.disciplines.all()] for t, _ in self.types}
        self.test_type = seed_test_call_type()
        self.dispositions = {d.code: d.pk for d in Disposition.objects.all()}
        self.goals = {p.level: p.dispatch_goal_seconds for p in Priority.objects.all()}
        self.addresses = list(Address.objects.filter(beat__isnull=False).values_list(
            "label", "lat", "lon", "beat_id", "pk").order_by("pk"))
        if not self.addresses or not self.types:
            raise ValueError("The demo city is not loaded: run manage.py seed_demo first.")
        self.units: dict[str, list[_Unit]] = {}
        for pk, discipline, capabilities in Unit.objects.exclude(
                status__in=[UnitStatus.OUT_OF_SERVICE]).filter(agency__kind__in=["center", "served"]
                ).values_list("pk", "discipline__code", "capabilities").order_by("pk"):
            self.units.setdefault(discipline, []).append(_Unit(pk, discipline, capabilities, self.start))

    def arrivals(self) -> Iterator[datetime]:
        """Received times, in order: a Poisson stream whose rate follows the hour and the weekday."""
        mean_hourly = sum(HOURLY) / 24
        mean_weekly = sum(WEEKDAY) / 7
        at = self.start
        while True:
            local = at.astimezone(self.zone)
            rate = (self.per_day / 24) * (HOURLY[local.hour] / mean_hourly) * (
                WEEKDAY[local.weekday()] / mean_weekly)
            at += timedelta(seconds=self.random.expovariate(rate / 3600))
            if at >= self.end:
                return
            yield at.replace(microsecond=self.random.randrange(0, 1_000_000, 1000))

    def _units_for(self, disciplines: list[str], count: int, ready: datetime, priority: int
                   ) -> tuple[datetime, list[_Unit]]:
        """The units to send and when the first goes: free ones at once, else the soonest free after
        waiting for it (at most LONGEST_WAIT; past that the soonest-free is sent anyway)."""
        chosen: list[_Unit] = []
        dispatch_at = ready
        for n in range(count):
            pool = self.units.get(disciplines[n % len(disciplines)]) or []
            pool = [u for u in pool if all(u is not c for c in chosen)]
            if not pool:
                continue
            free = [u for u in pool if u.free_at <= ready]
            if free:
                chosen.append(self.random.choice(free))
                continue
            soonest = min(pool, key=lambda u: u.free_at)
            if n == 0:
                dispatch_at = min(soonest.free_at, ready + timedelta(seconds=LONGEST_WAIT[priority]))
            chosen.append(soonest)
        return dispatch_at, chosen

    def _call(self, received: datetime, pending: list, figures: Figures) -> None:
        r = self.random
        if r.random() < TEST_CALLS:
            call_type, priority, disciplines = self.test_type, 5, []
        else:
            call_type = self.types[bisect(self.type_weights, r.random() * self.type_weights[-1])][0]
            priority = call_type.default_priority_id
            if r.random() < 0.08:
                priority = max(1, min(5, priority + r.choice((-1, 1))))
            disciplines = self.disciplines[call_type.pk]
        label, lat, lon, beat_id, address_id = r.choice(self.addresses)
        self_initiated = call_type.code in SELF_INITIATED_TYPES and r.random() < SELF_INITIATED_SHARE
        source = CallSource.SELF_INITIATED if self_initiated else r.choices(
            [CallSource.E911, CallSource.E911_WIRELESS, CallSource.ADMIN_LINE, CallSource.ALARM_COMPANY],
            [3, 5, 2, 1 if call_type.is_alarm else 0])[0]
        entered = received + timedelta(seconds=r.uniform(8, 40))
        call = Call(number="", source=source, call_type_id=call_type.pk, priority_id=priority,
                    status=CallStatus.CLOSED, address=label, lat=lat, lon=lon, beat_id=beat_id,
                    location_verified=True, address_point_id=address_id, received_at=received,
                    entered_at=entered, narrative="")
        if source in (CallSource.E911, CallSource.E911_WIRELESS):
            # Answered at received (as the line's ANI/ALI stamps it); most in seconds, a few in a queue.
            answering = self.line.lognormvariate(math.log(5), 0.55)
            if self.line.random() < SLOW_ANSWER:
                answering += self.line.uniform(10, 45)
                figures.count("answered slowly")
            call.rang_at, call.answered_at = received - timedelta(seconds=answering), received
        assignments: list[Assignment] = []
        end = entered + timedelta(minutes=r.uniform(2, 6))
        if call_type.code == TEST_CALL_TYPE[0]:
            figures.count("test call")
        else:
            # Processing: a minute or so for P1, longer down the priorities; sometimes much longer.
            processing = r.lognormvariate(math.log(30 + 12 * priority), 0.45)
            if r.random() < LATE:
                processing += r.uniform(1, 4) * self.goals.get(priority, 120)
                figures.count("late")
            if self_initiated:
                processing = r.uniform(0, 3)
                figures.count("self-initiated")
            count = 1 if self_initiated else r.choice((1, 1, 1, 2, 2, 3)) if priority <= 2 else 1
            dispatch_at, units = self._units_for(disciplines or ["police"], count,
                                                 received + timedelta(seconds=processing), priority)
            for k, unit in enumerate(units):
                sent = dispatch_at + timedelta(seconds=k * r.uniform(2, 20))
                if self_initiated:
                    enroute, onscene = None, sent
                else:
                    turnout = r.lognormvariate(math.log(45 if unit.discipline in ("fire", "ems") else 20),
                                               0.5)
                    travel = r.lognormvariate(math.log(150 + 50 * priority), 0.4)
                    enroute = sent + timedelta(seconds=turnout)
                    onscene = enroute + timedelta(seconds=travel)
                    if r.random() < NO_ENROUTE:
                        enroute = None
                        figures.count("no en route")
                    elif r.random() < NEGATIVE:
                        enroute = sent - timedelta(seconds=r.uniform(5, 90))
                        onscene = sent + timedelta(seconds=travel)
                        figures.count("negative leg")
                cleared = onscene + timedelta(minutes=r.lognormvariate(
                    math.log(ON_SCENE_MINUTES.get(unit.discipline, 25)), 0.6))
                unit.free_at = cleared
                end = max(end, cleared)
                assignments.append(Assignment(
                    unit_id=unit.pk, status=UnitStatus.AVAILABLE, dispatched_at=sent, enroute_at=enroute,
                    onscene_at=onscene, cleared_at=cleared))
        if assignments:
            call.dispatched_at = min(a.dispatched_at for a in assignments)
            enroutes = [a.enroute_at for a in assignments if a.enroute_at]
            call.enroute_at = min(enroutes) if enroutes else None
            call.onscene_at = min(a.onscene_at for a in assignments)
        closed = end + timedelta(seconds=r.uniform(20, 300))
        if r.random() < REOPENED:
            call.reopened_at = closed + timedelta(minutes=r.uniform(5, 120))
            closed = call.reopened_at + timedelta(minutes=r.uniform(5, 30))
            figures.count("reopened")
        call.closed_at = closed
        if call_type.is_alarm:
            code = r.choice(ALARM_DISPOSITIONS)
        else:
            code = r.choice(DISPOSITIONS.get((disciplines or ["police"])[0], ["02"]))
        call.disposition_id = self.dispositions.get(code) or self.dispositions.get("02")
        pending.append((call, assignments))

    def _numbers(self, year: int, count: int) -> Callable[[], str]:
        """`count` numbers of `year`, taken from its counter at once, handed out in order."""
        updated = CallNumberCounter.objects.filter(year=year).update(last=F("last") + count)
        if not updated:
            CallNumberCounter.objects.create(year=year, last=count)
        first = CallNumberCounter.objects.get(year=year).last - count + 1
        numbers = iter(range(first, first + count))
        return lambda: f"{year:04d}-{next(numbers):06d}"

    def _write(self, pending: list[tuple[Call, list[Assignment]]], figures: Figures) -> None:
        with transaction.atomic():
            years: dict[int, int] = {}
            for call, _ in pending:
                years[call.received_at.astimezone(self.zone).year] = years.get(
                    call.received_at.astimezone(self.zone).year, 0) + 1
            numbers = {year: self._numbers(year, count) for year, count in sorted(years.items())}
            for call, _ in pending:
                call.number = numbers[call.received_at.astimezone(self.zone).year]()
            rows = [assignment for _, assignments in pending for assignment in assignments]
            if connection.vendor == "postgresql":
                self._copy(pending, rows)
            else:
                Call.objects.bulk_create([call for call, _ in pending])
                # Changed when they were closed, not now: clients reading `?since=` are not sent them.
                Call.objects.filter(pk__gte=pending[0][0].pk).update(updated_at=F("closed_at"))
                for call, assignments in pending:
                    for assignment in assignments:
                        assignment.call_id = call.pk
                Assignment.objects.bulk_create(rows)
        figures.calls += len(pending)
        figures.assignments += len(rows)

    @staticmethod
    def _copy(pending: list[tuple[Call, list[Assignment]]], rows: list[Assignment]) -> None:
        """PostgreSQL's COPY, ten times Django's bulk insert: call ids are taken from their sequence
        first so the units sent can point at them."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [Call._meta.db_table, len(pending)])
            for (call, assignments), (pk,) in zip(pending, cursor.fetchall(), strict=True):
                call.pk = pk
                call.updated_at = call.closed_at
                for assignment in assignments:
                    assignment.call_id = pk
            for model, objects, with_id in ((Call, [c for c, _ in pending], True), (Assignment, rows, False)):
                fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
                columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
                with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
                    for obj in objects:
                        copy.write_row([getattr(obj, f.attname) for f in fields])

    def run(self, progress: Callable[[Figures], None] | None = None) -> Figures:
        figures = Figures()
        started = time.perf_counter()
        pending: list = []
        for received in self.arrivals():
            self._call(received, pending, figures)
            if len(pending) >= self.batch:
                self._write(pending, figures)
                pending = []
                figures.seconds = time.perf_counter() - started
                if progress:
                    progress(figures)
        if pending:
            self._write(pending, figures)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Call._meta.db_table}; ANALYZE {Assignment._meta.db_table}")
        figures.seconds = time.perf_counter() - started
        # The reports keep each past day's running counts; made now, a first report need not.
        daily_counts_refresh(first=self.start.date(), last=(self.end - timedelta(days=1)).date())
        figures.counted_seconds = time.perf_counter() - started - figures.seconds
        return figures
