"""Today's figures for the supervisor board: goal compliance per priority, calls per hour, and the
callback queue (abandoned 9-1-1 calls) by outcome.

Goals are measured as the 90th percentile (DOMAIN.md), never averages: call processing is
received → first unit dispatched, response is received → first unit on scene. A call still
waiting past its goal counts already, with the time it has waited so far: the worst calls of the
day must not be missing from the figures just because nobody has reached them yet.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min
from django.utils import timezone

from calls.choices import CallbackOutcome, CallStatus
from calls.models import Call, Callback, Priority


def percentile_90(values: list[float]) -> float | None:
    """The nearest-rank 90th percentile: 90% of the values are at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def within_pct(values: list[float], goal: int | None) -> float | None:
    if not values or goal is None:
        return None
    return round(100 * sum(1 for v in values if v <= goal) / len(values), 1)


@dataclass
class PriorityFigures:
    level: int
    name: str
    dispatch_goal_seconds: int | None
    response_goal_seconds: int | None
    calls: int
    processing_p90: float | None
    processing_within_goal_pct: float | None
    response_p90: float | None
    response_within_goal_pct: float | None


def day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)


def figures_for_day(day: date | None = None) -> dict:
    """Calls received on `day` (the center's local date; default today)."""
    day = day or timezone.localdate()
    start, end = day_bounds(day)
    rows = list(
        Call.objects.filter(received_at__gte=start, received_at__lt=end, master__isnull=True)
        .values_list("priority_id", "received_at", "dispatched_at", "onscene_at", "status")
    )
    goals = {p.level: p for p in Priority.objects.all()}
    now = timezone.now()
    per_hour = [0] * 24
    processing: dict[int, list[float]] = {}
    response: dict[int, list[float]] = {}
    counts: dict[int, int] = {}
    for level, received, dispatched, onscene, status in rows:
        per_hour[timezone.localtime(received).hour] += 1
        counts[level] = counts.get(level, 0) + 1
        waited = (now - received).total_seconds()
        still_open = status != CallStatus.CLOSED
        if dispatched is not None:
            processing.setdefault(level, []).append((dispatched - received).total_seconds())
        elif still_open and waited > goals[level].dispatch_goal_seconds:
            # Still waiting and already past the goal: a miss now, whenever it is sent.
            processing.setdefault(level, []).append(waited)
        if onscene is not None:
            response.setdefault(level, []).append((onscene - received).total_seconds())
        elif still_open and waited > goals[level].response_goal_seconds:
            response.setdefault(level, []).append(waited)
    priorities = []
    for priority in sorted(goals.values(), key=lambda p: p.level):
        done = processing.get(priority.level, [])
        arrived = response.get(priority.level, [])
        priorities.append(PriorityFigures(
            level=priority.level, name=priority.name,
            dispatch_goal_seconds=priority.dispatch_goal_seconds,
            response_goal_seconds=priority.response_goal_seconds,
            calls=counts.get(priority.level, 0),
            processing_p90=percentile_90(done),
            processing_within_goal_pct=within_pct(done, priority.dispatch_goal_seconds),
            response_p90=percentile_90(arrived),
            response_within_goal_pct=within_pct(arrived, priority.response_goal_seconds),
        ).__dict__)
    return {
        "date": day.isoformat(),
        "timezone": str(timezone.get_current_timezone()),
        "calls_today": len(rows),
        "per_hour": [{"hour": hour, "count": count} for hour, count in enumerate(per_hour)],
        "priorities": priorities,
        "callbacks": callback_counts(day),
    }


def callback_counts(day: date | None = None) -> dict:
    """The board's figures: entries queued on `day` (default today), waiting now, the longest
    wait, and those done that day by outcome."""
    day = day or timezone.localdate()
    start, end = day_bounds(day)
    done = dict(Callback.objects.filter(done_at__gte=start, done_at__lt=end)
                .values_list("outcome").annotate(n=Count("pk")).order_by())
    waiting = Callback.objects.filter(done_at__isnull=True).aggregate(n=Count("pk"), oldest=Min("queued_at"))
    oldest = waiting["oldest"]
    return {
        "queued": Callback.objects.filter(queued_at__gte=start, queued_at__lt=end).count(),
        "waiting": waiting["n"],
        "oldest_waiting_s": max(0, int((timezone.now() - oldest).total_seconds())) if oldest else None,
        "outcomes": {outcome: done.get(outcome, 0) for outcome in CallbackOutcome.values},
    }
