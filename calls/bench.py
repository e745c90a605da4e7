"""The dispatch core's figures for `make bench`: each service and API call over a few hundred rounds,
a 50-way race of dispatchers for one unit (PostgreSQL), recommend() over a thousand units, and the
P1 trial: a robbery typed into the console at 5 characters a second, timed to the units sent.
Runs on the demo city in a throwaway database; nothing here is imported by the running system.
"""

import gc
import os
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from playwright.sync_api import sync_playwright

from cad.audit import audit_suspended
from cad.bench import CHROMIUM, CHROMIUM_FLAGS, percentile
from cad.exceptions import Conflict
from calls import services
from calls.choices import ChronologyKind
from calls.eido.build import eido_build
from calls.models import Assignment, Call, CallType, ChronologyEntry, Disposition
from calls.selectors.eido import eido_calls, eido_context
from calls.selectors.recommend import recommend
from premises.demo import grid_point
from premises.models import Beat
from units.models import Station, Unit
from units.services import unit_status_set


def _peak_rss_kib() -> int:
    """The process's peak resident memory (VmHWM), in KiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise CommandError("No VmHWM in /proc/self/status: the export bench needs Linux.")


def _peak_rss_reset() -> int:
    """Start the peak over from the memory in use now (Linux: 5 into clear_refs), so what follows
    is measured rather than what came before; the peak from here, in KiB."""
    gc.collect()
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    return _peak_rss_kib()


class DispatchBench:
    def __init__(self, write: Callable[[str], None]):
        self.write = write
        self.rows: list[tuple[str, int, float, float, float]] = []
        self.alice = get_user_model().objects.get(username="dispatcher1")

    def _row(self, label: str, samples: list[float]) -> None:
        self.rows.append((label, len(samples), statistics.median(samples), percentile(samples, 0.95),
                          max(samples)))

    def services(self, rounds: int) -> None:
        """A whole call, round after round: create, dispatch, en route, on scene, clear, close."""
        robbery = CallType.objects.get(code="ROBBERY")
        disposition = Disposition.objects.get(code="02")
        samples: dict[str, list[float]] = {}

        def timed(label, action):
            start = time.perf_counter()
            result = action()
            samples.setdefault(label, []).append((time.perf_counter() - start) * 1000)
            return result

        for i in range(rounds):
            call = timed("call_create (service)", lambda i=i: services.call_create(
                call_type=robbery, location={"address": f"{310 + (i % 4) * 20} MAIN ST"}, by=self.alice,
                caller_name="Bench Caller", narrative="bench",
            ))
            patrol = Unit.objects.get(callsign="3A11")
            timed("call_dispatch (service)",
                  lambda call=call, patrol=patrol: services.call_dispatch(call=call, units=[patrol],
                                                                          by=self.alice))
            for status in ("enroute", "onscene", "available"):
                unit = Unit.objects.get(callsign="3A11")
                timed("unit_status_set (service)", lambda unit=unit, status=status: unit_status_set(
                    unit=unit, status=status, by=self.alice))
            timed("call_close (service)",
                  lambda call=call: services.call_close(call=call, disposition=disposition, by=self.alice))
        for label, values in samples.items():
            self._row(label, values)

    def audit_cost(self, rounds: int) -> None:
        """call_create with its audit entry and with the audit bypassed, alternating round by round
        in one run so both see the same database and machine."""
        robbery = CallType.objects.get(code="ROBBERY")
        samples: dict[bool, list[float]] = {True: [], False: []}
        for i in range(rounds * 2):
            audited = i % 2 == 0
            start = time.perf_counter()
            with nullcontext() if audited else audit_suspended():
                services.call_create(call_type=robbery, location={"address": f"{310 + (i % 4) * 20} MAIN ST"},
                                     by=self.alice, caller_name="Bench Caller", narrative="bench")
            samples[audited].append((time.perf_counter() - start) * 1000)
        on, off = statistics.median(samples[True]), statistics.median(samples[False])
        self.write(f"\nThe audit trail's cost on {connection.vendor}: call_create median "
                   f"{on:.2f} ms audited, {off:.2f} ms bypassed: +{on - off:.2f} ms ({rounds} rounds each)")

    def api(self, rounds: int) -> None:
        client = Client(SERVER_NAME="localhost")  # an allowed host outside the test runner
        client.force_login(self.alice)
        body = {"call_type": "FIGHT", "location": {"address": "130 oak street"},
                "caller": {"name": "Bench", "phone": "816-555-0100"}, "narrative": "bench"}
        self._time("POST /api/v1/calls/", rounds,
                   lambda i: client.post("/api/v1/calls/", body, content_type="application/json"))
        self._time("GET /api/v1/calls/?status=open (50/page)", rounds // 4,
                   lambda i: client.get("/api/v1/calls/?status=open"))
        self._time("GET /api/v1/calls/{id}/ (with chronology)", rounds // 4,
                   lambda i: client.get("/api/v1/calls/1/"))
        self._time("GET /api/v1/units/ (all units)", rounds // 4, lambda i: client.get("/api/v1/units/"))
        queries = ["310 main", "main / 3rd", "oak and 5th ave", "125 main", "pine"]
        self._time("GET /api/v1/addresses/?q=", rounds // 2,
                   lambda i: client.get("/api/v1/addresses/", {"q": queries[i % len(queries)]}))

    def _time(self, label: str, count: int, action: Callable[[int], object]) -> None:
        samples = []
        for i in range(count):
            start = time.perf_counter()
            response = action(i)
            samples.append((time.perf_counter() - start) * 1000)
            # A fast error is not a fast answer: every timed request must have succeeded.
            if response.status_code >= 400:
                raise CommandError(f"{label}: HTTP {response.status_code} {response.content[:200]!r}")
        self._row(label, samples)

    def long_history(self, entries: int = 10_000, rounds: int = 100) -> None:
        """A note, a read and a dispatch on a call with `entries` chronology entries beside the same
        on a fresh call: a major incident's call must cost no more to work than a new one."""
        fire = CallType.objects.get(code="FSTRU")
        fresh = services.call_create(call_type=fire, location={"address": "650 CEDAR ST"}, by=self.alice)
        long = services.call_create(call_type=fire, location={"address": "650 CEDAR ST"}, by=self.alice)
        start = timezone.now() - timedelta(hours=6)
        ChronologyEntry.objects.bulk_create(
            (ChronologyEntry(call=long, kind=ChronologyKind.NOTE, at=start + timedelta(seconds=n / 10),
                             by=self.alice, text=f"update {n}: crews rotating on the north side")
             for n in range(entries)), batch_size=2000)
        if connection.vendor == "postgresql":
            # Statistics as autovacuum keeps them on a live system, not as they stand right after
            # a bulk insert (the planner would think the call has 28 entries).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE calls_chronologyentry")
        client = Client(SERVER_NAME="localhost")
        client.force_login(self.alice)
        samples: dict[tuple[str, int], list[float]] = {}
        for i in range(rounds):
            for call in (fresh, long) if i % 2 else (long, fresh):
                for label, do in (
                    ("POST notes/", lambda call=call: client.post(
                        f"/api/v1/calls/{call.pk}/notes/", {"text": "smoke showing"},
                        content_type="application/json")),
                    ("GET calls/{id}/", lambda call=call: client.get(f"/api/v1/calls/{call.pk}/")),
                ):
                    started = time.perf_counter()
                    response = do()
                    samples.setdefault((label, call.pk), []).append((time.perf_counter() - started) * 1000)
                    if response.status_code >= 400:
                        raise CommandError(f"{label}: HTTP {response.status_code}")
        self.write(f"A call with {entries:,} chronology entries beside a fresh call, {rounds} rounds, "
                   f"on {connection.vendor} (median ms; ratio long / fresh):")
        for label in ("POST notes/", "GET calls/{id}/"):
            a = statistics.median(samples[(label, fresh.pk)])
            b = statistics.median(samples[(label, long.pk)])
            self.write(f"  {label:<18} fresh {a:7.2f}  long {b:7.2f}  ratio {b / a:.2f}")

    def export(self, calls: int = 100_000, batch: int = 5000) -> None:
        """GET calls/export.csv of `calls` closed calls (two units each), end to end through the test
        client, with the growth of the process's peak memory while it streams."""
        robbery = CallType.objects.get(code="ROBBERY")
        disposition = Disposition.objects.get(code="02")
        units = list(Unit.objects.values_list("pk", flat=True)[:40])
        end = timezone.now() - timedelta(days=1)
        step = timedelta(days=360) / calls
        made = time.perf_counter()
        for first in range(0, calls, batch):
            rows = []
            for n in range(first, min(first + batch, calls)):
                at = end - step * n
                rows.append(Call(
                    number=f"1999-{n:07d}", call_type=robbery, priority_id=robbery.default_priority_id,
                    status="closed", address=f"{100 + n % 900} MAIN ST", received_at=at,
                    entered_at=at + timedelta(seconds=20), dispatched_at=at + timedelta(seconds=60),
                    enroute_at=at + timedelta(seconds=90), onscene_at=at + timedelta(minutes=6),
                    closed_at=at + timedelta(minutes=40), disposition=disposition))
            Call.objects.bulk_create(rows)
            Assignment.objects.bulk_create(
                Assignment(call=call, unit_id=units[(i + k) % len(units)], status="available",
                           dispatched_at=call.dispatched_at, cleared_at=call.closed_at)
                for i, call in enumerate(rows) for k in (0, 1))
        made = time.perf_counter() - made
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE calls_call; ANALYZE calls_assignment")
        client = Client(SERVER_NAME="localhost")
        client.force_login(self.alice)
        first_day = timezone.localdate(end - step * calls)
        query = {"from": first_day.isoformat(), "to": timezone.localdate(end).isoformat()}
        before = _peak_rss_reset()
        started = time.perf_counter()
        response = client.get("/api/v1/calls/export.csv", query)
        if response.status_code != 200:
            raise CommandError(f"export.csv: HTTP {response.status_code} {response.content[:200]!r}")
        size = lines = 0
        for piece in response.streaming_content:
            size += len(piece)
            lines += piece.count(b"\n")
        took = time.perf_counter() - started
        growth = _peak_rss_kib() - before
        self.write(f"export.csv of {lines - 1:,} calls ({size / 1e6:.1f} MB, two units each) on "
                   f"{connection.vendor}: {took:.2f} s end to end through the test client; peak RSS "
                   f"+{growth / 1024:.1f} MiB while streaming ({calls:,} calls made in {made:.1f} s)")

    def eido(self, rounds: int, calls: int = 50) -> None:
        """The EIDO of a call as a partner gets it (two units sent, a few notes, some closed): built
        from its rows (the builder alone), read and built (what GET calls/{id}/eido/ and each
        notify of /ws/eido/ cost), through the API, and for `calls` calls read and built together."""
        robbery, closing = CallType.objects.get(code="ROBBERY"), Disposition.objects.get(code="02")
        made = []
        for i in range(calls):
            call = services.call_create(
                call_type=robbery, location={"address": f"{300 + 2 * (i % 40)} MAIN ST"}, by=self.alice,
                caller_name="Bench Caller", caller_phone="816-555-0100", narrative="Two men, a knife")
            units = [u for u in Unit.objects.filter(status="available").order_by("?")[:2]]
            services.call_dispatch(call=call, units=units, by=self.alice)
            for n in range(3):
                services.call_note_add(call=call, by=self.alice, text=f"update {n}: suspect heading north")
            if i % 3 == 0:
                services.call_close(call=call, disposition=closing, by=self.alice)
            else:
                for unit in units:
                    unit_status_set(unit=unit, status="available", by=self.alice)
            made.append(call.pk)
        client = Client(SERVER_NAME="localhost")
        client.force_login(self.alice)
        built, read, served = [], [], []
        for i in range(rounds):
            pk = made[i % len(made)]
            start = time.perf_counter()
            call = eido_calls(Call.objects.filter(pk=pk)).get()
            context = eido_context()
            middle = time.perf_counter()
            eido_build(call, context=context)
            end = time.perf_counter()
            built.append((end - middle) * 1000)
            read.append((end - start) * 1000)
            start = time.perf_counter()
            response = client.get(f"/api/v1/calls/{pk}/eido/")
            served.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise CommandError(f"GET calls/{pk}/eido/ answered {response.status_code}")
        together = []
        for _ in range(max(1, rounds // 20)):
            start = time.perf_counter()
            context = eido_context()
            documents = [eido_build(c, context=context) for c in eido_calls(Call.objects.filter(pk__in=made))]
            together.append((time.perf_counter() - start) * 1000 / len(documents))
        self._row("EIDO built from its rows (per call)", built)
        self._row("EIDO read + built, one call", read)
        self._row("GET calls/{id}/eido/", served)
        self._row(f"EIDOs of {len(made)} calls read + built (per call)", together)
        self.write(f"EIDO build per call: median {statistics.median(built):.2f} ms, p95 "
                   f"{percentile(built, 0.95):.2f} ms (target < 5 ms); read + built "
                   f"{statistics.median(read):.2f} ms, {statistics.median(together):.2f} ms per call in a "
                   f"batch of {len(made)}")

    def print(self) -> None:
        self.write(f"Dispatch core on {connection.vendor}, demo city, times in milliseconds")
        self.write(f"{'operation':<44}{'n':>6}{'median':>10}{'p95':>10}{'max':>10}")
        for label, count, median, p95, worst in self.rows:
            self.write(f"{label:<44}{count:>6}{median:>10.2f}{p95:>10.2f}{worst:>10.2f}")

    def race(self) -> None:
        if connection.vendor != "postgresql":
            self.write("50-way dispatch race: skipped (needs PostgreSQL; set DATABASE_URL)")
            return
        shoot = CallType.objects.get(code="SHOOT")
        calls = [services.call_create(call_type=shoot, location={"address": "150 ELM ST"}, by=self.alice)
                 for _ in range(50)]
        unit = Unit.objects.get(callsign="5A11")
        barrier = threading.Barrier(50)

        def attempt(i):
            try:
                barrier.wait()
                start = time.perf_counter()
                try:
                    services.call_dispatch(call=calls[i], units=[unit], by=self.alice)
                    return "won", (time.perf_counter() - start) * 1000
                except Conflict:
                    return "conflict", (time.perf_counter() - start) * 1000
            finally:
                connections.close_all()

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=50) as pool:
            outcomes = list(pool.map(attempt, range(50)))
        total = (time.perf_counter() - start) * 1000
        won = sum(1 for o, _ in outcomes if o == "won")
        slowest = max(ms for _, ms in outcomes)
        self.write(
            f"50-way dispatch race for one unit: {won} won, {50 - won} got 409, "
            f"{Assignment.objects.filter(unit=unit).count()} assignment; "
            f"all answered in {total:.0f} ms (slowest {slowest:.0f} ms)"
        )

    def recommendations(self, units: int = 1000, calls: int = 100) -> None:
        """recommend() over `units` extra available units spread across the city (a third with a
        fresh location, a third stale, a third without one), for calls of several types."""
        kinds = [("engine", "fire", "CFD"), ("ladder", "fire", "CFD"), ("medic", "ems", "CFD"),
                 ("patrol", "police", "CPD"), ("chief", "fire", "CFD"), ("patrol", "police", "DCSO"),
                 ("engine", "fire", "NFPD"), ("behavioral_health", "behavioral_health", "BHT")]
        templates = {(k, a): Unit.objects.filter(agency__code=a, capabilities__icontains=k).first()
                     for k, _, a in kinds}
        stations, beats = list(Station.objects.all()), list(Beat.objects.all())
        now = timezone.now()
        extra = []
        for n in range(units):
            capability, _, agency = kinds[n % len(kinds)]
            template = templates[(capability, agency)]
            lat, lon = grid_point((n * 37 % 800) / 100, (n * 53 % 500) / 100)
            fresh, stale = n % 3 == 0, n % 3 == 1
            extra.append(Unit(
                callsign=f"B{n}", agency=template.agency, unit_type=template.unit_type,
                discipline=template.discipline, capabilities=[capability], status="available",
                home_beat=beats[n % len(beats)], station=stations[n % len(stations)] if n % 2 else None,
                last_lat=lat if fresh or stale else None, last_lon=lon if fresh or stale else None,
                location_at=now if fresh else now - timedelta(hours=1) if stale else None))
        Unit.objects.bulk_create(extra)
        total = Unit.objects.filter(status="available").count()
        codes = ["FSTRU", "ROBBERY", "MVAINJY", "MNTL", "CARDIAC"]
        addresses = ["410 ELM ST", "150 ELM ST", "310 MAIN ST", "650 CEDAR ST", "230 5TH AVE"]
        types = {t.code: t for t in CallType.objects.filter(code__in=codes)}
        made = [services.call_create(call_type=types[codes[i % 5]], location={"address": addresses[i % 5]},
                                     by=self.alice) for i in range(calls)]
        samples = []
        for call in made:
            start = time.perf_counter()
            result = recommend(call)
            samples.append((time.perf_counter() - start) * 1000)
            if not result.units:
                raise CommandError(f"recommend({call.call_type.code}) found no units")
        self.write(
            f"recommend() with {total} available units on {connection.vendor}, {calls} calls "
            f"(one query of units, ranked in Python): median {statistics.median(samples):.2f} ms, "
            f"p95 {percentile(samples, 0.95):.2f} ms, max {max(samples):.2f} ms")


# The P1, as a call taker hears it: where, what, who, the callback, what happened. Keys
# are what the console asks beyond the text: F2, a Tab between fields, Ctrl+Enter to save and send.
P1_CALL = (
    ("key", "F2"), ("text", "310 main st"), ("key", "Tab"), ("text", "robbery"), ("key", "Tab"),
    ("text", "Ann Lee"), ("key", "Tab"), ("text", "816-555-0142"), ("key", "Tab"),
    ("text", "gun shown, fled north"), ("key", "Control+Enter"),
)
P1_SECONDS, P1_KEYS = 15.0, 6  # the targets
TYPING_PER_SECOND = 5


@dataclass(frozen=True)
class TrialResult:
    seconds: float  # from the first key to the console showing the call dispatched
    keys: int  # keys pressed beyond the text
    characters: int
    number: str
    units: tuple[str, ...]

    @property
    def typing_seconds(self) -> float:
        """From the first key to the last at TYPING_PER_SECOND: the rest is the software's share."""
        return (self.characters + self.keys - 1) / TYPING_PER_SECOND

    def line(self) -> str:
        software = self.seconds - self.typing_seconds
        return (f"P1 trial (robbery at 310 MAIN ST typed at {TYPING_PER_SECOND} characters a second, "
                f"keyboard only, 1920x1080): {self.seconds:.1f} s and {self.keys} keys beyond "
                f"{self.characters} characters, first key to {', '.join(self.units)} dispatched on "
                f"{self.number} (typing alone {self.typing_seconds:.1f} s, the software {software:.1f} s; "
                f"targets {P1_SECONDS:.0f} s and {P1_KEYS} keys)")


def p1_trial(page, *, per_second: float = TYPING_PER_SECOND) -> TrialResult:
    """Type P1_CALL into a signed-in, live console `page` at `per_second` keys a second, keyboard
    only, never waiting for the screen, and time it from F2 to the console showing the call
    dispatched. Each key goes at its own moment on one clock (first key + n / per_second), so the
    browser driver's own delay per key is not counted as the software's."""
    shown = page.locator("#call-detail").get_attribute("data-call-number")
    strokes = [(kind, value) for kind, text in P1_CALL for value in ([text] if kind == "key" else text)]
    start = time.monotonic()
    for n, (kind, value) in enumerate(strokes):
        time.sleep(max(0.0, start + n / per_second - time.monotonic()))
        if kind == "key":
            page.keyboard.press(value)
        else:
            page.keyboard.type(value)
    number = page.wait_for_function(
        """(before) => {
          const detail = document.getElementById("call-detail");
          const number = detail.dataset.callNumber;
          return number && number !== before && detail.dataset.status === "dispatched" ? number : null;
        }""", arg=shown, timeout=30_000, polling=20).json_value()
    seconds = time.monotonic() - start
    units = tuple(page.locator("#detail-units [data-unit]").evaluate_all(
        "rows => rows.map(r => r.dataset.unit)"))
    keys = sum(1 for kind, _ in strokes if kind == "key")
    return TrialResult(seconds, keys, len(strokes) - keys, number, units)


def p1_trial_bench(write: Callable[[str], None], base_url: str) -> None:
    """The P1 trial on a daphne server of the benchmark's database, signed in as dispatcher1."""
    if not os.path.exists(CHROMIUM):
        write(f"P1 trial: skipped ({CHROMIUM} is not installed: apt-get install -y chromium)")
        return
    client = Client(SERVER_NAME="localhost")
    client.force_login(get_user_model().objects.get(username="dispatcher1"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])
            page = context.new_page()
            page.goto(f"{base_url}/console/")
            page.locator('#link-status[data-state="live"]').wait_for(timeout=15_000)
            write(p1_trial(page).line())
        finally:
            browser.close()
