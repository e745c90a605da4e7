"""Which address points a place owns: whose flags and permits are the place's own."""

from collections.abc import Sequence

from django.db.models import Exists, OuterRef, Q

from premises.models import Address
from premises.places import Place


def own_addresses(places: Sequence[Place]) -> list[set[int]]:
    """For each place, the address points whose flags and permits are its own: its point; for a
    unit also its building's point; for a building (with a point or known by its units) also every
    unit's. Never a neighbouring unit's."""
    ids = {p.address_id for p in places if p.address_id is not None}
    buildings = {p.building for p in places if p.building is not None}
    if not ids and not buildings:
        return [set() for _ in places]
    # One read: every point of the buildings the places' points stand in (the points themselves
    # among them), and of the buildings known by their units alone.
    wanted = Q(Exists(Address.objects.filter(pk__in=ids, street_id=OuterRef("street_id"),
                                             number=OuterRef("number")))) if ids else Q()
    for street_id, number in buildings:
        wanted |= Q(street_id=street_id, number=number)
    points, members = {}, {}
    for pk, street_id, number, unit in Address.objects.filter(wanted).order_by().values_list(
        "pk", "street_id", "number", "unit"
    ):
        members.setdefault((street_id, number), []).append((pk, unit))
        if pk in ids:
            points[pk] = (street_id, number, unit)
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
