"""The roster: who is signed on to which unit. A shift is kept as history: signing off stamps its
end, and signing on again starts a new one. One open shift per person; two people may share a unit
(a two-officer car), no more."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from cad.audit import AuditAction, audit_record, object_ref
from cad.exceptions import Conflict, Forbidden
from cad.history import actor
from units.events import unit_announce
from units.models import Officer, Shift, Unit
from units.selectors import officers_on

OFFICERS_PER_UNIT = 2


def unit_sign_on(*, unit: Unit, user: AbstractBaseUser, by: AbstractBaseUser | None) -> Shift:
    """Sign `user` on to `unit` for a shift: a unit of their own agency, while they hold no other."""
    try:
        return _unit_sign_on(unit=unit, user=user, by=by)
    except IntegrityError as exc:
        # one_open_shift_per_person caught a second sign-on racing the first.
        raise Conflict(f"{user.get_username()} is already signed on to a unit; sign off first.") from exc


@transaction.atomic
def _unit_sign_on(*, unit: Unit, user: AbstractBaseUser, by: AbstractBaseUser | None) -> Shift:
    officer = Officer.objects.filter(user=user).select_related("agency").first()
    if officer is None:
        raise Forbidden(f"{user.get_username()} is not on the roster of any agency.")
    unit = Unit.objects.select_for_update().select_related("agency").get(pk=unit.pk)
    if unit.agency_id != officer.agency_id:
        raise Forbidden(f"{unit.callsign} is {unit.agency.code}'s; {user.get_username()} signs on to "
                        f"{officer.agency.code}'s units.")
    held = Shift.objects.filter(user=user, ended_at__isnull=True).select_related("unit").first()
    if held is not None:
        raise Conflict(f"{user.get_username()} is already signed on to {held.unit.callsign}; sign off first.")
    before = officers_on(unit)
    if len(before) >= OFFICERS_PER_UNIT:
        raise Conflict(f"{unit.callsign} already has {len(before)} officers signed on: "
                       f"{', '.join(before)}.")
    shift = Shift.objects.create(unit=unit, user=user, started_at=timezone.now(), started_by=actor(by))
    after = [*before, user.get_username()]
    unit_announce(unit, changes={"officers": [before, after]})
    audit_record(action=AuditAction.UNIT_SIGN_ON, object=object_ref("unit", unit.pk), by=by,
                 detail={"callsign": unit.callsign, "officer": user.get_username(), "shift": shift.pk})
    return shift


@transaction.atomic
def unit_sign_off(*, user: AbstractBaseUser, by: AbstractBaseUser | None) -> Shift:
    """End `user`'s open shift (its row stays, stamped)."""
    shift = Shift.objects.select_for_update().filter(user=user, ended_at__isnull=True).first()
    if shift is None:
        raise Conflict(f"{user.get_username()} is not signed on to a unit.")
    unit = Unit.objects.select_related("agency").get(pk=shift.unit_id)
    before = officers_on(unit)
    now = timezone.now()
    updated = Shift.objects.filter(pk=shift.pk, ended_at__isnull=True).update(
        ended_at=now, ended_by=actor(by))
    if updated != 1:
        raise Conflict(f"{user.get_username()} signed off meanwhile.")
    shift.ended_at, shift.ended_by = now, actor(by)
    unit_announce(unit, changes={"officers": [before, [n for n in before if n != user.get_username()]]})
    audit_record(action=AuditAction.UNIT_SIGN_OFF, object=object_ref("unit", unit.pk), by=by,
                 detail={"callsign": unit.callsign, "officer": user.get_username(), "shift": shift.pk})
    return shift
