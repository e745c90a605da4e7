"""Units joining and leaving calls: each step written once, whichever service takes it.

A unit joins a call when it is sent (its assignment opens, it is dispatched on the call) and
leaves it when it clears, goes out of service, or its call closes (the assignment closes, the unit
is recorded off the call). Callers hold the call's lock and then the units', in id order.
"""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser

from cad.exceptions import Conflict
from cad.history import actor
from calls.choices import CallStatus, ChronologyKind
from calls.models import Assignment, Call
from calls.services.chronology import chronology_add
from units.choices import UnitStatus
from units.models import Unit
from units.services import unit_call_move, unit_status_record
from units.services.field_actions import offline_words

User = AbstractBaseUser

# Which assignment time a unit status stamps, and which of them the call keeps the first of.
STATUS_STAMPS = {
    UnitStatus.ENROUTE: "enroute_at",
    UnitStatus.ONSCENE: "onscene_at",
    UnitStatus.TRANSPORTING: "transporting_at",
    UnitStatus.AT_HOSPITAL: "at_hospital_at",
}
CALL_FIRST_STAMPS = {UnitStatus.ENROUTE: "enroute_at", UnitStatus.ONSCENE: "onscene_at"}
ON_SCENE_STATUSES = {UnitStatus.ONSCENE, UnitStatus.TRANSPORTING, UnitStatus.AT_HOSPITAL}
TRANSPORT_STATUSES = {UnitStatus.TRANSPORTING, UnitStatus.AT_HOSPITAL}
LEAVING_STATUSES = {UnitStatus.AVAILABLE, UnitStatus.OUT_OF_SERVICE}


def derived_status(call: Call) -> str:
    """A call's status follows its most advanced open assignment."""
    statuses = set(
        Assignment.objects.filter(call=call, cleared_at__isnull=True).values_list("status", flat=True)
    )
    if statuses & ON_SCENE_STATUSES:
        return CallStatus.ONSCENE
    if UnitStatus.ENROUTE in statuses:
        return CallStatus.ENROUTE
    if UnitStatus.DISPATCHED in statuses:
        return CallStatus.DISPATCHED
    # Nobody left on it: worked calls wait for a disposition, cancelled ones wait for a unit.
    worked = Assignment.objects.filter(call=call, onscene_at__isnull=False)
    if call.reopened_at is not None:
        # Only work still going on after the reopen counts (a unit moved here from a duplicate too).
        worked = worked.filter(cleared_at__gte=call.reopened_at)
    return CallStatus.CLEARED if worked.exists() else CallStatus.PENDING


def status_change(was: str, now: str) -> dict[str, list] | None:
    """The call's status old → new for its event, when it moved."""
    return {"status": [str(was), str(now)]} if was != now else None


def unit_sent(call: Call, unit: Unit, *, by: User | None, at: datetime) -> None:
    """The unit joins the call: its assignment opens and it is dispatched on the call."""
    Assignment.objects.create(call=call, unit=unit, dispatched_at=at, dispatched_by=actor(by))
    unit_status_record(unit=unit, to_status=UnitStatus.DISPATCHED, by=by, at=at, call=call)
    chronology_add(call, ChronologyKind.DISPATCHED, by=by, at=at, unit=unit,
                   text=f"{unit.callsign} dispatched")


def unit_follows(call: Call, unit: Unit, status: UnitStatus, *, by: User | None, at: datetime,
                 device_at: datetime | None = None) -> None:
    """The unit, working the call, goes to `status`: its assignment's time and the call's first
    time are stamped; available or out of service, it leaves the call. The chronology line says
    when the unit's device made the change well before `at` (`device_at`)."""
    previous = unit.status
    assignment = Assignment.objects.get(call=call, unit=unit, cleared_at__isnull=True)
    late = offline_words(callsign=unit.callsign, device_at=device_at, at=at)
    late = f" ({late})" if late else ""
    if status in LEAVING_STATUSES:
        text = f"{unit.callsign} cleared"
        if status == UnitStatus.OUT_OF_SERVICE:
            text += " (out of service)"
        _unit_leaves(call, assignment, unit, status, by=by, at=at, text=text + late, previous=previous)
        return
    assignment.status = status
    if status in STATUS_STAMPS:
        setattr(assignment, STATUS_STAMPS[status], at)
    assignment.save()
    if status in CALL_FIRST_STAMPS and getattr(call, CALL_FIRST_STAMPS[status]) is None:
        setattr(call, CALL_FIRST_STAMPS[status], at)
    unit_status_record(unit=unit, to_status=status, by=by, at=at, call=call)
    chronology_add(call, ChronologyKind.UNIT_STATUS, by=by, at=at, unit=unit,
                   text=f"{unit.callsign} {status.label.lower()}{late}",
                   changes={"status": [previous, status.value]})


