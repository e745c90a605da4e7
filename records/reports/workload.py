"""Workload: calls and busy time by hour, weekday, beat, unit, call type or agency; unit-hour utilisation
(committed time ÷ on-duty time); peak concurrent calls; the minutes a discipline had no unit free;
and the beat × hour grid of calls. Every figure is one query in the database, on SQLite as on
PostgreSQL (aggregates and window functions both have).

A unit is committed from its dispatch to its clearing, and that time is counted in the bucket of its
dispatch (the hour it was sent, its call's beat). A unit of the center or an agency it dispatches for is
on duty unless its status history puts it off duty or out of service; partners' units are not counted.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from cad.models import Agency, Discipline
from calls.models import Assignment, Call
from records.reports.query import ReportQuery, roomy_sorts
from units.choices import UnitStatus
from units.models import Unit, UnitStatusChange

OFF_DUTY = {UnitStatus.OFF_DUTY, UnitStatus.OUT_OF_SERVICE}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 2)


def staffed_units():
    """The units whose time the center answers for: its own and the agencies it dispatches for."""
    return Unit.objects.exclude(agency__kind=Agency.Kind.PARTNER)


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


def _bucket_rows(query: ReportQuery) -> list[dict]:
    by = query.by
    calls = Call.objects.filter(received_at__gte=query.since, received_at__lt=query.until)
    sent = _sent(query)
    if by in ("unit", "agency"):
        sent = sent.filter(unit__in=staffed_units()) if by == "agency" else sent
        key = {"unit": "unit__callsign", "agency": "unit__agency__code"}[by]
        counted = {
            row["b"]: row["n"] for row in sent.values(b=F(key)).annotate(n=Count("call_id", distinct=True))
        }
    else:
        call_key = {
            "hour": ExtractHour("received_at"),
            "weekday": ExtractIsoWeekDay("received_at"),
            "beat": F("beat__code"),
            "call_type": F("call_type__code"),
        }[by]
        counted = {row["b"]: row["n"] for row in calls.values(b=call_key).annotate(n=Count("id")).order_by()}
        key = {
            "hour": "hour",
            "weekday": "weekday",
            "beat": "call__beat__code",
            "call_type": "call__call_type__code",
        }[by]
    sent_key = {"hour": ExtractHour("dispatched_at"), "weekday": ExtractIsoWeekDay("dispatched_at")}.get(
        by, F(key)
    )
    busy = {
        row["b"]: (row["n"], row["busy"])
        for row in sent.values(b=sent_key).annotate(n=Count("id"), busy=BUSY).order_by()
    }
    duty = on_duty_seconds(query)
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
    total_busy = sum((b.total_seconds() for _, b in busy.values() if b), 0.0)
    rows = []
    for bucket in sorted(
        keys, key=lambda k: (k is None, str(k).zfill(8) if by in ("hour", "weekday") else str(k))
    ):
        units_sent, busy_time = busy.get(bucket, (0, None))
        busy_s = busy_time.total_seconds() if busy_time else 0.0
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


def _disciplines(query: ReportQuery) -> list[dict]:
    duty = on_duty_seconds(query)
    units = list(staffed_units().values_list("pk", "discipline__code", "discipline__name"))
    busy = dict(
        _sent(query)
        .filter(unit__in=staffed_units())
        .values_list("unit__discipline__code")
        .annotate(busy=BUSY)
        .order_by()
    )
    saturated = no_unit_free_seconds(query)
    figures = {}
    for pk, code, name in units:
        entry = figures.setdefault(code, {"discipline": code, "name": name, "units": 0, "on_duty_s": 0.0})
        entry["units"] += 1
        entry["on_duty_s"] += duty.get(pk, 0.0)
    rows = []
    for code, entry in sorted(figures.items()):
        busy_s = busy[code].total_seconds() if busy.get(code) else 0.0
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


def _db(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _parse(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def _seconds_between(start: str, end: str) -> str:
    """SQL for the seconds from one timestamp to another, in this database's words."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({end} - {start}))"
    return f"(julianday({end}) - julianday({start})) * 86400.0"


