"""The workload's two running counts, by local day: how long each discipline's staffed units had
0, 1, 2, … assignments open at once (the minutes with no unit free are the time at or above the
discipline's staffed units), and how many calls were open at once (the peak).

A day that is over is kept (CommittedLevel, OpenCallsDay) once made, so a year's report reads a few
thousand rows instead of sweeping millions of moves; today and later are counted afresh each time.
Database triggers (records migration 0005) leave a WorkloadChange for every write to what the counts are
made of, and `daily_counts_refresh` throws away the days each touches before anything is read, so a
correction, a reopened call, a unit moved to another discipline are counted as a fresh sweep would.
An assignment cleared before it was sent, or a call closed before it was received (clock errors),
is not counted as open.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from cad.models import Agency, Discipline
from calls.models import Assignment, Call
from records.reports.models import CommittedLevel, OpenCallsDay, WorkloadChange
from records.reports.query import local_midnight
from units.models import Unit

# Taken while the kept days are checked and made, so two reports never keep a day made from data
# older than a change whose mark the other has already cleared.
REFRESH_LOCK = 0x5245_504F_5254  # "REPORT"


def staffed_units():
    """The units whose time the center answers for: its own and the agencies it dispatches for."""
    return Unit.objects.exclude(agency__kind=Agency.Kind.PARTNER)


def staffed_counts() -> dict[int, int]:
    """Each discipline's staffed units: {discipline id: units}."""
    return dict(staffed_units().values_list("discipline_id").annotate(n=Count("id")).order_by())


