"""Response-time compliance: for each interval and priority, how many calls were measured, their median
and 90th percentile, the standard's goal and the fraction within it, and every call left out, by reason.

One set of rows feeds both ways of computing: a query of one row per call (its first units' times, or
with an agency its first units of that agency) built by the ORM. On PostgreSQL the figures are taken
in the database over that query (percentile_cont, one pass, all intervals); elsewhere the same rows are
read and the same figures computed in Python (`compliance_python`). Both give the same numbers: the
percentile is interpolated between the two nearest values, as percentile_cont does.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Min, Q, QuerySet, Value, When
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from calls.choices import CallSource
from calls.models import Assignment, Call, Priority
from records.reports.query import ReportQuery, roomy_sorts
from records.reports.standards import (
    INTERVALS,
    REASONS,
    STANDARDS,
    Goal,
    Interval,
    Leg,
    leg_reason,
    leg_seconds,
    reason_sql,
)

PERCENTILES = {"median_s": 0.5, "p90_s": 0.9}
LEG_COLUMNS = {
    "test": "r_test",
    "duplicate": "r_duplicate",
    "reopened": "r_reopened",
    "self_initiated": "r_self",
    "rang": "r_rang",
    "answered": "r_answered",
    "received": "r_received",
    "dispatched": "r_dispatched",
    "enroute": "r_enroute",
    "onscene": "r_onscene",
}


def _bucket(query: ReportQuery, prefix: str):
    return {
        None: Value(None, output_field=BooleanField()),
        "call_type": F(f"{prefix}call_type__code"),
        "beat": F(f"{prefix}beat__code"),
        "hour": ExtractHour(f"{prefix}received_at"),
        "weekday": ExtractIsoWeekDay(f"{prefix}received_at"),
        "agency": F("unit__agency__code"),
    }[query.by]


def _flags(prefix: str) -> dict:
    tests = settings.CAD_REPORTS_TEST_CALL_TYPES
    return {
        "r_test": Case(
            When(
                Q(**{f"{prefix}call_type__code__in": tests})
                | Q(**{f"{prefix}call_type__common_type__in": tests}),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        "r_duplicate": ExpressionWrapper(
            Q(**{f"{prefix}master__isnull": False}), output_field=BooleanField()
        ),
        "r_reopened": ExpressionWrapper(
            Q(**{f"{prefix}reopened_at__isnull": False}), output_field=BooleanField()
        ),
        "r_self": ExpressionWrapper(
            Q(**{f"{prefix}source": CallSource.SELF_INITIATED}), output_field=BooleanField()
        ),
    }


def leg_rows(query: ReportQuery) -> QuerySet:
    """One row per call received in the range (per call and agency when the report is by agency):
    r_id, r_number, r_priority, the flags, r_rang and r_answered (the 9-1-1 line's ring and answer),
    r_received and the first dispatched, en route and on scene times, and r_bucket, the breakdown's
    value."""
    if query.agency or query.by == "agency":
        # An agency's figures are its own units' times: its first sent, first en route, first there.
        sent = Assignment.objects.filter(
            call__received_at__gte=query.since, call__received_at__lt=query.until
        )
        if query.priority:
            sent = sent.filter(call__priority_id=query.priority)
        if query.agency:
            sent = sent.filter(unit__agency__code=query.agency)
        return (
            sent.values(
                r_id=F("call_id"),
                r_number=F("call__number"),
                r_priority=F("call__priority_id"),
                r_received=F("call__received_at"),
                r_rang=F("call__rang_at"),
                r_answered=F("call__answered_at"),
                r_bucket=_bucket(query, "call__"),
                **_flags("call__"),
            )
            .annotate(
                r_dispatched=Min("dispatched_at"), r_enroute=Min("enroute_at"), r_onscene=Min("onscene_at")
            )
            .order_by()
        )
    calls = Call.objects.filter(received_at__gte=query.since, received_at__lt=query.until)
    if query.priority:
        calls = calls.filter(priority_id=query.priority)
    return calls.values(
        r_id=F("id"),
        r_number=F("number"),
        r_priority=F("priority_id"),
        r_received=F("received_at"),
        r_rang=F("rang_at"),
        r_answered=F("answered_at"),
        r_dispatched=F("dispatched_at"),
        r_enroute=F("enroute_at"),
        r_onscene=F("onscene_at"),
        r_bucket=_bucket(query, ""),
        **_flags(""),
    ).order_by()


def as_leg(row: dict) -> Leg:
    return Leg(**{name: row[column] for name, column in LEG_COLUMNS.items()})


def percentile(ordered: list[float], fraction: float) -> float | None:
    """percentile_cont: interpolated between the two values nearest the fraction's rank."""
    if not ordered:
        return None
    rank = fraction * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Cell:
    """The figures of one interval, one priority (None: all) and one bucket, before they are shown."""

    count: int = 0
    median_s: float | None = None
    p90_s: float | None = None
    within: list[int] | None = None
    exclusions: dict[str, int] | None = None


def _goals(query: ReportQuery) -> dict[tuple[str, int], list[Goal]]:
    own = {p.level: (p.dispatch_goal_seconds, p.response_goal_seconds) for p in Priority.objects.all()}
    standard = STANDARDS[query.standard]
    return {(i.code, level): standard.goals(i.code, level, own) for i in INTERVALS for level in own}


def compliance_python(query: ReportQuery, goals: dict) -> dict[tuple, Cell]:
    """The figures computed in Python over the rows (SQLite, and the check of the database's)."""
    values: dict[tuple, list[float]] = {}
    within: dict[tuple, list[int]] = {}
    excluded: dict[tuple, dict[str, int]] = {}
    for row in leg_rows(query).iterator(chunk_size=5000):
        leg = as_leg(row)
        for interval in INTERVALS:
            reason = leg_reason(leg, interval)
            for level in (row["r_priority"], None):
                key = (interval.code, level, row["r_bucket"])
                excluded.setdefault(key, {})
                values.setdefault(key, [])
                if reason:
                    excluded[key][reason] = excluded[key].get(reason, 0) + 1
                    continue
                seconds = leg_seconds(leg, interval)
                values[key].append(seconds)
                marks = within.setdefault(key, [0, 0])
                for k, goal in enumerate(goals.get((interval.code, row["r_priority"]), [])):
                    marks[k] += seconds <= goal.seconds
    cells = {}
    for key, measured in values.items():
        measured.sort()
        cells[key] = Cell(
            count=len(measured),
            median_s=percentile(measured, 0.5),
            p90_s=percentile(measured, 0.9),
            within=within.get(key, [0, 0]),
            exclusions=excluded[key],
        )
    return cells


def _goal_case(goals: dict, interval: Interval, k: int) -> tuple[str, list]:
    levels = [
        (level, g[k].seconds)
        for (code, level), g in sorted(goals.items())
        if code == interval.code and len(g) > k
    ]
    if not levels:
        return "NULL", []
    return (
        "CASE r_priority " + " ".join("WHEN %s THEN %s" for _ in levels) + " END",
        [v for pair in levels for v in pair],
    )


def compliance_sql(query: ReportQuery, goals: dict) -> dict[tuple, Cell]:
    """The figures computed by PostgreSQL over the rows: one scan, percentile_cont per interval."""
    rows_sql, rows_params = leg_rows(query).query.sql_with_params()
    legs, aggregates, params = [], [], []
    for interval in INTERVALS:
        code = interval.code
        legs.append(f"{reason_sql(interval, LEG_COLUMNS.get)} AS {code}_reason")
        legs.append(
            f"EXTRACT(EPOCH FROM ({LEG_COLUMNS[interval.end]} - {LEG_COLUMNS[interval.start]}))"
            f"::float8 AS {code}_s"
        )
        measured = f"FILTER (WHERE {code}_reason IS NULL)"
        aggregates.append(f"count(*) {measured}")
        aggregates += [
            f"percentile_cont({p}) WITHIN GROUP (ORDER BY {code}_s) {measured}" for p in PERCENTILES.values()
        ]
        for k in range(2):
            case, case_params = _goal_case(goals, interval, k)
            aggregates.append(f"count(*) FILTER (WHERE {code}_reason IS NULL AND {code}_s <= {case})")
            params += case_params
        aggregates += [f"count(*) FILTER (WHERE {code}_reason = '{reason}')" for reason in REASONS]
    sql = (
        f"WITH r AS ({rows_sql}), c AS (SELECT r_priority, r_bucket, {', '.join(legs)} FROM r) "
        f"SELECT GROUPING(r_priority), r_priority, r_bucket, {', '.join(aggregates)} FROM c "
        f"GROUP BY GROUPING SETS ((r_priority, r_bucket), (r_bucket))"
    )
    cells = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rows_params, *params])
        for all_priorities, level, bucket, *figures in cursor.fetchall():
            figures = iter(figures)
            for interval in INTERVALS:
                count, median, p90, first, second = (next(figures) for _ in range(5))
                exclusions = {reason: next(figures) for reason in REASONS}
                cells[(interval.code, None if all_priorities else level, bucket)] = Cell(
                    count=count,
                    median_s=median,
                    p90_s=p90,
                    within=[first, second],
                    exclusions={r: n for r, n in exclusions.items() if n},
                )
    return cells


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _row(cell: Cell, goals: list[Goal], level: int | None, bucket, by: str | None) -> dict:
    exclusions = {reason: n for reason, n in (cell.exclusions or {}).items() if n}
    shown = []
    for k, goal in enumerate(goals):
        fraction = round(cell.within[k] / cell.count, 4) if cell.count and cell.within else None
        shown.append(
            {
                "goal_s": goal.seconds,
                "target": goal.target,
                "within_goal": fraction,
                "met": None if fraction is None else fraction >= goal.target,
            }
        )
    headline = shown[0] if shown else {"goal_s": None, "target": None, "within_goal": None, "met": None}
    row = {"priority": level}
    if by:
        row[by] = bucket
    row.update(
        {
            "count": cell.count,
            "median_s": _seconds(cell.median_s),
            "p90_s": _seconds(cell.p90_s),
            **headline,
            "goals": shown,
            "excluded": sum(exclusions.values()),
            "exclusions": exclusions,
        }
    )
    return row


