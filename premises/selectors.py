"""Finding places: what call entry and `GET addresses/?q=` use to turn words into a location."""

import math
from dataclasses import dataclass

from django.db.models import Q

from premises.models import Address, Beat, Intersection, Street, StreetSegment
from premises.normalize import normalize, split_intersection, split_number, split_unit

NEAR_METRES = 200  # beyond this, coordinates are not named after an address
ADDRESS_LENGTH = 200  # what a call's address column holds


@dataclass(frozen=True)
class Place:
    kind: str  # "address", "intersection", "interpolated" or "coordinates"
    address: str
    lat: float | None
    lon: float | None
    beat: Beat | None
    verified: bool


def _streets_named(part: str) -> list[Street]:
    """Streets whose normalized name is `part`, or starts with it ("MAIN" finds "MAIN ST")."""
    streets = list(Street.objects.filter(Q(name=part) | Q(name__startswith=part + " ")))
    exact = [s for s in streets if s.name == part]
    return exact or streets


def _intersection_between(a: str, b: str, limit: int) -> list[Intersection]:
    streets_a = _streets_named(a)
    streets_b = _streets_named(b)
    if not streets_a or not streets_b:
        return []
    return list(
        Intersection.objects.select_related("street_a", "street_b", "beat").filter(
            Q(street_a__in=streets_a, street_b__in=streets_b)
            | Q(street_a__in=streets_b, street_b__in=streets_a)
        )[:limit]
    )


def _place_of_address(address: Address) -> Place:
    return Place("address", address.label, address.lat, address.lon, address.beat, True)


def _place_of_intersection(intersection: Intersection, typed_first: Street | None = None) -> Place:
    a, b = intersection.street_a, intersection.street_b
    if typed_first is not None and typed_first == b:
        a, b = b, a
    label = f"{a.name} / {b.name}"
    return Place("intersection", label, intersection.lat, intersection.lon, intersection.beat, True)


def _interpolated(number: int, street_part: str) -> Place | None:
    """An address not in the file but inside a block's range, placed along the block."""
    segment = (
        StreetSegment.objects.select_related("street")
        .filter(street__in=_streets_named(street_part), from_number__lte=number, to_number__gte=number)
        .first()
    )
    if segment is None:
        return None
    span = segment.to_number - segment.from_number
    fraction = (number - segment.from_number) / span if span else 0.0
    lat = segment.start_lat + fraction * (segment.end_lat - segment.start_lat)
    lon = segment.start_lon + fraction * (segment.end_lon - segment.start_lon)
    lat, lon = round(lat, 7), round(lon, 7)
    return Place("interpolated", f"{number} {segment.street.name}", lat, lon, beat_at(lat, lon), True)


def _with_unit(place: Place, unit: str) -> Place:
    """The building's place, named with the apartment or suite the caller gave."""
    if not unit or place.kind == "intersection":
        return place
    label = f"{place.address} {unit}"[:ADDRESS_LENGTH]
    return Place(place.kind, label, place.lat, place.lon, place.beat, place.verified)


def place_search(query: str, *, limit: int = 10) -> list[Place]:
    """Type-ahead matches for call entry: addresses, intersections, interpolated addresses."""
    text, unit = split_unit(normalize(query))
    if not text:
        return []
    if unit:
        return [_with_unit(p, unit) for p in place_search(text, limit=limit)]
    pair = split_intersection(query)
    if pair:
        first = _streets_named(pair[0])
        return [
            _place_of_intersection(i, first[0] if first else None)
            for i in _intersection_between(*pair, limit)
        ]
    number, street_part = split_number(text)
    addresses = Address.objects.select_related("beat")
    if number is not None:
        matches = list(addresses.filter(label__startswith=text)[:limit])
        if not matches and street_part:
            place = _interpolated(number, street_part)
            return [place] if place else []
        return [_place_of_address(a) for a in matches]
    streets = _streets_named(text)
    places = [
        _place_of_intersection(i, streets[0] if streets else None)
        for i in Intersection.objects.select_related("street_a", "street_b", "beat").filter(
            Q(street_a__in=streets) | Q(street_b__in=streets)
        )[: limit // 2]
    ] if streets else []
    places += [
        _place_of_address(a)
        for a in addresses.filter(Q(street__in=streets) | Q(label__contains=" " + text))[
            : limit - len(places)
        ]
    ]
    return places


def place_resolve(text: str) -> Place | None:
    """The one place `text` names exactly (an address or an intersection), else None."""
    normalized, unit = split_unit(normalize(text))
    if unit:
        place = place_resolve(normalized)
        if place is not None:
            return _with_unit(place, unit)
        # "8 S STEVENS" may be a street named STEVENS, not suite VENS: try the words whole.
        normalized = normalize(text)
    pair = split_intersection(text)
    if pair:
        found = _intersection_between(*pair, 2)
        if len(found) == 1:
            first = _streets_named(pair[0])
            return _place_of_intersection(found[0], first[0] if first else None)
        return None
    number, street_part = split_number(normalized)
    if number is None or not street_part:
        return None
    exact = Address.objects.select_related("beat").filter(label=normalized, unit="").first()
    if exact is None:
        streets = _streets_named(street_part)
        if len(streets) == 1:
            exact = (
                Address.objects.select_related("beat")
                .filter(street=streets[0], number=number, unit="")
                .first()
            )
    if exact is not None:
        return _place_of_address(exact)
    return _interpolated(number, street_part)


def place_at(lat: float, lon: float) -> Place:
    """Coordinates (a wireless caller, a map click): named after the nearest address when one is near."""
    nearest, best = None, math.inf
    # Widening boxes (about 200 m, then 1 km) keep this to a few rows; farther is out of town.
    for dlat in (0.002, 0.01):
        dlon = dlat * 1.3
        candidates = Address.objects.filter(
            lat__range=(lat - dlat, lat + dlat), lon__range=(lon - dlon, lon + dlon)
        ).only("id", "label", "lat", "lon")
        for address in candidates:
            d = distance_m(lat, lon, address.lat, address.lon)
            if d < best:
                nearest, best = address, d
        if nearest is not None:
            break
    if nearest is None or best > NEAR_METRES:
        label = f"{lat:.6f}, {lon:.6f}"
    else:
        label = nearest.label if best <= 30 else f"near {nearest.label}"
    return Place("coordinates", label, lat, lon, beat_at(lat, lon), False)


def beat_at(lat: float, lon: float) -> Beat | None:
    for beat in Beat.objects.exclude(boundary=None):
        if _polygon_contains(beat.boundary, lon, lat):
            return beat
    return None


def _polygon_contains(geometry: dict, x: float, y: float) -> bool:
    if not geometry or geometry.get("type") != "Polygon":
        return False
    ring = geometry["coordinates"][0]
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))
