"""Sending units to a call."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from cad.audit import AuditAction, audit_record, object_ref
from cad.events import EventName
from cad.exceptions import Conflict, Invalid
from calls.events import call_announce
from calls.models import Call
from calls.services.assignments import derived_status, status_change, unit_sent
from calls.services.locks import call_locked
from units.choices import UnitStatus
from units.events import unit_announce
from units.models import Unit


def call_dispatch(*, call: Call, units: Iterable[Unit], by: AbstractBaseUser | None) -> Call:
    """Send `units` to `call`. Every unit must be available; if one is not, none is sent."""
    try:
        return _call_dispatch(call=call, units=list(units), by=by)
    except IntegrityError as exc:
        # The open-assignment constraint caught a race that slipped past the status check.
        raise Conflict("A unit was dispatched elsewhere at the same moment; it is not available.") from exc


@transaction.atomic
def _call_dispatch(*, call: Call, units: list[Unit], by: AbstractBaseUser | None) -> Call:
    if not units:
        raise Invalid({"units": ["Name at least one unit."]})
    call = call_locked(call)
    if call.is_closed:
        raise Conflict(f"Call {call.number} is closed; reopen it to dispatch.")
    locked = list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units]).order_by("pk"))
    busy = [u for u in locked if u.status != UnitStatus.AVAILABLE]
    if busy:
        described = ", ".join(f"{u.callsign} is {u.get_status_display().lower()}" for u in busy)
        raise Conflict(f"Not available: {described}.")
    now = timezone.now()
    was = call.status
    for unit in locked:
        unit_sent(call, unit, by=by, at=now)
    if call.dispatched_at is None:
        call.dispatched_at = now
    call.status = derived_status(call)
    call.save()
    call_announce(call, EventName.CALL_UPDATED, changes=status_change(was, call.status))
    for unit in locked:
        unit_announce(unit)
    audit_record(action=AuditAction.CALL_DISPATCH, object=object_ref("call", call.pk), by=by,
                 detail={"number": call.number, "units": [unit.callsign for unit in locked]})
    return call