@roomy_sorts()
def compliance_figures(query: ReportQuery, *, in_python: bool | None = None) -> dict:
    """The compliance report: for each interval, a row per priority (and per bucket of the breakdown),
    then the row of all priorities (priority null)."""
    goals = _goals(query)
    if in_python is None:
        in_python = connection.vendor != "postgresql"
    cells = compliance_python(query, goals) if in_python else compliance_sql(query, goals)
    intervals = []
    for interval in INTERVALS:
        keys = sorted(
            (k for k in cells if k[0] == interval.code), key=lambda k: (k[1] is None, k[1] or 0, str(k[2]))
        )
        rows = []
        for _, level, bucket in keys:
            row_goals = goals[(interval.code, level)] if level is not None else _all_goals(goals, interval)
            rows.append(_row(cells[(interval.code, level, bucket)], row_goals, level, bucket, query.by))
        intervals.append({"interval": interval.code, "name": interval.name, "rows": rows})
    return {
        "report": "compliance",
        **query.as_params(),
        "standard": {"code": query.standard, "name": STANDARDS[query.standard].name},
        "reasons": REASONS,
        "intervals": intervals,
    }


def _all_goals(goals: dict, interval: Interval) -> list[Goal]:
    """The goals of the all-priorities row: the standard's when every priority shares them; else each
    call is measured against its own priority's goal (counted so by both paths), shown without seconds."""
    per_level = [tuple(g) for (code, _), g in sorted(goals.items()) if code == interval.code]
    if len(set(per_level)) == 1:
        return list(per_level[0])
    shortest = min(len(g) for g in per_level)
    return [Goal(None, per_level[0][k].target) for k in range(shortest)]


