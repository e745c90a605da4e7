"""A call a unit starts itself (a traffic stop): entered, the unit sent and on scene at once, so its
officer-safety status check runs from that moment as for any unit on scene (calls.services.alerts)."""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cad.exceptions import Conflict, Invalid
from calls.choices import CallSource
from calls.models import Call, CallType
from calls.services.dispatch import call_dispatch
from calls.services.entry import call_create
from units.choices import UnitStatus
from units.models import Unit
from units.services import unit_status_set
from units.services.field_actions import offline_words

TRAFFIC_STOP = "TSTOP"


@transaction.atomic
def call_self_initiate(*, unit: Unit, by: AbstractBaseUser | None, location: dict[str, Any] | None = None,
                       call_type: str = TRAFFIC_STOP, narrative: str = "",
                       device_at: datetime | None = None) -> Call:
    """A new call of `call_type` at `location` (else the unit's last known location), with `unit`
    on scene. The unit must be available: one working a call clears it first. `device_at`: when the
    unit's terminal made it; well before now (it waited for the link), the chronology says so."""
    unit = Unit.objects.get(pk=unit.pk)
    if unit.status != UnitStatus.AVAILABLE:
        raise Conflict(f"{unit.callsign} is {unit.get_status_display().lower()}: only an available unit "
                       "starts a call of its own.")
    if not location:
        if unit.last_lat is None or unit.last_lon is None:
            raise Invalid({"location": [f"{unit.callsign}'s location is not known: type the address."]})
        location = {"lat": unit.last_lat, "lon": unit.last_lon}
    kind = CallType.objects.filter(code=call_type, active=True).first()
    if kind is None:
        raise Invalid({"call_type": [f"No call type {call_type}."]})
    call = call_create(call_type=kind, location=location, by=by, source=CallSource.SELF_INITIATED,
                       narrative=narrative or f"{kind.description} started by {unit.callsign}",
                       origin=offline_words(callsign=unit.callsign, device_at=device_at, at=timezone.now()))
    call_dispatch(call=call, units=[unit], by=by)
    unit_status_set(unit=unit, status=UnitStatus.ONSCENE, by=by, device_at=device_at)
    call.refresh_from_db()
    return call
