"""A unit's status: the one place it changes, with its history, and its officer-safety checks.

A unit working a call moves the call along (en route and on scene stamp it, clearing leaves it),
and a status change or a check answers the unit's status-check alert. Both are the calls app's
business: it registers its side as the `CallWork` (calls/apps.py), so this module never imports
calls. Locks: the unit's call first, then the unit, the one order every service takes them in.
"""

from datetime import datetime
from typing import Protocol

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from cad.audit import AuditAction, audit_record, object_ref
from cad.exceptions import Conflict, Invalid
from cad.history import actor
from units.choices import ALLOWED_TRANSITIONS, ASSIGNED_STATUSES, UnitStatus
from units.events import unit_announce
from units.models import Unit, UnitStatusChange

User = AbstractBaseUser


class CallRef(Protocol):
    """A call as a unit keeps it: its id and its number."""

    pk: int
    number: str


class CallWork(Protocol):
    """The calls app's side of a unit's status, registered with `call_work_register`."""

    def lock_call(self, call_id: int) -> CallRef:
        """Lock the unit's call, before the unit is locked, and return it."""

    def unit_moved(self, *, unit: Unit, call: CallRef, status: UnitStatus, by: User | None,
                   at: datetime, device_at: datetime | None = None) -> None:
        """The unit, working `call`, goes to `status`: its assignment and the call are stamped, the
        status is recorded (unit_status_record, with the call), the call's chronology says so (and
        that the unit's device made the change well before `at`, when `device_at` says so)."""

    def status_changed(self, *, unit: Unit, at: datetime) -> None:
        """Any status change, by any path: it answers the unit's open status check."""

    def checked(self, *, unit: Unit, by: User | None, at: datetime) -> None:
        """The unit answered its status check (its clock already restarted)."""


class _NoCalls:
    """Before the calls app registers its side (never, once the apps are loaded)."""

    def lock_call(self, call_id: int) -> CallRef:
        raise ImproperlyConfigured("A unit works a call, but no CallWork is registered (calls app).")

    def unit_moved(self, **kwargs) -> None:
        raise ImproperlyConfigured("A unit works a call, but no CallWork is registered (calls app).")

    def status_changed(self, **kwargs) -> None:
        pass

    def checked(self, **kwargs) -> None:
        pass


_call_work: CallWork = _NoCalls()


def call_work_register(work: CallWork) -> None:
    global _call_work
    _call_work = work


def unit_status_record(
    *, unit: Unit, to_status: str, by: User | None, at: datetime, call: CallRef | None = None
) -> Unit:
    """Move `unit` to `to_status` only if nobody moved it first, and append the change to its history.

    With `call`, the change is made on that call: the history names it, and the unit works it from
    now on if `to_status` is a working status (dispatched … at hospital), else no call. Callers
    validate the transition and hold the unit's row lock; the conditional update is the last guard,
    so two writers can never both win.
    """
    from_status = unit.status
    fields = {}
    if call is not None:
        working = to_status in ASSIGNED_STATUSES
        fields = {"current_call_id": call.pk if working else None,
                  "current_call_number": call.number if working else ""}
    # A new status starts a new stint: its officer-safety check clock starts again.
    updated = Unit.objects.filter(pk=unit.pk, status=from_status).update(
        status=to_status, status_since=at, checked_at=None, **fields
    )
    if updated != 1:
        raise Conflict(f"Unit {unit.callsign} changed status meanwhile; try again.")
    UnitStatusChange.objects.create(
        unit=unit, from_status=from_status, to_status=to_status, at=at, by=actor(by),
        call_number=call.number if call is not None else "",
    )
    unit.status, unit.status_since, unit.checked_at = to_status, at, None
    for name, value in fields.items():
        setattr(unit, name, value)
    _call_work.status_changed(unit=unit, at=at)
    return unit


def unit_call_move(*, unit: Unit, call: CallRef) -> Unit:
    """The unit goes on working the same incident under another call (its call was linked to a
    master call as a duplicate); its status stays. The caller holds the unit's row lock."""
    Unit.objects.filter(pk=unit.pk).update(current_call_id=call.pk, current_call_number=call.number)
    unit.current_call_id, unit.current_call_number = call.pk, call.number
    return unit


def _wanted(status: str) -> UnitStatus:
    try:
        wanted = UnitStatus(status)
    except ValueError:
        raise Invalid({"status": [f"Unknown status {status!r}."]}) from None
    if wanted == UnitStatus.DISPATCHED:
        raise Conflict("A unit is dispatched by dispatching it to a call.")
    return wanted


@transaction.atomic
def unit_status_set(*, unit: Unit, status: str, by: User | None, device_at: datetime | None = None) -> Unit:
    """Move a unit to `status`. On a call, en route / on scene / clearing stamp the assignment and
    the call (the calls app's side); every console is told. `device_at`: when the unit's terminal
    made the change (the call's chronology says so when it is well before now; stamped with now)."""
    status = _wanted(status)
    call_id = Unit.objects.filter(pk=unit.pk).values_list("current_call_id", flat=True).first()
    call = _call_work.lock_call(call_id) if call_id else None
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
    was = unit.status
    if call is None or unit.status not in ASSIGNED_STATUSES:
        unit_status_record(unit=unit, to_status=status, by=by, at=now)
    else:
        _call_work.unit_moved(unit=unit, call=call, status=status, by=by, at=now, device_at=device_at)
    unit_announce(unit, changes={"status": [str(was), str(unit.status)]})
    audit_record(action=AuditAction.UNIT_STATUS, object=object_ref("unit", unit.pk), by=by, detail={
        "callsign": unit.callsign, "changes": {"status": [str(was), str(unit.status)]},
        "call": call.number if call is not None else None})
    return unit


@transaction.atomic
def unit_check(*, unit: Unit, by: User | None) -> Unit:
    """The unit answered its officer-safety status check: its clock starts again, its open check
    alert ends, and its call's chronology says so."""
    now = timezone.now()
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    Unit.objects.filter(pk=unit.pk).update(checked_at=now)
    unit.checked_at = now
    _call_work.checked(unit=unit, by=by, at=now)
    unit_announce(unit)
    audit_record(action=AuditAction.UNIT_CHECK, object=object_ref("unit", unit.pk), by=by,
                 detail={"callsign": unit.callsign})
    return unit