def exclusions_list(
    query: ReportQuery, *, interval: str | None = None, reason: str | None = None
) -> Iterator[dict]:
    """Every call left out of an interval, with the reason and its times, oldest first: the ledger
    behind each `excluded` count, so a figure can be defended call by call."""
    chosen = [i for i in INTERVALS if interval in (None, i.code)]
    for row in leg_rows(query).order_by("r_received", "r_id").iterator(chunk_size=5000):
        leg = as_leg(row)
        for item in chosen:
            why = leg_reason(leg, item)
            if why and reason in (None, why):
                yield {
                    "call": row["r_number"],
                    "call_id": row["r_id"],
                    "priority": row["r_priority"],
                    "interval": item.code,
                    "reason": why,
                    "rang_at": leg.rang,
                    "answered_at": leg.answered,
                    "received_at": leg.received,
                    "dispatched_at": leg.dispatched,
                    "enroute_at": leg.enroute,
                    "onscene_at": leg.onscene,
                    **({query.by: row["r_bucket"]} if query.by else {}),
                }


# Histogram bins per interval: (width in seconds, bins); a last bar holds everything longer.
HISTOGRAM_BINS = {
    "answering": (2, 15), "processing": (15, 16), "turnout": (10, 12), "travel": (60, 15),
    "response": (60, 20),
}


