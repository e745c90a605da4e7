"""The only way calls, assignments and unit statuses change.

Locks are always taken call first, then units in id order, so two services never deadlock.
Every change is stamped in the chronology and announced after commit through cad.events.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cad import events
from cad.exceptions import Conflict, Invalid
from calls.choices import CallSource, CallStatus, ChronologyKind
from calls.models import (
    Assignment,
    Call,
    CallNumberCounter,
    CallPremiseFlag,
    CallType,
    ChronologyEntry,
    Disposition,
    Priority,
)
from calls.selectors import current_premise_flags
from premises.choices import FlagKind
from premises.models import PremiseFlagRead
from premises.places import Place
from premises.selectors import place_for_location, premise_flags_for
from units.choices import ALLOWED_TRANSITIONS, ASSIGNED_STATUSES, UnitStatus
from units.models import Unit
from units.services import unit_status_record

User = AbstractBaseUser

# Which assignment and call time a unit status stamps.
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
DUPLICATE_DISPOSITION = "22"
OLDEST_RECEIVED = timedelta(days=7)
# A console refetches an open call on every change to it: one read per person, flag and call in this time.
FLAG_READ_AGAIN_AFTER = timedelta(minutes=10)
LOGGED_FIELDS = (
    "call_type", "priority", "source", "address", "lat", "lon", "beat", "location_verified",
    "caller_name", "caller_phone", "narrative",
)


def _actor(by: User | None) -> User | None:
    return by if by is not None and by.is_authenticated else None


def _log(
    call: Call, kind: str, *, by: User | None, at: datetime, text: str = "",
    unit: Unit | None = None, changes: dict | None = None,
) -> ChronologyEntry:
    return ChronologyEntry.objects.create(
        call=call, kind=kind, by=_actor(by), at=at, text=text, unit=unit, changes=changes or {}
    )


def _announce_call(call: Call, event: str) -> None:
    from calls.api.serializers import CallSerializer

    events.publish(event, CallSerializer(call).data, call_id=call.pk)


def _announce_unit(unit: Unit) -> None:
    from calls.alerts import checks_answered
    from units.api.serializers import UnitSerializer

    checks_answered(now=timezone.now(), unit=unit)  # a status change answers its status check

    events.publish("unit.updated", UnitSerializer(unit).data, agency_code=unit.agency.code)


def _locked_call(call: Call) -> Call:
    return Call.objects.select_for_update().get(pk=call.pk)


def _locked_calls(*calls: Call) -> list[Call]:
    """Lock several calls in id order (the one order every service uses); returned as given."""
    locked = {c.pk: c for c in Call.objects.select_for_update().filter(pk__in=[c.pk for c in calls])
              .order_by("pk")}
    return [locked[c.pk] for c in calls]


def _touch(call: Call, at: datetime) -> None:
    """Its record changed without a field of its own changing: pollers asking `since` must see it."""
    Call.objects.filter(pk=call.pk).update(updated_at=at)
    call.updated_at = at


def _derived_status(call: Call) -> str:
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


def call_number_next(*, year: int) -> str:
    """The next call number of `year`, e.g. 2026-000123; must run inside the creating transaction."""
    updated = CallNumberCounter.objects.filter(year=year).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                CallNumberCounter.objects.create(year=year, last=1)
        except IntegrityError:
            # Another call opened the year first; its row now exists and is locked by the update.
            CallNumberCounter.objects.filter(year=year).update(last=F("last") + 1)
    last = CallNumberCounter.objects.get(year=year).last
    return f"{year:04d}-{last:06d}"


def _place_fields(place: Place) -> dict[str, Any]:
    return {
        "address": place.address, "lat": place.lat, "lon": place.lon,
        "beat": place.beat, "location_verified": place.verified, "address_point_id": place.address_id,
    }


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _attach_premise_flags(
    call: Call, place: Place, *, by: User | None, at: datetime, previous: int = 0
) -> list[CallPremiseFlag]:
    """Copy the place's active flags onto the call as they read at `at`; they become its current
    flags (call.premise_flags_at must already be `at`). Earlier copies stay as history."""
    copies = CallPremiseFlag.objects.bulk_create([
        CallPremiseFlag(
            call=call, flag=flag, kind=flag.kind, text=flag.text, confidential=flag.confidential,
            expires_at=flag.expires_at, where=flag.where[:200], call_address=call.address,
            attached_at=at, attached_by=_actor(by),
        )
        for flag in premise_flags_for(place, at=at)
    ])
    if copies:
        kinds = ", ".join(
            FlagKind(c.kind).label.lower() + (" (confidential)" if c.confidential else "") for c in copies
        )
        _log(call, ChronologyKind.PREMISE_FLAGS, by=by, at=at,
             text=f"{_plural(len(copies), 'premise flag')} attached: {kinds}")
    elif previous:
        _log(call, ChronologyKind.PREMISE_FLAGS, by=by, at=at, text="No premise flags at the new location")
    return copies


@transaction.atomic
def call_create(
    *,
    call_type: CallType,
    location: dict[str, Any],
    by: User | None,
    source: str = CallSource.E911,
    priority: Priority | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    narrative: str = "",
    received_at: datetime | None = None,
) -> Call:
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise Invalid({"received_at": ["Cannot be in the future."]})
    if now - received_at > OLDEST_RECEIVED:
        raise Invalid({"received_at": ["More than 7 days ago; enter a report instead of a call."]})
    place = place_for_location(location)
    call = Call.objects.create(
        number=call_number_next(year=timezone.localtime(received_at).year),
        source=source,
        call_type=call_type,
        priority=priority or call_type.default_priority,
        caller_name=caller_name,
        caller_phone=caller_phone,
        narrative=narrative,
        received_at=received_at,
        entered_at=now,
        created_by=_actor(by),
        premise_flags_at=now,
        **_place_fields(place),
    )
    text = f"{call_type.code} P{call.priority_id} at {call.address}"
    if not place.verified:
        text += " (location not verified)"
    _log(call, ChronologyKind.CREATED, by=by, at=now, text=text)
    _attach_premise_flags(call, place, by=by, at=now)
    _announce_call(call, "call.created")
    return call


def _loggable(value: Any) -> Any:
    if hasattr(value, "pk"):
        return str(value)
    return value


@transaction.atomic
def call_update(*, call: Call, by: User | None, **changes: Any) -> Call:
    """Change what is known about an open call; every changed field is logged old → new."""
    call = _locked_call(call)
    if call.is_closed:
        raise Conflict(f"Call {call.number} is closed; add a note, or reopen it first.")
    unknown = set(changes) - {"call_type", "priority", "source", "location", "caller_name",
                              "caller_phone", "narrative"}
    if unknown:
        raise Invalid({name: ["This field cannot be changed."] for name in sorted(unknown)})
    place = None
    if "location" in changes:
        place = place_for_location(changes.pop("location"))
        changes.update(_place_fields(place))
    logged, changed = {}, False
    for name, value in changes.items():
        old = getattr(call, name)
        if old != value:
            changed = True
            setattr(call, name, value)
            if name in LOGGED_FIELDS:  # not the address point's id: the address says it
                logged[name] = [_loggable(old), _loggable(value)]
    if not changed:
        return call
    now = timezone.now()
    moved = place is not None and bool({"address", "lat", "lon"} & set(logged))
    previous = 0
    if moved:
        previous = len(current_premise_flags(call))
        call.premise_flags_at = now
    call.save()
    if logged:
        text = "; ".join(f"{name}: {old} → {new}" for name, (old, new) in logged.items())
        _log(call, ChronologyKind.CHANGED, by=by, at=now, text=text, changes=logged)
    if moved:
        _attach_premise_flags(call, place, by=by, at=now, previous=previous)
    _announce_call(call, "call.updated")
    return call


def call_premise_flags_read_record(*, call: Call, by: User | None) -> int:
    """`by` was served the text of the call's current confidential flags (the call detail): record
    it against the call, at most once per person, flag and call every FLAG_READ_AGAIN_AFTER.
    Returns how many reads were recorded. What was served is the call's copy, so the read is of the
    copy (and of its flag while the flag is still in the records)."""
    if _actor(by) is None:
        return 0
    copies = {c.pk: c for c in current_premise_flags(call) if c.is_confidential}
    if not copies:
        return 0
    now = timezone.now()
    recent = set(PremiseFlagRead.objects.filter(
        by=by, call_id=call.pk, call_flag_id__in=copies, at__gte=now - FLAG_READ_AGAIN_AFTER
    ).values_list("call_flag_id", flat=True))
    reads = [
        PremiseFlagRead(flag_id=copy.flag_id, call_flag_id=copy.pk, by=by, at=now, call_id=call.pk,
                        call_number=call.number, context="call")
        for pk, copy in copies.items() if pk not in recent
    ]
    PremiseFlagRead.objects.bulk_create(reads)
    return len(reads)


@transaction.atomic
def call_note_add(*, call: Call, by: User | None, text: str) -> ChronologyEntry:
    text = text.strip()
    if not text:
        raise Invalid({"text": ["A note needs some text."]})
    now = timezone.now()
    entry = _log(call, ChronologyKind.NOTE, by=by, at=now, text=text)
    _touch(call, now)
    from calls.api.serializers import ChronologyEntrySerializer

    events.publish("call.note", {"call": call.pk, "number": call.number,
                                 "entry": ChronologyEntrySerializer(entry).data}, call_id=call.pk)
    return entry


def call_dispatch(*, call: Call, units: Iterable[Unit], by: User | None) -> Call:
    """Send `units` to `call`. Every unit must be available; if one is not, none is sent."""
    try:
        return _call_dispatch(call=call, units=list(units), by=by)
    except IntegrityError as exc:
        # The open-assignment constraint caught a race that slipped past the status check.
        raise Conflict("A unit was dispatched elsewhere at the same moment; it is not available.") from exc


@transaction.atomic
def _call_dispatch(*, call: Call, units: list[Unit], by: User | None) -> Call:
    if not units:
        raise Invalid({"units": ["Name at least one unit."]})
    call = _locked_call(call)
    if call.is_closed:
        raise Conflict(f"Call {call.number} is closed; reopen it to dispatch.")
    locked = list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units]).order_by("pk"))
    busy = [u for u in locked if u.status != UnitStatus.AVAILABLE]
    if busy:
        described = ", ".join(f"{u.callsign} is {u.get_status_display().lower()}" for u in busy)
        raise Conflict(f"Not available: {described}.")
    now = timezone.now()
    for unit in locked:
        Assignment.objects.create(call=call, unit=unit, dispatched_at=now, dispatched_by=_actor(by))
        unit_status_record(
            unit=unit, to_status=UnitStatus.DISPATCHED, by=by, at=now,
            call_number=call.number, current_call=call,
        )
        _log(call, ChronologyKind.DISPATCHED, by=by, at=now, unit=unit,
             text=f"{unit.callsign} dispatched")
    if call.dispatched_at is None:
        call.dispatched_at = now
    call.status = _derived_status(call)
    call.save()
    _announce_call(call, "call.updated")
    for unit in locked:
        _announce_unit(unit)
    return call


@transaction.atomic
def unit_status_set(*, unit: Unit, status: str, by: User | None) -> Unit:
    """Move a unit to `status`. On a call, en route / on scene / clearing stamp the assignment and call."""
    try:
        status = UnitStatus(status)
    except ValueError:
        raise Invalid({"status": [f"Unknown status {status!r}."]}) from None
    if status == UnitStatus.DISPATCHED:
        raise Conflict("A unit is dispatched by dispatching it to a call.")
    call_id = Unit.objects.filter(pk=unit.pk).values_list("current_call_id", flat=True).first()
    call = Call.objects.select_for_update().get(pk=call_id) if call_id else None
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.current_call_id != call_id:
        raise Conflict(f"Unit {unit.callsign} was reassigned meanwhile; try again.")
    if unit.status == status:
        return unit
    if status not in ALLOWED_TRANSITIONS[UnitStatus(unit.status)]:
        raise Conflict(
            f"{unit.callsign} cannot go from {unit.get_status_display().lower()} "
            f"to {status.label.lower()}."
        )
    now = timezone.now()
    leaving = status in LEAVING_STATUSES
    if call is None or unit.status not in ASSIGNED_STATUSES:
        unit_status_record(unit=unit, to_status=status, by=by, at=now)
        _announce_unit(unit)
        return unit

    previous = unit.status
    assignment = Assignment.objects.get(call=call, unit=unit, cleared_at__isnull=True)
    assignment.status = status
    if status in STATUS_STAMPS:
        setattr(assignment, STATUS_STAMPS[status], now)
    if leaving:
        assignment.cleared_at = now
    assignment.save()
    if status in CALL_FIRST_STAMPS and getattr(call, CALL_FIRST_STAMPS[status]) is None:
        setattr(call, CALL_FIRST_STAMPS[status], now)
    unit_status_record(
        unit=unit, to_status=status, by=by, at=now, call_number=call.number,
        current_call=None if leaving else call,
    )
    text = f"{unit.callsign} cleared" if leaving else f"{unit.callsign} {status.label.lower()}"
    if status == UnitStatus.OUT_OF_SERVICE:
        text += " (out of service)"
    _log(call, ChronologyKind.UNIT_STATUS, by=by, at=now, unit=unit, text=text,
         changes={"status": [previous, status.value]})
    call.status = _derived_status(call)
    call.save()
    _announce_call(call, "call.updated")
    _announce_unit(unit)
    return unit


def _move_units(duplicate: Call, master: Call, *, by: User | None, at: datetime) -> list[Unit]:
    """Units working a duplicate go on working the same incident: their assignments move to the master."""
    moved = []
    open_assignments = Assignment.objects.filter(call=duplicate, cleared_at__isnull=True).order_by("unit_id")
    for old in open_assignments:
        unit = Unit.objects.select_for_update().get(pk=old.unit_id)
        old.cleared_at = at
        old.save(update_fields=["cleared_at"])
        Assignment.objects.create(
            call=master, unit=unit, status=old.status, dispatched_at=old.dispatched_at,
            dispatched_by=old.dispatched_by, enroute_at=old.enroute_at, onscene_at=old.onscene_at,
            transporting_at=old.transporting_at, at_hospital_at=old.at_hospital_at,
        )
        Unit.objects.filter(pk=unit.pk).update(current_call=master)
        unit.current_call = master
        for stamp in ("dispatched_at", "enroute_at", "onscene_at"):
            theirs = getattr(old, stamp)
            if theirs is not None:
                # Never before the master was received: its intervals must not go negative.
                theirs = max(theirs, master.received_at)
                if getattr(master, stamp) is None or theirs < getattr(master, stamp):
                    setattr(master, stamp, theirs)
        status = UnitStatus(old.status).label.lower()
        text = f"{unit.callsign} moved from duplicate {duplicate.number} ({status})"
        _log(master, ChronologyKind.UNIT_STATUS, by=by, at=at, unit=unit, text=text)
        _log(duplicate, ChronologyKind.UNIT_STATUS, by=by, at=at, unit=unit,
             text=f"{unit.callsign} moved to {master.number}")
        moved.append(unit)
    if moved:
        master.status = _derived_status(master)
        master.save()
    return moved


def _refuse_while_transporting(call: Call, what: str) -> None:
    """A unit with a patient on board is not cleared by paperwork: it clears itself."""
    busy = list(
        Assignment.objects.filter(call=call, cleared_at__isnull=True, status__in=TRANSPORT_STATUSES)
        .select_related("unit")
    )
    if busy:
        described = ", ".join(f"{a.unit.callsign} is {UnitStatus(a.status).label.lower()}" for a in busy)
        raise Conflict(f"Call {call.number} cannot be {what} yet: {described}; clear it first.")


def _clear_units(call: Call, *, by: User | None, at: datetime, reason: str) -> list[Unit]:
    cleared = []
    open_assignments = Assignment.objects.filter(call=call, cleared_at__isnull=True).order_by("unit_id")
    for assignment in open_assignments:
        unit = Unit.objects.select_for_update().get(pk=assignment.unit_id)
        assignment.cleared_at = at
        assignment.status = UnitStatus.AVAILABLE
        assignment.save()
        unit_status_record(
            unit=unit, to_status=UnitStatus.AVAILABLE, by=by, at=at,
            call_number=call.number, current_call=None,
        )
        _log(call, ChronologyKind.UNIT_STATUS, by=by, at=at, unit=unit,
             text=f"{unit.callsign} cleared ({reason})")
        cleared.append(unit)
    return cleared


@transaction.atomic
def call_close(*, call: Call, disposition: Disposition, by: User | None, text: str = "") -> Call:
    """Close with a disposition; units still on the call are cleared to available."""
    call = _locked_call(call)
    if call.is_closed:
        raise Conflict(f"Call {call.number} is already closed.")
    _refuse_while_transporting(call, "closed")
    now = timezone.now()
    cleared = _clear_units(call, by=by, at=now, reason="call closed")
    call.status = CallStatus.CLOSED
    call.closed_at = now
    call.disposition = disposition
    call.save()
    summary = f"Closed: {disposition.code} {disposition.description}"
    _log(call, ChronologyKind.CLOSED, by=by, at=now, text=f"{summary}. {text}" if text else summary,
         changes={"disposition": [None, disposition.code]})
    _announce_call(call, "call.closed")
    for unit in cleared:
        _announce_unit(unit)
    return call


@transaction.atomic
def call_reopen(*, call: Call, by: User | None, reason: str = "") -> Call:
    """Reopen a closed call: it goes back to the pending queue; its history stays as it was."""
    # The master gets a line too: lock both in id order, as call_link does, before anything else.
    master_id = Call.objects.filter(pk=call.pk).values_list("master_id", flat=True).first()
    if master_id is None:
        call, master = _locked_call(call), None
    else:
        call, master = _locked_calls(call, Call(pk=master_id))
    if call.master_id != master_id:
        raise Conflict(f"Call {call.number} was linked or unlinked meanwhile; try again.")
    if not call.is_closed:
        raise Conflict(f"Call {call.number} is not closed.")
    now = timezone.now()
    changes = {"status": [CallStatus.CLOSED.value, CallStatus.PENDING.value],
               "disposition": [call.disposition.code if call.disposition else None, None]}
    if master is not None:
        changes["master"] = [master.number, None]
    call.status = CallStatus.PENDING
    call.closed_at = None
    call.disposition = None
    call.master = None
    call.reopened_at = now
    call.save()
    _log(call, ChronologyKind.REOPENED, by=by, at=now, text=reason or "Reopened", changes=changes)
    if master is not None:
        _log(master, ChronologyKind.NOTE, by=by, at=now,
             text=f"Duplicate {call.number} unlinked and reopened")
        _touch(master, now)
        _announce_call(master, "call.updated")
    _announce_call(call, "call.updated")
    return call


@transaction.atomic
def call_link(*, call: Call, master: Call, by: User | None) -> Call:
    """Make `call` a duplicate of `master`: it closes as 22, its caller and story go to the master."""
    if call.pk == master.pk:
        raise Invalid({"master": ["A call cannot duplicate itself."]})
    call, master = _locked_calls(call, master)
    if master.master_id is not None:
        raise Invalid({"master": [f"{master.number} is itself a duplicate of {master.master.number}."]})
    if master.is_closed:
        raise Conflict(f"Call {master.number} is closed; reopen it or pick an open call.")
    if call.is_closed:
        raise Conflict(f"Call {call.number} is already closed.")
    if call.duplicates.exists():
        raise Conflict(f"Call {call.number} has duplicates of its own; link them to {master.number}.")
    now = timezone.now()
    moved = _move_units(call, master, by=by, at=now)
    disposition = Disposition.objects.get(code=DUPLICATE_DISPOSITION)
    call.master = master
    call.status = CallStatus.CLOSED
    call.closed_at = now
    call.disposition = disposition
    call.save()
    _log(call, ChronologyKind.LINKED, by=by, at=now, text=f"Duplicate of {master.number}",
         changes={"master": [None, master.number], "disposition": [None, disposition.code]})
    caller = " ".join(p for p in (call.caller_name, call.caller_phone) if p) or "unknown"
    story = f"Duplicate {call.number} linked: {call.call_type.code} at {call.address}, caller {caller}"
    if call.narrative:
        story += f": '{call.narrative}'"
    _log(master, ChronologyKind.DUPLICATE_ADDED, by=by, at=now, text=story)
    _touch(master, now)
    _announce_call(call, "call.closed")
    _announce_call(master, "call.updated")
    for unit in moved:
        _announce_unit(unit)
    return call
