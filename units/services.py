from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cad import events
from cad.exceptions import Conflict, Invalid
from units.models import Unit, UnitStatusChange

FUTURE_FIX_TOLERANCE = timedelta(seconds=30)


def unit_status_record(
    *,
    unit: Unit,
    to_status: str,
    by: AbstractBaseUser | None,
    at: datetime,
    call_number: str = "",
    **fields,
) -> Unit:
    """Move `unit` to `to_status` only if nobody moved it first, and append the change to its history.

    Callers validate the transition and hold the unit's row lock; the conditional update is the
    last guard, so two writers can never both win.
    """
    from_status = unit.status
    # A new status starts a new stint: its officer-safety check clock starts again.
    updated = Unit.objects.filter(pk=unit.pk, status=from_status).update(
        status=to_status, status_since=at, checked_at=None, **fields
    )
    if updated != 1:
        raise Conflict(f"Unit {unit.callsign} changed status meanwhile; try again.")
    UnitStatusChange.objects.create(
        unit=unit, from_status=from_status, to_status=to_status, at=at,
        by=by if by is not None and by.is_authenticated else None, call_number=call_number,
    )
    unit.status = to_status
    unit.status_since = at
    unit.checked_at = None
    for name, value in fields.items():
        setattr(unit, name, value)
    return unit


def unit_location_set(*, unit: Unit, lat: float, lon: float, at: datetime | None = None) -> Unit:
    """Record where a unit is (AVL, a mobile terminal, a dispatcher's map click); newest fix wins."""
    from units.api.serializers import UnitSerializer

    now = timezone.now()
    at = at or now
    if at > now + FUTURE_FIX_TOLERANCE:
        # One fix stamped in the future would freeze the unit there: newer fixes could not replace it.
        raise Invalid({"at": ["That time is in the future; check the device's clock."]})
    with transaction.atomic():
        # An older fix arriving late must not move the unit back.
        updated = (
            Unit.objects.filter(pk=unit.pk)
            .filter(Q(location_at__isnull=True) | Q(location_at__lte=at))
            .update(last_lat=lat, last_lon=lon, location_at=at)
        )
        unit.refresh_from_db()
        if updated:
            events.publish("unit.updated", UnitSerializer(unit).data, agency_code=unit.agency.code)
    return unit
