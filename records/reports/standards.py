"""The intervals a center is measured on, the standards it is measured against, and why a call is
left out of an interval: the one home of these rules, read by the figures in the database
(records.reports.compliance builds its SQL from them) and by the portable path in Python.

Compliance is a fraction of calls within a goal, read against the standard's target (90 %, 95 %),
never an average (DOMAIN.md). A standard's goal is shown for every priority; NFPA's are written
for emergency calls, so read them on P1 (and P2 where a center counts it as emergency).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings


@dataclass(frozen=True)
class Interval:
    code: str
    name: str
    start: str  # the leg's first time: rang, answered, received, dispatched, enroute, onscene
    end: str
    # Self-initiated calls have no call processing: the unit was there when the call began.
    skips_self_initiated: bool
    # Why a call without the leg's first time is left out, when that is not a missing time: a call
    # that never rang on the 9-1-1 line (radio, walk-in, partner) has nothing to answer.
    without_start: str | None = None


INTERVALS = [
    Interval(
        "answering", "Call answering: 9-1-1 line rings → answered", "rang", "answered", True,
        without_start="not_rung",
    ),
    Interval(
        "processing", "Call processing: received → first unit dispatched", "received", "dispatched", True
    ),
    Interval("turnout", "Turnout: first dispatched → first en route", "dispatched", "enroute", False),
    Interval("travel", "Travel: first en route → first on scene", "enroute", "onscene", False),
    Interval("response", "Response: received → first unit on scene", "received", "onscene", True),
]
INTERVAL_CODES = [i.code for i in INTERVALS]


class Reason:
    """Why a call is not in an interval, first that applies. Each is counted and listable."""

    TEST_CALL = "test_call"
    DUPLICATE = "duplicate"
    REOPENED = "reopened"
    SELF_INITIATED = "self_initiated"
    NOT_RUNG = "not_rung"
    MISSING_LEG = "missing_leg"
    NEGATIVE_LEG = "negative_leg"


REASONS = {
    Reason.TEST_CALL: "A test call (its call type is a test type: CAD_REPORTS_TEST_CALL_TYPES)",
    Reason.DUPLICATE: "A duplicate: its units are counted on the call it duplicates",
    Reason.REOPENED: "Reopened: its first times may belong to either life of the call",
    Reason.SELF_INITIATED: "Self-initiated by a unit: no call was waiting to be processed",
    Reason.NOT_RUNG: "Not a 9-1-1 line call with its ring time (radio, admin line, alarm company, partner, "
                     "or entered without the line's ANI/ALI): nothing to answer",
    Reason.MISSING_LEG: "A time of the leg is missing (e.g. no unit pressed en route, none sent)",
    Reason.NEGATIVE_LEG: "The leg ends before it starts (a clock behind, or a time entered late)",
}


def test_call_types() -> list[str]:
    return settings.CAD_REPORTS_TEST_CALL_TYPES


@dataclass(frozen=True)
class Leg:
    """One call's times as the figures read them (its first units', or an agency's first units')."""

    test: bool
    duplicate: bool
    reopened: bool
    self_initiated: bool
    rang: datetime | None
    answered: datetime | None
    received: datetime | None
    dispatched: datetime | None
    enroute: datetime | None
    onscene: datetime | None


def leg_reason(leg: Leg, interval: Interval) -> str | None:
    """Why the call is left out of `interval`, or None when it is measured."""
    if leg.test:
        return Reason.TEST_CALL
    if leg.duplicate:
        return Reason.DUPLICATE
    if leg.reopened:
        return Reason.REOPENED
    if leg.self_initiated and interval.skips_self_initiated:
        return Reason.SELF_INITIATED
    start, end = getattr(leg, interval.start), getattr(leg, interval.end)
    if start is None and interval.without_start:
        return interval.without_start
    if start is None or end is None:
        return Reason.MISSING_LEG
    if end < start:
        return Reason.NEGATIVE_LEG
    return None


def leg_seconds(leg: Leg, interval: Interval) -> float:
    """The leg in seconds, exact to the microsecond (as PostgreSQL's epoch of an interval is)."""
    delta = getattr(leg, interval.end) - getattr(leg, interval.start)
    return (delta.days * 86_400_000_000 + delta.seconds * 1_000_000 + delta.microseconds) / 1_000_000


def reason_sql(interval: Interval, column: Callable[[str], str]) -> str:
    """leg_reason as a SQL CASE over the rows' columns (named by `column`)."""
    start, end = column(interval.start), column(interval.end)
    skip = (
        f"WHEN {column('self_initiated')} THEN '{Reason.SELF_INITIATED}' "
        if interval.skips_self_initiated
        else ""
    )
    unrung = f"WHEN {start} IS NULL THEN '{interval.without_start}' " if interval.without_start else ""
    return (
        f"CASE WHEN {column('test')} THEN '{Reason.TEST_CALL}' "
        f"WHEN {column('duplicate')} THEN '{Reason.DUPLICATE}' "
        f"WHEN {column('reopened')} THEN '{Reason.REOPENED}' {skip}{unrung}"
        f"WHEN {start} IS NULL OR {end} IS NULL THEN '{Reason.MISSING_LEG}' "
        f"WHEN {end} < {start} THEN '{Reason.NEGATIVE_LEG}' END"
    )


@dataclass(frozen=True)
class Goal:
    seconds: int | None  # None: each priority's own (the all-priorities row)
    target: float  # the fraction of calls that must be within `seconds`


@dataclass(frozen=True)
class Standard:
    code: str
    name: str
    # (interval code, priority level, the priorities' own goals) → the goals, first the headline one
    goals: Callable[[str, int, dict[int, tuple[int, int]]], list[Goal]]


# NENA-STA-020.1-2020, which centers adopt as their own answering goal and NFPA 1225 (2022) follows.
NENA_ANSWERING = [Goal(15, 0.9), Goal(20, 0.95)]


def _center(interval: str, level: int, own: dict[int, tuple[int, int]]) -> list[Goal]:
    if interval == "answering":
        return NENA_ANSWERING
    dispatch, response = own.get(level, (None, None))
    seconds = {"processing": dispatch, "response": response}.get(interval)
    return [Goal(seconds, 0.9)] if seconds else []


def _nfpa_1225(interval: str, level: int, own) -> list[Goal]:
    return {"answering": NENA_ANSWERING, "processing": [Goal(60, 0.9)]}.get(interval, [])


def _nfpa_1221(interval: str, level: int, own) -> list[Goal]:
    return {"answering": [Goal(15, 0.95), Goal(40, 0.99)],
            "processing": [Goal(64, 0.9), Goal(106, 0.95)]}.get(interval, [])


STANDARDS = {
    "center": Standard(
        "center", "The center's own goals by priority (dispatch and response goals, 90 %); answering "
                  "by NENA-STA-020.1-2020 (15 s, 90 %; 20 s, 95 %)", _center
    ),
    "nfpa1225": Standard("nfpa1225", "NFPA 1225 (2022): answered within 15 s, 90 %, and 20 s, 95 %; "
                                     "processed within 60 s, 90 %", _nfpa_1225),
    "nfpa1221": Standard(
        "nfpa1221", "NFPA 1221 (2016): answered within 15 s, 95 %, and 40 s, 99 %; processed within "
                    "64 s, 90 %, and 106 s, 95 %", _nfpa_1221
    ),
}