def units_cleared(call: Call, *, by: User | None, at: datetime, reason: str) -> list[Unit]:
    """Every unit still on the call leaves it, available (the call is closing)."""
    cleared = []
    for assignment in Assignment.objects.filter(call=call, cleared_at__isnull=True).order_by("unit_id"):
        unit = Unit.objects.select_for_update().get(pk=assignment.unit_id)
        _unit_leaves(call, assignment, unit, UnitStatus.AVAILABLE, by=by, at=at,
                     text=f"{unit.callsign} cleared ({reason})", previous=unit.status)
        cleared.append(unit)
    return cleared


def _unit_leaves(call: Call, assignment: Assignment, unit: Unit, status: UnitStatus, *, by: User | None,
                 at: datetime, text: str, previous: str) -> None:
    assignment.status = status
    assignment.cleared_at = at
    assignment.save()
    unit_status_record(unit=unit, to_status=status, by=by, at=at, call=call)
    chronology_add(call, ChronologyKind.UNIT_STATUS, by=by, at=at, unit=unit, text=text,
                   changes={"status": [previous, status.value]})


def units_transferred(duplicate: Call, master: Call, *, by: User | None, at: datetime) -> list[Unit]:
    """Units working a duplicate go on working the same incident: their assignments move to the
    master, with the times they had, and their status stays."""
    moved = []
    for old in Assignment.objects.filter(call=duplicate, cleared_at__isnull=True).order_by("unit_id"):
        unit = Unit.objects.select_for_update().get(pk=old.unit_id)
        old.cleared_at = at
        old.save(update_fields=["cleared_at"])
        Assignment.objects.create(
            call=master, unit=unit, status=old.status, dispatched_at=old.dispatched_at,
            dispatched_by=old.dispatched_by, enroute_at=old.enroute_at, onscene_at=old.onscene_at,
            transporting_at=old.transporting_at, at_hospital_at=old.at_hospital_at,
        )
        unit_call_move(unit=unit, call=master)
        for stamp in ("dispatched_at", "enroute_at", "onscene_at"):
            theirs = getattr(old, stamp)
            if theirs is not None:
                # Never before the master was received: its intervals must not go negative.
                theirs = max(theirs, master.received_at)
                if getattr(master, stamp) is None or theirs < getattr(master, stamp):
                    setattr(master, stamp, theirs)
        status = UnitStatus(old.status).label.lower()
        chronology_add(master, ChronologyKind.UNIT_STATUS, by=by, at=at, unit=unit,
                       text=f"{unit.callsign} moved from duplicate {duplicate.number} ({status})")
        chronology_add(duplicate, ChronologyKind.UNIT_STATUS, by=by, at=at, unit=unit,
                       text=f"{unit.callsign} moved to {master.number}")
        moved.append(unit)
    if moved:
        master.status = derived_status(master)
        master.save()
    return moved


def refuse_while_transporting(call: Call, what: str) -> None:
    """A unit with a patient on board is not cleared by paperwork: it clears itself."""
    busy = list(
        Assignment.objects.filter(call=call, cleared_at__isnull=True, status__in=TRANSPORT_STATUSES)
        .select_related("unit")
    )
    if busy:
        described = ", ".join(f"{a.unit.callsign} is {UnitStatus(a.status).label.lower()}" for a in busy)
        raise Conflict(f"Call {call.number} cannot be {what} yet: {described}; clear it first.")
