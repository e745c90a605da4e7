"""The running count of committed units, by local day: how long each discipline's staffed units had
0, 1, 2, … assignments open at once. The minutes with no unit free are the time at or above the
discipline's staffed units.

A day that is over is kept (CommittedLevel) once made, so a year's report adds a few thousand rows
instead of sweeping millions of moves; today and later are counted afresh each time. Database triggers
(records migration 0005) leave a WorkloadChange for every write to what the count is made of, and
`committed_levels_refresh` throws away the days each touches before anything is read, so a correction,
a reopened call's units or a unit moved to another discipline are counted as a fresh sweep would.
An assignment cleared before it was sent (a clock error) is not counted as committed.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from cad.models import Agency, Discipline
from calls.models import Assignment
from records.reports.models import CommittedLevel, WorkloadChange
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


def committed_levels(first: date, last: date) -> Iterable[tuple[date, int, int, float]]:
    """(day, discipline id, level, seconds) for each local day from `first` to `last`, made from the
    assignments in one sweep: a running count of the moves (+1 at a dispatch, -1 at a clearing) of
    each discipline's staffed units, with a mark at each midnight so the time is cut into days."""
    disciplines = sorted(staffed_counts())
    if not disciplines or first > last:
        return []
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    db = connection.ops.adapt_datetimefield_value
    params: dict = {"since": db(local_midnight(first)), "until": db(local_midnight(last + timedelta(days=1)))}
    params["partner"] = Agency.Kind.PARTNER.value
    ids = ", ".join(str(int(k)) for k in disciplines)
    marks = []
    for n, day in enumerate(days):
        params[f"m{n}"] = db(local_midnight(day))
        marks.append(
            f"SELECT id AS k, %(m{n})s AS at, 0 AS delta, -2 AS ord FROM {Discipline._meta.db_table} "
            f"WHERE id IN ({ids})"
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
            {" UNION ALL ".join(marks)}
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


@transaction.atomic
def committed_levels_refresh(*, first: date, last: date) -> int:
    """Make sure the kept days from `first` to `last` (days that are over only) are right: throw away
    those any change touched since they were made, then make the missing ones. Returns the days made."""
    last = min(last, timezone.localdate() - timedelta(days=1))
    zone = timezone.get_current_timezone_name()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
        # Deleted and read in one statement: a change committed meanwhile keeps its mark for next time.
        cursor.execute(f"DELETE FROM {WorkloadChange._meta.db_table} RETURNING start_at, end_at")
        changed = [(_aware(start), _aware(end)) for start, end in cursor.fetchall()]
    touched = Q()
    for start, end in _touched_days(changed):
        touched |= Q(day__range=(start, end))
    kept = CommittedLevel.objects.all()
    if changed:
        kept.filter(touched).delete()
    kept.exclude(zone=zone).delete()
    if first > last:
        return 0
    have = set(kept.filter(zone=zone, day__range=(first, last)).values_list("day", flat=True).distinct())
    missing = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    missing = [day for day in missing if day not in have]
    made = 0
    for run_first, run_last in _runs(missing):
        rows = [
            CommittedLevel(zone=zone, day=day, discipline_id=k, level=level, seconds=seconds)
            for day, k, level, seconds in committed_levels(run_first, run_last)
        ]
        CommittedLevel.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
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
        committed_levels_refresh(first=first, last=over)
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
