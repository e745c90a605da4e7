"""Which address points a place owns: whose flags and permits are the place's own."""

from collections.abc import Sequence

from django.db.models import Q

from premises.models import Address
from premises.places import Place


def own_addresses(places: Sequence[Place]) -> list[set[int]]:
    """For each place, the address points whose flags and permits are its own: its point; for a
    unit also its building's point; for a building (with a point or known by its units) also every
    unit's. Never a neighbouring unit's."""
    points = {
        pk: (street_id, number, unit) for pk, street_id, number, unit in Address.objects.filter(
            pk__in={p.address_id for p in places if p.address_id is not None}
        ).values_list("pk", "street_id", "number", "unit")
    }
    keys = {(street_id, number) for street_id, number, _ in points.values()}
    keys |= {p.building for p in places if p.building is not None}
    if not keys:
        return [set() for _ in places]
    wanted = Q()
    for street_id, number in keys:
        wanted |= Q(street_id=street_id, number=number)
    members: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for pk, street_id, number, unit in Address.objects.filter(wanted).values_list(
        "pk", "street_id", "number", "unit"
    ):
        members.setdefault((street_id, number), []).append((pk, unit))
    answer = []
    for place in places:
        if place.address_id in points:
            street_id, number, unit = points[place.address_id]
            building = members.get((street_id, number), [])
            mine = {place.address_id} | {pk for pk, u in building if not unit or not u}
        elif place.building is not None:
            mine = {pk for pk, _ in members.get(place.building, [])}
        else:
            mine = set()
        answer.append(mine)
    return answer