def no_unit_free_seconds(query: ReportQuery) -> dict[str, float]:
    """For each discipline, the seconds in the range when every one of its staffed units was committed
    to a call: a running count of committed units (window function), kept where it reaches the count."""
    sent, unit, agency = Assignment._meta.db_table, Unit._meta.db_table, Agency._meta.db_table
    since, until = _db(query.since), _db(query.until)
    staffed = f"u.agency_id IN (SELECT id FROM {agency} WHERE kind <> %s)"
    # Each discipline's staffed units, written into the query: the running count is compared with it
    # on every row, cheaper than a join over millions of rows.
    counts = dict(staffed_units().values_list("discipline_id").annotate(n=Count("id")).order_by())
    if not counts:
        return {}
    full = "CASE discipline_id " + " ".join("WHEN %s THEN %s" for _ in counts) + " END"
    sql = f"""
        WITH moves AS (
            SELECT u.discipline_id,
                   CASE WHEN a.dispatched_at < %s THEN %s ELSE a.dispatched_at END AS at, 1 AS delta
              FROM {sent} a JOIN {unit} u ON u.id = a.unit_id
             WHERE a.dispatched_at < %s AND (a.cleared_at IS NULL OR a.cleared_at > %s) AND {staffed}
            UNION ALL
            SELECT u.discipline_id, a.cleared_at, -1
              FROM {sent} a JOIN {unit} u ON u.id = a.unit_id
             WHERE a.cleared_at > %s AND a.cleared_at < %s AND a.dispatched_at < %s AND {staffed}
        ), running AS (
            SELECT discipline_id, at, SUM(delta) OVER w AS busy, LEAD(at) OVER w AS next_at
              FROM moves
            WINDOW w AS (PARTITION BY discipline_id ORDER BY at, delta ROWS UNBOUNDED PRECEDING)
        )
        SELECT discipline_id, SUM({_seconds_between("at", "COALESCE(next_at, %s)")})
          FROM running
         WHERE busy >= {full} AND (next_at IS NULL OR next_at > at)
         GROUP BY discipline_id
    """
    partner = Agency.Kind.PARTNER.value
    codes = dict(Discipline.objects.values_list("pk", "code"))
    seconds: dict[str, float] = defaultdict(float)
    with connection.cursor() as cursor:
        params = [since, since, until, since, partner, since, until, until, partner, until]
        cursor.execute(sql, [*params, *(v for pair in counts.items() for v in pair)])
        for discipline_id, total in cursor.fetchall():
            seconds[codes[discipline_id]] += float(total or 0.0)
    return dict(seconds)


def peak_concurrent_calls(query: ReportQuery) -> dict:
    """The most calls open at once in the range (received to closed), and when that began."""
    table = Call._meta.db_table
    since, until = _db(query.since), _db(query.until)
    sql = f"""
        WITH moves AS (
            SELECT CASE WHEN received_at < %s THEN %s ELSE received_at END AS at, 1 AS delta FROM {table}
             WHERE received_at < %s AND (closed_at IS NULL OR closed_at > %s) AND master_id IS NULL
            UNION ALL
            SELECT closed_at, -1 FROM {table}
             WHERE closed_at > %s AND closed_at < %s AND received_at < %s AND master_id IS NULL
        )
        SELECT at, open FROM (
            SELECT at, SUM(delta) OVER (ORDER BY at, delta ROWS UNBOUNDED PRECEDING) AS open FROM moves
        ) running ORDER BY open DESC, at LIMIT 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, since, until, since, since, until, until])
        row = cursor.fetchone()
    if not row:
        return {"count": 0, "at": None}
    return {"count": row[1], "at": _parse(row[0]).isoformat()}


def beat_hour_grid(query: ReportQuery) -> dict:
    """Calls received by beat (rows) and hour of the day (columns), the heat map's numbers."""
    counts = (
        Call.objects.filter(received_at__gte=query.since, received_at__lt=query.until)
        .values_list("beat__code", ExtractHour("received_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    grid: dict = defaultdict(lambda: [0] * 24)
    for beat, hour, n in counts:
        grid[beat or ""][hour] += n
    beats = sorted(grid, key=lambda b: (b == "", b.zfill(8)))
    return {"beats": beats, "hours": list(range(24)), "counts": [grid[b] for b in beats]}


@roomy_sorts()
def workload_figures(query: ReportQuery) -> dict:
    return {
        "report": "workload",
        **query.as_params(),
        "rows": _bucket_rows(query),
        "disciplines": _disciplines(query),
        "peak_concurrent_calls": peak_concurrent_calls(query),
        "beat_hour": beat_hour_grid(query),
    }
