"""Calls made by hand for the reports' tests, each with the times it is given and nothing else."""

from datetime import UTC, datetime, timedelta
from itertools import count

from calls.choices import CallSource, CallStatus
from calls.models import Assignment, Call, CallType
from premises.models import Beat
from units.models import Unit

DAY = datetime(2025, 6, 10, tzinfo=UTC)  # a day no other test's calls are on
_numbers = count(1)


def at(seconds: float, day: datetime = DAY) -> datetime:
    return day + timedelta(hours=9, seconds=seconds)


def call_made(
    *,
    processing: float | None = 30,
    turnout: float | None = 20,
    travel: float | None = 200,
    priority: int = 1,
    code: str = "ROBBERY",
    unit: str = "1A11",
    source: str = CallSource.E911,
    reopened: bool = False,
    master: Call | None = None,
    received: datetime | None = None,
    units: list[str] | None = None,
    busy: float = 1800,
    beat: str | None = None,
    answering: float | None = None,
) -> Call:
    """A closed call received at `received` (9:00 on DAY), its first unit sent `processing` seconds later,
    en route `turnout` after that, on scene `travel` after that (None: that time is missing); `answering`:
    it rang on the 9-1-1 line that many seconds before it was answered (at received), as ANI/ALI stamps it."""
    received = received or at(0)
    dispatched = received + timedelta(seconds=processing) if processing is not None else None
    enroute = dispatched + timedelta(seconds=turnout) if dispatched and turnout is not None else None
    base = enroute or dispatched
    onscene = base + timedelta(seconds=travel) if base and travel is not None else None
    call = Call.objects.create(
        number=f"2025-9{next(_numbers):05d}",
        source=source,
        call_type=CallType.objects.get(code=code),
        priority_id=priority,
        status=CallStatus.CLOSED,
        received_at=received,
        rang_at=received - timedelta(seconds=answering) if answering is not None else None,
        answered_at=received if answering is not None else None,
        entered_at=received,
        dispatched_at=dispatched,
        enroute_at=enroute,
        onscene_at=onscene,
        closed_at=received + timedelta(seconds=busy + 600),
        reopened_at=received if reopened else None,
        master=master,
        beat=Beat.objects.get(code=beat) if beat else None,
    )
    if dispatched:
        for callsign in units or [unit]:
            Assignment.objects.create(
                call=call,
                unit=Unit.objects.get(callsign=callsign),
                status="available",
                dispatched_at=dispatched,
                enroute_at=enroute,
                onscene_at=onscene,
                cleared_at=dispatched + timedelta(seconds=busy),
            )
    return call
