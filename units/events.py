"""What the units app announces on the live stream, in the shape its API answers with."""

from cad.events import EventName, publish
from units.api.serializers import UnitSerializer
from units.models import Unit


def unit_announce(unit: Unit, *, changes: dict[str, list] | None = None) -> None:
    """Every path that changes a unit ends here: dispatch, statuses, checks, locations, the admin.
    Published after commit; a partner's program sees only its own agency's units. `changes`,
    field → [old, new], when the caller knows what moved (a status set)."""
    data = UnitSerializer(unit).data
    if changes:
        data = {**data, "changes": changes}
    publish(EventName.UNIT_UPDATED, data, agency_code=unit.agency.code)