def _seconds_between(start: str, end: str) -> str:
    """SQL for the seconds from one timestamp to another, in this database's words."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({end} - {start}))"
    return f"(julianday({end}) - julianday({start})) * 86400.0"


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _range_params(first: date, last: date) -> dict:
    db = connection.ops.adapt_datetimefield_value
    return {"since": db(local_midnight(first)), "until": db(local_midnight(last + timedelta(days=1)))}


def _midnights(days: list[date], params: dict, select: str) -> str:
    """SQL of one row per midnight (`select` names it %(m)s), its time added to `params`."""
    rows = []
    for n, day in enumerate(days):
        params[f"m{n}"] = connection.ops.adapt_datetimefield_value(local_midnight(day))
        rows.append(select.replace("%(m)s", f"%(m{n})s"))
    return " UNION ALL ".join(rows)


def committed_levels(first: date, last: date) -> Iterable[tuple[date, int, int, float]]:
    """(day, discipline id, level, seconds) for each local day from `first` to `last`, made from the
    assignments in one sweep: a running count of the moves (+1 at a dispatch, -1 at a clearing) of
    each discipline's staffed units, with a mark at each midnight so the time is cut into days."""
    disciplines = sorted(staffed_counts())
    if not disciplines or first > last:
        return []
    days = _days(first, last)
    params = {**_range_params(first, last), "partner": Agency.Kind.PARTNER.value}
    ids = ", ".join(str(int(k)) for k in disciplines)
    marks = _midnights(
        days,
        params,
        f"SELECT id AS k, %(m)s AS at, 0 AS delta, -2 AS ord FROM {Discipline._meta.db_table} "
        f"WHERE id IN ({ids})",
    )
    sent, unit, agency = Assignment._meta.db_table, Unit._meta.db_table, Agency._meta.db_table
    staffed = f"u.agency_id IN (SELECT id FROM {agency} WHERE kind <> %(partner)s)"
    sane = "(a.cleared_at IS NULL OR a.cleared_at >= a.dispatched_at)"
    sql = f"""
        WITH moves AS (
            SELECT u.discipline_id AS k,
                   CASE WHEN a.dispatched_at < %(since)s THEN %(since)s ELSE a.dispatched_at END AS at,
                   1 AS delta, 1 AS ord
              FROM {sent} a JOIN {unit} u ON u.id = a.unit_id
             WHERE a.dispatched_at < %(until)s AND (a.cleared_at IS NULL OR a.cleared_at > %(since)s)
               AND {sane} AND {staffed}
            UNION ALL
            SELECT u.discipline_id, a.cleared_at, -1, -1
              FROM {sent} a JOIN {unit} u ON u.id = a.unit_id
             WHERE a.cleared_at > %(since)s AND a.cleared_at < %(until)s AND a.dispatched_at < %(until)s
               AND {sane} AND {staffed}
            UNION ALL
            {marks}
        ), running AS (
            SELECT k, at, SUM(delta) OVER w AS level, LEAD(at) OVER w AS next_at,
                   SUM(CASE WHEN ord = -2 THEN 1 ELSE 0 END) OVER w AS nth_day
              FROM moves
            WINDOW w AS (PARTITION BY k ORDER BY at, ord ROWS UNBOUNDED PRECEDING)
        )
        SELECT nth_day, k, level, SUM({_seconds_between("at", "COALESCE(next_at, %(until)s)")})
          FROM running
         WHERE next_at IS NULL OR next_at > at
         GROUP BY nth_day, k, level
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            (days[nth - 1], k, int(level), float(seconds)) for nth, k, level, seconds in cursor.fetchall()
        ]


def _touched_days(stretches: list[tuple[datetime | None, datetime | None]]) -> list[tuple[date, date]]:
    """The local days the changed stretches touch, joined where they meet (no start: from the first
    day; no end: to the last)."""
    spans = sorted(
        (timezone.localdate(start) if start else date.min, timezone.localdate(end) if end else date.max)
        for start, end in stretches
    )
    joined: list[list[date]] = []
    for first, last in spans:
        if joined and (first - joined[-1][1]).days <= 1:
            joined[-1][1] = max(joined[-1][1], last)
        else:
            joined.append([first, last])
    return [(first, last) for first, last in joined]


def open_calls_days(first: date, last: date) -> list[tuple[date, int, int | None, datetime | None]]:
    """(day, calls open at its midnight, the most open after an arrival that day, when first) for each
    local day from `first` to `last`, in one sweep of the calls' moves (+1 received, -1 closed) with a
    mark at each midnight. A call open at `first`'s midnight moves there, before the mark; one closed at
    a midnight is closed before it and one received then is received after it, as a report from that
    midnight counts them. Duplicates are left out."""
    days = _days(first, last)
    params = _range_params(first, last)
    table = Call._meta.db_table
    sane = "(c.closed_at IS NULL OR c.closed_at > c.received_at)"
    sql = f"""
        WITH moves AS (
            SELECT CASE WHEN c.received_at < %(since)s THEN %(since)s ELSE c.received_at END AS at,
                   1 AS delta, CASE WHEN c.received_at < %(since)s THEN -2 ELSE 1 END AS ord
              FROM {table} c
             WHERE c.received_at < %(until)s AND (c.closed_at IS NULL OR c.closed_at > %(since)s)
               AND c.master_id IS NULL AND {sane}
            UNION ALL
            SELECT c.closed_at, -1, -1 FROM {table} c
             WHERE c.closed_at > %(since)s AND c.closed_at < %(until)s AND c.received_at < %(until)s
               AND c.master_id IS NULL AND {sane}
            UNION ALL
            {_midnights(days, params, "SELECT %(m)s AS at, 0 AS delta, 0 AS ord")}
        ), running AS MATERIALIZED (
            SELECT at, ord, SUM(delta) OVER w AS open,
                   SUM(CASE WHEN ord = 0 THEN 1 ELSE 0 END) OVER w AS nth_day
              FROM moves
            WINDOW w AS (ORDER BY at, ord ROWS UNBOUNDED PRECEDING)
        ), daily AS (
            SELECT nth_day, MAX(CASE WHEN ord = 0 THEN open END) AS at_start,
                   MAX(CASE WHEN ord = 1 THEN open END) AS peak
              FROM running WHERE nth_day > 0 GROUP BY nth_day
        )
        SELECT d.nth_day, d.at_start, d.peak, MIN(r.at)
          FROM daily d LEFT JOIN running r ON r.nth_day = d.nth_day AND r.ord = 1 AND r.open = d.peak
         GROUP BY d.nth_day, d.at_start, d.peak
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return sorted(
        (days[nth - 1], int(at_start), None if peak is None else int(peak), _aware(at))
        for nth, at_start, peak, at in rows
    )


KEPT = {WorkloadChange.Counts.UNITS: CommittedLevel, WorkloadChange.Counts.CALLS: OpenCallsDay}


