"""Workload: calls and busy time by hour, weekday, beat, unit, call type or agency; unit-hour utilisation
(committed time ÷ on-duty time); peak concurrent calls; the minutes a discipline had no unit free;
and the beat × hour grid of calls. Every figure is computed in the database, on SQLite as on
PostgreSQL (aggregates and window functions both have), and each table is read as few times as the
figures allow: the calls once for the grid (which also gives the calls by hour and by beat), the units
sent once for the busy time of every bucket and discipline.

The two running counts (units committed per discipline, calls open) are kept by day for the days that
are over (records.reports.daily_counts): a year's report reads them instead of sorting millions of
moves, and gets the figures of one sweep over every move.

A unit is committed from its dispatch to its clearing, and that time is counted in the bucket of its
dispatch (the hour it was sent, its call's beat). A unit of the center or an agency it dispatches for is
on duty unless its status history puts it off duty or out of service; partners' units are not counted.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from cad.models import Discipline
from calls.models import Assignment, Call
from premises.models import Beat
from records.reports.daily_counts import open_calls_peak, saturated_seconds, staffed_units
from records.reports.query import ReportQuery, roomy_sorts
from units.choices import UnitStatus
from units.models import Unit, UnitStatusChange

OFF_DUTY = {UnitStatus.OFF_DUTY, UnitStatus.OUT_OF_SERVICE}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 2)


def on_duty_seconds(query: ReportQuery) -> dict[int, float]:
    """Each staffed unit's on-duty seconds in the range: all of it, less its stretches off duty or out
    of service as its status history tells (its status before the range from the last change before)."""
    since, until = query.since, min(query.until, timezone.now())
    total = max((until - since).total_seconds(), 0.0)
    units = list(staffed_units().values_list("pk", flat=True))
    before = {}
    for unit_id, status in (
        UnitStatusChange.objects.filter(unit_id__in=units, at__lt=since)
        .order_by("unit_id", "at", "id")
        .values_list("unit_id", "to_status")
    ):
        before[unit_id] = status
    changes = defaultdict(list)
    for unit_id, at, status in (
        UnitStatusChange.objects.filter(unit_id__in=units, at__gte=since, at__lt=until)
        .order_by("at", "id")
        .values_list("unit_id", "at", "to_status")
    ):
        changes[unit_id].append((at, status))
    seconds = {}
    for unit_id in units:
        off, status, mark = 0.0, before.get(unit_id), since
        for at, new in changes[unit_id]:
            if status in OFF_DUTY:
                off += (at - mark).total_seconds()
            status, mark = new, at
        if status in OFF_DUTY:
            off += (until - mark).total_seconds()
        seconds[unit_id] = total - off
    return seconds


def _sent(query: ReportQuery):
    return Assignment.objects.filter(dispatched_at__gte=query.since, dispatched_at__lt=query.until)


BUSY = Sum(
    ExpressionWrapper(F("cleared_at") - F("dispatched_at"), output_field=DurationField()),
    filter=Q(cleared_at__isnull=False),
)


@dataclass(frozen=True)
class Sent:
    """Units sent in the range and their committed time, per unit and bucket of the breakdown (the
    hour, weekday, beat or call type of the dispatch; for unit and agency the unit alone)."""

    rows: list[tuple[int, object, int, timedelta]]  # unit id, bucket, units sent, committed time
    staffed: frozenset[int]

    @classmethod
    def of(cls, query: ReportQuery) -> "Sent":
        key = {
            "hour": ExtractHour("dispatched_at"),
            "weekday": ExtractIsoWeekDay("dispatched_at"),
            "beat": F("call__beat__code"),
            "call_type": F("call__call_type__code"),
        }.get(query.by)
        values = {"b": key} if key is not None else {}
        rows = [
            (row["unit_id"], row.get("b"), row["n"], row["busy"] or timedelta(0))
            for row in _sent(query).values("unit_id", **values).annotate(n=Count("id"), busy=BUSY).order_by()
        ]
        return cls(rows=rows, staffed=frozenset(staffed_units().values_list("pk", flat=True)))

    def by_bucket(self, bucket_of: dict[int, object] | None = None, *, staffed_only: bool = False) -> dict:
        """{bucket: (units sent, committed time)}; `bucket_of` maps a unit id to its bucket (unit, agency)."""
        totals: dict = {}
        for unit_id, bucket, n, busy in self.rows:
            if staffed_only and unit_id not in self.staffed:
                continue
            key = bucket_of[unit_id] if bucket_of is not None else bucket
            count, time = totals.get(key, (0, timedelta(0)))
            totals[key] = (count + n, time + busy)
        return totals


def _calls_by_beat_and_hour(query: ReportQuery) -> dict[tuple[str | None, int], int]:
    """Calls received in the range by (beat code, hour of the day): the grid, and the calls by hour and
    by beat summed from it."""
    counts = (
        Call.objects.filter(received_at__gte=query.since, received_at__lt=query.until)
        .values_list("beat_id", ExtractHour("received_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    # Grouped by the beat's id, named after: a join on a million calls costs a third of the query.
    codes = dict(Beat.objects.values_list("pk", "code"))
    grid: dict[tuple[str | None, int], int] = defaultdict(int)
    for beat_id, hour, n in counts:
        grid[(codes.get(beat_id), hour)] += n
    return dict(grid)


def _calls_counted(query: ReportQuery, grid: dict) -> dict:
    by = query.by
    if by in ("hour", "beat"):
        counted: dict = defaultdict(int)
        for (beat, hour), n in grid.items():
            counted[hour if by == "hour" else beat] += n
        return dict(counted)
    if by in ("unit", "agency"):
        sent = _sent(query)
        sent = sent.filter(unit__in=staffed_units()) if by == "agency" else sent
        key = {"unit": "unit__callsign", "agency": "unit__agency__code"}[by]
        return {
            row["b"]: row["n"] for row in sent.values(b=F(key)).annotate(n=Count("call_id", distinct=True))
        }
    calls = Call.objects.filter(received_at__gte=query.since, received_at__lt=query.until)
    key = {"weekday": ExtractIsoWeekDay("received_at"), "call_type": F("call_type__code")}[by]
    return {row["b"]: row["n"] for row in calls.values(b=key).annotate(n=Count("id")).order_by()}


def _bucket_rows(query: ReportQuery, *, duty: dict[int, float], sent: Sent, grid: dict) -> list[dict]:
    by = query.by
    counted = _calls_counted(query, grid)
    if by == "unit":
        busy = sent.by_bucket(dict(Unit.objects.values_list("pk", "callsign")))
    elif by == "agency":
        busy = sent.by_bucket(dict(Unit.objects.values_list("pk", "agency__code")), staffed_only=True)
    else:
        busy = sent.by_bucket()
    total_duty = sum(duty.values())
    denominators: dict = {}
    if by == "hour":
        denominators = {hour: total_duty / 24 for hour in range(24)}
    elif by == "weekday":
        days = [(query.start + timedelta(days=n)).isoweekday() for n in range(query.days)]
        denominators = {w: total_duty * days.count(w) / len(days) for w in range(1, 8)}
    elif by == "unit":
        callsigns = dict(staffed_units().values_list("pk", "callsign"))
        denominators = {callsigns[pk]: s for pk, s in duty.items()}
    elif by == "agency":
        agencies = dict(staffed_units().values_list("pk", "agency__code"))
        for pk, s in duty.items():
            denominators[agencies[pk]] = denominators.get(agencies[pk], 0.0) + s
    keys = set(counted) | set(busy) | set(denominators)
    if by == "hour":
        keys |= set(range(24))
    total_busy = sum((b.total_seconds() for _, b in busy.values()), 0.0)
    rows = []
    for bucket in sorted(
        keys, key=lambda k: (k is None, str(k).zfill(8) if by in ("hour", "weekday") else str(k))
    ):
        units_sent, busy_time = busy.get(bucket, (0, timedelta(0)))
        busy_s = busy_time.total_seconds()
        on_duty = denominators.get(bucket)
        row = {
            query.by: bucket,
            "calls": counted.get(bucket, 0),
            "units_sent": units_sent,
            "busy_hours": _hours(busy_s),
            "busy_share": round(busy_s / total_busy, 4) if total_busy else None,
        }
        if by == "weekday" and bucket is not None:
            row["name"] = WEEKDAYS[bucket - 1]
        if by in ("hour", "weekday", "unit", "agency"):
            row["on_duty_hours"] = _hours(on_duty or 0.0)
            row["utilisation"] = round(busy_s / on_duty, 4) if on_duty else None
        rows.append(row)
    return rows


def _disciplines(query: ReportQuery, *, duty: dict[int, float], sent: Sent) -> list[dict]:
    units = list(staffed_units().values_list("pk", "discipline__code", "discipline__name"))
    busy = sent.by_bucket({pk: code for pk, code, _ in units}, staffed_only=True)
    saturated = no_unit_free_seconds(query)
    figures = {}
    for pk, code, name in units:
        entry = figures.setdefault(code, {"discipline": code, "name": name, "units": 0, "on_duty_s": 0.0})
        entry["units"] += 1
        entry["on_duty_s"] += duty.get(pk, 0.0)
    rows = []
    for code, entry in sorted(figures.items()):
        busy_s = busy[code][1].total_seconds() if code in busy else 0.0
        rows.append(
            {
                "discipline": code,
                "name": entry["name"],
                "units": entry["units"],
                "busy_hours": _hours(busy_s),
                "on_duty_hours": _hours(entry["on_duty_s"]),
                "utilisation": round(busy_s / entry["on_duty_s"], 4) if entry["on_duty_s"] else None,
                "minutes_no_unit_available": round(saturated.get(code, 0.0) / 60, 1),
            }
        )
    return rows


def no_unit_free_seconds(query: ReportQuery) -> dict[str, float]:
    """For each discipline, the seconds in the range when its units committed (assignments open, from
    dispatch to clearing) were at least as many as its staffed units (records.reports.daily_counts)."""
    codes = dict(Discipline.objects.values_list("pk", "code"))
    return {codes[k]: s for k, s in saturated_seconds(query.start, query.end).items()}


def peak_concurrent_calls(query: ReportQuery) -> dict:
    """The most calls open at once in the range (received to closed), and when that began
    (records.reports.daily_counts)."""
    return open_calls_peak(query.start, query.end)


def beat_hour_grid(query: ReportQuery, counts: dict[tuple[str | None, int], int] | None = None) -> dict:
    """Calls received by beat (rows) and hour of the day (columns), the heat map's numbers."""
    grid: dict = defaultdict(lambda: [0] * 24)
    for (beat, hour), n in (counts if counts is not None else _calls_by_beat_and_hour(query)).items():
        grid[beat or ""][hour] += n
    beats = sorted(grid, key=lambda b: (b == "", b.zfill(8)))
    return {"beats": beats, "hours": list(range(24)), "counts": [grid[b] for b in beats]}


@roomy_sorts()
def workload_figures(query: ReportQuery) -> dict:
    duty = on_duty_seconds(query)
    sent = Sent.of(query)
    grid = _calls_by_beat_and_hour(query)
    return {
        "report": "workload",
        **query.as_params(),
        "rows": _bucket_rows(query, duty=duty, sent=sent, grid=grid),
        "disciplines": _disciplines(query, duty=duty, sent=sent),
        "peak_concurrent_calls": peak_concurrent_calls(query),
        "beat_hour": beat_hour_grid(query, grid),
    }
