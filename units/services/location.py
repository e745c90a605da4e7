"""Where a unit is: AVL, a mobile terminal, a dispatcher's map click. The newest fix wins."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cad.exceptions import Invalid
from units.events import unit_announce
from units.models import Unit

FUTURE_FIX_TOLERANCE = timedelta(seconds=30)


def unit_location_set(*, unit: Unit, lat: float, lon: float, at: datetime | None = None) -> Unit:
    """Record where a unit is; an older fix arriving late never moves it back."""
    now = timezone.now()
    at = at or now
    if at > now + FUTURE_FIX_TOLERANCE:
        # One fix stamped in the future would freeze the unit there: newer fixes could not replace it.
        raise Invalid({"at": ["That time is in the future; check the device's clock."]})
    with transaction.atomic():
        updated = (
            Unit.objects.filter(pk=unit.pk)
            .filter(Q(location_at__isnull=True) | Q(location_at__lte=at))
            .update(last_lat=lat, last_lon=lon, location_at=at)
        )
        unit.refresh_from_db()
        if updated:
            unit_announce(unit)
    return unit
