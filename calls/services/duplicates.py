"""Linking a duplicate call (a second caller about one crash) to the first, its master."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cad.audit import AuditAction, audit_record, object_ref
from cad.events import EventName
from cad.exceptions import Conflict, Invalid
from calls.choices import CallStatus, ChronologyKind
from calls.events import call_announce
from calls.models import Call, Disposition
from calls.services.assignments import units_transferred
from calls.services.chronology import call_touch, chronology_add
from calls.services.locks import calls_locked
from calls.services.mutual_aid import mutual_aid_withdrawn
from units.events import unit_announce

DUPLICATE_DISPOSITION = "22"


@transaction.atomic
def call_link(*, call: Call, master: Call, by: AbstractBaseUser | None) -> Call:
    """Make `call` a duplicate of `master`: it closes as 22, its caller and story go to the master,
    and its units go on working the master."""
    if call.pk == master.pk:
        raise Invalid({"master": ["A call cannot duplicate itself."]})
    call, master = calls_locked(call, master)
    if master.master_id is not None:
        raise Invalid({"master": [f"{master.number} is itself a duplicate of {master.master.number}."]})
    if master.is_closed:
        raise Conflict(f"Call {master.number} is closed; reopen it or pick an open call.")
    if call.is_closed:
        raise Conflict(f"Call {call.number} is already closed.")
    if call.duplicates.exists():
        raise Conflict(f"Call {call.number} has duplicates of its own; link them to {master.number}.")
    now = timezone.now()
    was = call.status
    moved = units_transferred(call, master, by=by, at=now)
    mutual_aid_withdrawn(call, by=by, at=now, reason=f"call linked as a duplicate of {master.number}")
    disposition = Disposition.objects.get(code=DUPLICATE_DISPOSITION)
    call.master = master
    call.status = CallStatus.CLOSED
    call.closed_at = now
    call.disposition = disposition
    call.save()
    chronology_add(call, ChronologyKind.LINKED, by=by, at=now, text=f"Duplicate of {master.number}",
                   changes={"master": [None, master.number], "disposition": [None, disposition.code]})
    caller = " ".join(p for p in (call.caller_name, call.caller_phone) if p) or "unknown"
    story = f"Duplicate {call.number} linked: {call.call_type.code} at {call.address}, caller {caller}"
    if call.narrative:
        story += f": '{call.narrative}'"
    chronology_add(master, ChronologyKind.DUPLICATE_ADDED, by=by, at=now, text=story)
    call_touch(master, now)
    call_announce(call, EventName.CALL_CLOSED, changes={
        "status": [str(was), CallStatus.CLOSED.value], "master": [None, master.number],
        "disposition": [None, disposition.code]})
    call_announce(master, EventName.CALL_UPDATED)
    for unit in moved:
        unit_announce(unit)
    audit_record(action=AuditAction.CALL_LINK, object=object_ref("call", call.pk), by=by, detail={
        "number": call.number, "changes": {"master": [None, master.number],
                                           "disposition": [None, disposition.code]}})
    return call