@transaction.atomic
def daily_counts_refresh(*, first: date, last: date) -> int:
    """Make sure the kept days from `first` to `last` (days that are over only) are right: throw away
    those any change touched since they were made, then make the missing ones. Returns the days made."""
    last = min(last, timezone.localdate() - timedelta(days=1))
    zone = timezone.get_current_timezone_name()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
        # Deleted and read in one statement: a change committed meanwhile keeps its mark for next time.
        cursor.execute(f"DELETE FROM {WorkloadChange._meta.db_table} RETURNING counts, start_at, end_at")
        changed = [(counts, _aware(start), _aware(end)) for counts, start, end in cursor.fetchall()]
    for counts, model in KEPT.items():
        spans = _touched_days([(start, end) for kind, start, end in changed if kind == counts])
        if spans:
            touched = Q()
            for start, end in spans:
                touched |= Q(day__range=(start, end))
            model.objects.filter(touched).delete()
        model.objects.exclude(zone=zone).delete()
    if first > last:
        return 0
    made = 0
    for counts, model in KEPT.items():
        have = set(model.objects.filter(zone=zone, day__range=(first, last)).values_list("day", flat=True))
        for run_first, run_last in _runs([day for day in _days(first, last) if day not in have]):
            if counts == WorkloadChange.Counts.UNITS:
                rows = [
                    CommittedLevel(zone=zone, day=day, discipline_id=k, level=level, seconds=seconds)
                    for day, k, level, seconds in committed_levels(run_first, run_last)
                ]
            else:
                rows = [
                    OpenCallsDay(zone=zone, day=day, at_start=at_start, peak=peak, peak_at=peak_at)
                    for day, at_start, peak, peak_at in open_calls_days(run_first, run_last)
                ]
            model.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
            made += (run_last - run_first).days + 1
    return made


def _aware(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def _runs(days: list[date]) -> list[tuple[date, date]]:
    runs: list[list[date]] = []
    for day in days:
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def saturated_seconds(first: date, last: date) -> dict[int, float]:
    """{discipline id: seconds from `first` to `last` (local days, both included) with at least as many
    assignments open as the discipline has staffed units}: kept days for those that are over, a fresh
    sweep for today and after."""
    counts = staffed_counts()
    if not counts:
        return {}
    seconds: dict[int, float] = defaultdict(float)
    today = timezone.localdate()
    over = min(last, today - timedelta(days=1))
    if first <= over:
        daily_counts_refresh(first=first, last=over)
        zone = timezone.get_current_timezone_name()
        full = Q()
        for k, n in counts.items():
            full |= Q(discipline_id=k, level__gte=n)
        for k, total in (
            CommittedLevel.objects.filter(full, zone=zone, day__range=(first, over))
            .values_list("discipline_id")
            .annotate(total=Sum("seconds"))
            .order_by()
        ):
            seconds[k] += total
    if max(first, today) <= last:
        for _, k, level, s in committed_levels(max(first, today), last):
            if level >= counts.get(k, level + 1):
                seconds[k] += s
    return dict(seconds)


def open_calls_peak(first: date, last: date) -> dict:
    """The most calls open at once from `first` to `last` (local days) and when that was first reached:
    the first day's midnight count, or the highest of the days' peaks, the earliest on a tie."""
    today = timezone.localdate()
    over = min(last, today - timedelta(days=1))
    days: list[tuple] = []
    if first <= over:
        daily_counts_refresh(first=first, last=over)
        days += OpenCallsDay.objects.filter(
            zone=timezone.get_current_timezone_name(), day__range=(first, over)
        ).values_list("day", "at_start", "peak", "peak_at")
    if max(first, today) <= last:
        days += open_calls_days(max(first, today), last)
    days.sort()
    best: tuple[int, datetime] | None = None
    if days and days[0][0] == first and days[0][1] > 0:
        best = (days[0][1], local_midnight(first))
    for _, _, peak, peak_at in days:
        if peak is not None and (best is None or (-peak, peak_at) < (-best[0], best[1])):
            best = (peak, peak_at)
    if best is None:
        return {"count": 0, "at": None}
    return {"count": best[0], "at": best[1].astimezone(UTC).isoformat()}
