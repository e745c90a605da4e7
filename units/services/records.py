"""What a unit is (callsign, agency, type, capabilities, home beat, station): kept by supervisors
in the admin, and announced like every other change, so open consoles never show the old unit."""

import copy
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cad.audit import AuditAction, audit_record, field_changes, object_ref
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
    audit_record(action=AuditAction.UNIT_CREATE, object=object_ref("unit", unit.pk), by=by,
                 detail={"callsign": unit.callsign, "changes": field_changes(None, unit)})
    return unit


@transaction.atomic
def unit_describe(*, unit: Unit, changed: Iterable[str], by: AbstractBaseUser | None) -> Unit:
    """Write only the description fields that changed (a whole-row save would undo a dispatch made
    meanwhile) and announce the unit as it now stands, status included."""
    fields = sorted(DESCRIPTION_FIELDS & set(changed))
    if not fields:
        return unit
    current = Unit.objects.select_for_update().get(pk=unit.pk)
    before = copy.copy(current)
    for name in fields:
        setattr(current, name, getattr(unit, name))
    current.save(update_fields=fields)
    unit_announce(current)
    audit_record(action=AuditAction.UNIT_CHANGE, object=object_ref("unit", current.pk), by=by,
                 detail={"callsign": current.callsign, "changes": field_changes(before, current, fields)})
    return current


@transaction.atomic
def station_save(*, station: Station, changed: Iterable[str], by: AbstractBaseUser | None) -> Station:
    """A station added or changed; its units are announced when their shown station changes."""
    before = Station.objects.filter(pk=station.pk).first() if station.pk else None
    station.save()
    audit_record(action=AuditAction.STATION_SAVE, object=object_ref("station", station.pk), by=by,
                 detail={"changes": field_changes(before, station)})
    if "name" in changed:
        for unit in Unit.objects.filter(station=station).select_related("agency", "station"):
            unit_announce(unit)
    return station


@transaction.atomic
def stations_delete(*, stations: Iterable[Station], by: AbstractBaseUser | None) -> int:
    """Stations removed: their units stay, with no station, and every console is told."""
    ids = [s.pk for s in stations]
    housed = list(Unit.objects.filter(station_id__in=ids).values_list("pk", flat=True))
    names = dict(Station.objects.filter(pk__in=ids).values_list("pk", "name"))
    deleted, _ = Station.objects.filter(pk__in=ids).delete()
    for pk, name in names.items():
        audit_record(action=AuditAction.STATION_DELETE, object=object_ref("station", pk), by=by,
                     detail={"name": name})
    for unit in Unit.objects.filter(pk__in=housed).select_related("agency"):
        unit_announce(unit)
    return deleted
