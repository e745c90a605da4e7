"""What a unit is (callsign, agency, type, capabilities, home beat, station): kept by supervisors
in the admin, and announced like every other change, so open consoles never show the old unit."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from units.choices import UnitStatus
from units.events import unit_announce
from units.models import Station, Unit

# What the admin may change; status, call and location change only through their services.
DESCRIPTION_FIELDS = frozenset({"agency", "unit_type", "discipline", "capabilities", "home_beat", "station"})


@transaction.atomic
def unit_add(*, unit: Unit, by: AbstractBaseUser | None) -> Unit:
    """A new unit starts available, off any call, and appears on every console."""
    unit.status, unit.status_since = UnitStatus.AVAILABLE, timezone.now()
    unit.current_call_id, unit.current_call_number = None, ""
    unit.save()
    unit_announce(unit)
    return unit


@transaction.atomic
def unit_describe(*, unit: Unit, changed: Iterable[str], by: AbstractBaseUser | None) -> Unit:
    """Write only the description fields that changed (a whole-row save would undo a dispatch made
    meanwhile) and announce the unit as it now stands, status included."""
    fields = sorted(DESCRIPTION_FIELDS & set(changed))
    if not fields:
        return unit
    current = Unit.objects.select_for_update().get(pk=unit.pk)
    for name in fields:
        setattr(current, name, getattr(unit, name))
    current.save(update_fields=fields)
    unit_announce(current)
    return current


@transaction.atomic
def station_save(*, station: Station, changed: Iterable[str], by: AbstractBaseUser | None) -> Station:
    """A station added or changed; its units are announced when their shown station changes."""
    station.save()
    if "name" in changed:
        for unit in Unit.objects.filter(station=station).select_related("agency", "station"):
            unit_announce(unit)
    return station


@transaction.atomic
def stations_delete(*, stations: Iterable[Station], by: AbstractBaseUser | None) -> int:
    """Stations removed: their units stay, with no station, and every console is told."""
    ids = [s.pk for s in stations]
    housed = list(Unit.objects.filter(station_id__in=ids).values_list("pk", flat=True))
    deleted, _ = Station.objects.filter(pk__in=ids).delete()
    for unit in Unit.objects.filter(pk__in=housed).select_related("agency"):
        unit_announce(unit)
    return deleted
