"""The calls app's side of a unit's status (units.services.CallWork), registered in calls/apps.py:
a unit working a call moves the call along, and whatever changes a unit's status, or a check it
answers, ends its status-check alert."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser

from cad.events import EventName
from calls.events import call_announce
from calls.models import Call
from calls.services.alerts import checks_answered, status_check_answered
from calls.services.assignments import derived_status, status_change, unit_follows
from calls.services.locks import call_locked
from units.choices import UnitStatus
from units.models import Unit


class UnitWork:
    def lock_call(self, call_id: int) -> Call:
        return call_locked(call_id)

    def unit_moved(self, *, unit: Unit, call: Call, status: UnitStatus, by: AbstractBaseUser | None,
                   at: datetime, device_at: datetime | None = None) -> None:
        was = call.status
        unit_follows(call, unit, status, by=by, at=at, device_at=device_at)
        call.status = derived_status(call)
        call.save()
        call_announce(call, EventName.CALL_UPDATED, changes=status_change(was, call.status))

    def status_changed(self, *, unit: Unit, at: datetime) -> None:
        checks_answered(now=at, unit=unit)

    def checked(self, *, unit: Unit, by: AbstractBaseUser | None, at: datetime) -> None:
        status_check_answered(unit=unit, by=by, at=at)
