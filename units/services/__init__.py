"""The only ways units change: status (with its history and checks), location, description."""

from units.services.location import unit_location_set
from units.services.records import station_save, stations_delete, unit_add, unit_describe
from units.services.roster import unit_sign_off, unit_sign_on
from units.services.status import (
    CallRef,
    CallWork,
    call_work_register,
    unit_call_move,
    unit_check,
    unit_status_record,
    unit_status_set,
)

__all__ = [
    "CallRef", "CallWork", "call_work_register", "station_save", "stations_delete", "unit_add",
    "unit_call_move", "unit_check",
    "unit_describe", "unit_location_set", "unit_sign_off", "unit_sign_on", "unit_status_record",
    "unit_status_set",
]