def _histogram_counts_python(query: ReportQuery) -> dict[str, list[int]]:
    counts = {code: [0] * (bins + 1) for code, (_, bins) in HISTOGRAM_BINS.items()}
    for row in leg_rows(query).iterator(chunk_size=5000):
        leg = as_leg(row)
        for interval in INTERVALS:
            if leg_reason(leg, interval) is None:
                width, bins = HISTOGRAM_BINS[interval.code]
                counts[interval.code][min(int(leg_seconds(leg, interval) // width), bins)] += 1
    return counts


def _histogram_counts_sql(query: ReportQuery) -> dict[str, list[int]]:
    """The same counts, binned by PostgreSQL over the same rows and the same reasons."""
    rows_sql, rows_params = leg_rows(query).query.sql_with_params()
    parts = []
    for interval in INTERVALS:
        width, bins = HISTOGRAM_BINS[interval.code]
        seconds = f"EXTRACT(EPOCH FROM ({LEG_COLUMNS[interval.end]} - {LEG_COLUMNS[interval.start]}))"
        parts.append(
            f"SELECT '{interval.code}' AS code, LEAST(FLOOR({seconds} / {width}), {bins})::int AS bin, "
            f"COUNT(*) FROM r WHERE ({reason_sql(interval, LEG_COLUMNS.get)}) IS NULL GROUP BY 2"
        )
    counts = {code: [0] * (bins + 1) for code, (_, bins) in HISTOGRAM_BINS.items()}
    with connection.cursor() as cursor:
        cursor.execute(f"WITH r AS MATERIALIZED ({rows_sql}) " + " UNION ALL ".join(parts), rows_params)
        for code, index, n in cursor.fetchall():
            counts[code][index] = n
    return counts


@roomy_sorts()
def interval_histograms(query: ReportQuery, *, in_python: bool | None = None) -> dict[str, dict]:
    """How the measured calls of each interval spread: counts per bin and the standard's goal (for P1
    when it differs by priority, or the priority asked for), for the report's charts."""
    goals = _goals(query)
    if in_python is None:
        in_python = connection.vendor != "postgresql"
    counts = _histogram_counts_python(query) if in_python else _histogram_counts_sql(query)
    shown_level = query.priority or 1
    return {
        code: {
            "width_s": HISTOGRAM_BINS[code][0],
            "counts": counts[code],
            "goal_s": next((g.seconds for g in goals.get((code, shown_level), [])), None),
            "goal_priority": shown_level,
        }
        for code in counts
    }
