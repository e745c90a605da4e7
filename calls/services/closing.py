"""Closing a call with its disposition, and reopening it."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cad.audit import AuditAction, audit_record, object_ref
from cad.events import EventName
from cad.exceptions import Conflict
from calls.choices import CallStatus, ChronologyKind
from calls.events import call_announce
from calls.models import Call, Disposition
from calls.services.assignments import refuse_while_transporting, units_cleared
from calls.services.chronology import call_touch, chronology_add
from calls.services.locks import call_locked, calls_locked
from calls.services.mutual_aid import mutual_aid_withdrawn
from units.events import unit_announce


@transaction.atomic
def call_close(*, call: Call, disposition: Disposition, by: AbstractBaseUser | None, text: str = "") -> Call:
    """Close with a disposition; units still on the call are cleared to available."""
    call = call_locked(call)
    if call.is_closed:
        raise Conflict(f"Call {call.number} is already closed.")
    refuse_while_transporting(call, "closed")
    now = timezone.now()
    was = call.status
    cleared = units_cleared(call, by=by, at=now, reason="call closed")
    mutual_aid_withdrawn(call, by=by, at=now, reason="call closed")
    call.status = CallStatus.CLOSED
    call.closed_at = now
    call.disposition = disposition
    call.save()
    summary = f"Closed: {disposition.code} {disposition.description}"
    chronology_add(call, ChronologyKind.CLOSED, by=by, at=now, text=f"{summary}. {text}" if text else summary,
                   changes={"disposition": [None, disposition.code]})
    call_announce(call, EventName.CALL_CLOSED, changes={"status": [str(was), CallStatus.CLOSED.value],
                                                         "disposition": [None, disposition.code]})
    for unit in cleared:
        unit_announce(unit)
    audit_record(action=AuditAction.CALL_CLOSE, object=object_ref("call", call.pk), by=by, detail={
        "number": call.number, "changes": {"status": [None, CallStatus.CLOSED.value],
                                           "disposition": [None, disposition.code]},
        "units_cleared": [unit.callsign for unit in cleared]})
    return call


@transaction.atomic
def call_reopen(*, call: Call, by: AbstractBaseUser | None, reason: str = "") -> Call:
    """Reopen a closed call: it goes back to the pending queue; its history stays as it was. A
    linked duplicate is unlinked from its master."""
    # The master gets a line too: lock both in id order, as call_link does, before anything else.
    master_id = Call.objects.filter(pk=call.pk).values_list("master_id", flat=True).first()
    if master_id is None:
        call, master = call_locked(call), None
    else:
        call, master = calls_locked(call, Call(pk=master_id))
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
    chronology_add(call, ChronologyKind.REOPENED, by=by, at=now, text=reason or "Reopened", changes=changes)
    if master is not None:
        chronology_add(master, ChronologyKind.NOTE, by=by, at=now,
                       text=f"Duplicate {call.number} unlinked and reopened")
        call_touch(master, now)
        call_announce(master, EventName.CALL_UPDATED)
    call_announce(call, EventName.CALL_UPDATED, changes=changes)
    audit_record(action=AuditAction.CALL_REOPEN, object=object_ref("call", call.pk), by=by,
                 detail={"number": call.number, "changes": changes, "reason": reason})
    return call
