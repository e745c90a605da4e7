"""The units' part of the live stream: every unit the console may see, in its snapshot; for a unit
terminal, its own unit and the units on its call, and which unit events it sees."""

from django.contrib.auth.models import AbstractBaseUser

from cad import admission, stream
from cad.events import EventName
from units.api.serializers import UnitSerializer
from units.models import Unit
from units.selectors import shifts_open_of, units_visible_to


def units_snapshot(user: AbstractBaseUser) -> list[dict]:
    return UnitSerializer(units_visible_to(user), many=True).data


def unit_terminal_units(callsign: str) -> list[dict]:
    """The terminal's unit first, then the others working its call."""
    units = Unit.objects.select_related("agency", "discipline", "home_beat", "station")
    own = units.filter(callsign=callsign).first()
    if own is None:
        return []
    others = units.filter(current_call_id=own.current_call_id).exclude(pk=own.pk) \
        if own.current_call_id else units.none()
    return UnitSerializer([own, *others], many=True).data


def unit_moved(announcement: dict) -> tuple[str, int | None] | None:
    """A unit event says which call that unit works now."""
    if announcement.get("event") != EventName.UNIT_UPDATED:
        return None
    data = announcement["data"]
    return data["callsign"], data.get("call")


def unit_sees_unit(announcement: dict, callsign: str, call_id: int | None) -> bool:
    """A unit terminal sees its own unit's events and those of the units on its call."""
    if announcement.get("event") != EventName.UNIT_UPDATED:
        return False
    data = announcement["data"]
    return data["callsign"] == callsign or (call_id is not None and data.get("call") == call_id)


def register() -> None:
    stream.snapshot_part("units", units_snapshot)
    stream.unit_snapshot_part("units", unit_terminal_units)
    stream.unit_move(unit_moved)
    stream.unit_rule(unit_sees_unit)
    admission.shifts_register(shifts_open_of)
