"""Finding places: what call entry and `GET addresses/?q=` use to turn words into a location."""

import math
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Q, QuerySet

from cad.exceptions import Invalid
from premises.geo import BeatLocator, distance_m
from premises.models import (
    Address,
    Beat,
    CommonPlace,
    CommonPlaceAlias,
    Intersection,
    Street,
    StreetSegment,
)
from premises.normalize import (
    DIRECTIONALS,
    FRACTION,
    SUFFIXES,
    normalize,
    ordinal,
    similarity,
    split_intersection,
    split_number,
    split_unit,
    unit_identifier,
    unit_key,
)
from premises.places import Place, PlaceKind

NEAR_METRES = 200  # beyond this, coordinates are not named after an address
AT_METRES = 30  # this close, coordinates are that address
STREETS_PER_PART = 20
SUGGESTIONS = 5
SIMILAR = 0.3  # pg_trgm's default similarity threshold
EDITS_SIMILAR = 0.6  # at most 2 letters in 5 wrong: "CEDER" is CEDAR, "MAIN" is not PINE
INTERPOLATION_AGREE_M = 100  # blocks of one street placing a number farther apart: two places
_ABBREVIATIONS = set(SUFFIXES.values()) | set(DIRECTIONALS.values())


def _streets_named(part: str) -> list[Street]:
    """Streets whose normalized name is `part`, or starts with it ("MAIN" finds "MAIN ST"), or, when
    none does, holds it after a directional ("MAIN ST" finds "N MAIN ST")."""
    part = part.strip()
    if not part:
        return []
    if part.isdigit():
        part = ordinal(int(part))  # "MAIN / 3" means 3RD
    streets = list(Street.objects.filter(Q(name=part) | Q(name__startswith=part + " "))[:STREETS_PER_PART])
    exact = [s for s in streets if s.name == part]
    if exact or streets:
        return exact or streets
    moved = _directional_moved(part)
    if moved:
        # "N KING ST" and "KING ST N" are one street, whichever way the file writes it.
        found = list(Street.objects.filter(name=moved))
        if found:
            return found
    return list(
        Street.objects.filter(Q(name__endswith=" " + part) | Q(name__contains=" " + part + " "))[
            :STREETS_PER_PART
        ]
    )


_DIRECTIONS = set(DIRECTIONALS.values())


def _directional_moved(name: str) -> str | None:
    """ "N KING ST" → "KING ST N", "KING ST N" → "N KING ST"; None without a directional at an end."""
    words = name.split()
    if len(words) < 2:
        return None
    if words[0] in _DIRECTIONS:
        return " ".join([*words[1:], words[0]])
    if words[-1] in _DIRECTIONS:
        return " ".join([words[-1], *words[:-1]])
    return None


def _intersection_between(a: str, b: str, limit: int) -> list[Intersection]:
    return _intersections_of(_streets_named(a), _streets_named(b), limit)


def _intersections_of(streets_a: list[Street], streets_b: list[Street], limit: int) -> list[Intersection]:
    if not streets_a or not streets_b:
        return []
    return list(
        Intersection.objects.select_related("street_a", "street_b", "beat").filter(
            Q(street_a__in=streets_a, street_b__in=streets_b)
            | Q(street_a__in=streets_b, street_b__in=streets_a)
        )[:limit]
    )


def _along(segment: StreetSegment, number: int) -> tuple[float, float]:
    span = segment.to_number - segment.from_number
    fraction = (number - segment.from_number) / span if span else 0.0
    lat = segment.start_lat + fraction * (segment.end_lat - segment.start_lat)
    lon = segment.start_lon + fraction * (segment.end_lon - segment.start_lon)
    return round(lat, 7), round(lon, 7)


def _interpolated(number: int, street_part: str, streets: list[Street] | None = None) -> Place | None:
    """An address not in the file but inside a block's range, placed along the block. None when
    blocks of two streets (or two far-apart blocks of one) hold the number: that would be a guess."""
    if streets is None:
        streets = _streets_named(street_part)
    if not streets:
        return None
    segments = list(
        StreetSegment.objects.select_related("street")
        .filter(street__in=streets, from_number__lte=number, to_number__gte=number)
        .order_by("street__name", "from_number")[:STREETS_PER_PART]
    )
    if not segments:
        return None
    lat, lon = _along(segments[0], number)
    for other in segments[1:]:
        if other.street_id != segments[0].street_id or distance_m(
            lat, lon, *_along(other, number)
        ) > INTERPOLATION_AGREE_M:
            return None
    return Place.interpolated(label=f"{number} {segments[0].street.name}", lat=lat, lon=lon,
                              beat=beat_at(lat, lon))


def _building_place(units: list[Address]) -> Place:
    """A building the file knows only by its units' points: at their middle, with their flags."""
    first = units[0]
    lat = round(sum(a.lat for a in units) / len(units), 7)
    lon = round(sum(a.lon for a in units) / len(units), 7)
    return Place.of_building(label=f"{first.number} {first.street.name}", lat=lat, lon=lon,
                             beat=beat_at(lat, lon) or first.beat, building=(first.street_id, first.number))


def _address_place(number: int, street_part: str) -> Place | None:
    """The building at that number: its point, else its units' middle, else placed along its block.
    None when the street part fits several streets and no point on just one of them decides."""
    streets = _streets_named(street_part)
    if not streets:
        return None
    points = list(
        Address.objects.select_related("beat", "street").filter(street__in=streets, number=number)
    )
    if len({a.street_id for a in points}) > 1:
        return None  # "150 PARK ST" with a 150 on both N PARK ST and S PARK ST
    building = [a for a in points if not a.unit]
    if building:
        return Place.of_address(building[0])
    if points:
        return _building_place(points)
    return _interpolated(number, street_part, streets)


def _unit_point(street_id: int, number: int, unit: str) -> Address | None:
    """The building's point for that unit, whatever prefix either side gave it (APT 4 = #4)."""
    wanted, key = unit_identifier(unit), unit_key(unit)
    own = [
        a for a in Address.objects.select_related("beat").filter(street_id=street_id, number=number)
        .exclude(unit="")
        if unit_identifier(a.unit) == wanted
    ]
    own.sort(key=lambda a: a.unit != key)
    return own[0] if own else None


def _with_unit(place: Place, unit: str) -> Place:
    """The place of that apartment or suite: its own point when the street file has one, else the
    building's place named with the unit the caller gave."""
    if not unit or place.kind in (PlaceKind.INTERSECTION, PlaceKind.SUGGESTION):
        return place
    if place.kind == PlaceKind.ADDRESS and (place.address_id is not None or place.building is not None):
        if place.address_id is not None:
            street_id, number, street_name = Address.objects.filter(pk=place.address_id).values_list(
                "street_id", "number", "street__name").get()
        else:
            street_id, number = place.building
            street_name = Street.objects.values_list("name", flat=True).get(pk=street_id)
        own = _unit_point(street_id, number, unit)
        if own is not None:
            return Place.of_address(own)
        building = Address.objects.select_related("beat").filter(
            street_id=street_id, number=number, unit="").first()
        if building is not None:
            place = Place.of_address(building)
        elif place.building is None:
            # A neighbour's point ("500 TOWER ST #1" when #9 was asked for): the building instead.
            place = _building_place(list(Address.objects.select_related("beat", "street").filter(
                street_id=street_id, number=number)))
        label = f"{number} {street_name} {unit}"
    else:
        label = f"{place.address} {unit}"
    return place.named(label)


def _common_places(text: str, limit: int) -> list[Place]:
    """Common places whose name or an alias starts with `text` (or holds it as a whole word)."""
    if limit <= 0:
        return []
    wanted = Q(key__startswith=text) | Q(key__contains=" " + text)
    places = list(CommonPlace.objects.select_related("address", "beat").filter(wanted)[:limit])
    if len(places) < limit:
        aliased = CommonPlaceAlias.objects.filter(wanted).exclude(place__in=places).values("place")
        places += CommonPlace.objects.select_related("address", "beat").filter(pk__in=aliased)[
            : limit - len(places)
        ]
    return [Place.of_common_place(p) for p in places]


def _addresses_numbered(number: int, text: str, street_part: str, limit: int) -> list[Address]:
    addresses = Address.objects.select_related("beat")
    matches = list(addresses.filter(label__startswith=text)[:limit])
    if not matches and street_part:
        streets = _streets_named(street_part)
        if streets:
            matches = list(addresses.filter(street__in=streets, number=number)[:limit])
    return matches


def place_search(query: str, *, limit: int = 10) -> list[Place]:
    """Type-ahead matches for call entry: addresses, intersections, interpolated addresses, common
    places; when nothing matches, "did you mean" suggestions (kind "suggestion", not verified)."""
    normalized = normalize(query)
    if not normalized:
        return []
    named = _common_place_named(normalized)
    if named is not None:
        # "BARNES & NOBLE", "7-ELEVEN": a place's whole name before corners and house numbers.
        return [named, *[p for p in _common_places(normalized, limit) if p != named]][:limit]
    if FRACTION.match(normalized):
        place = place_resolve(normalized)
        return [place] if place is not None else []
    text, unit = split_unit(normalized)
    if unit:
        found: list[Place] = []
        for place in place_search(text, limit=limit):
            place = _with_unit(place, unit)
            if place not in found:
                found.append(place)
        return found
    pair = split_intersection(normalized)
    if pair:
        first = _streets_named(pair[0])
        found = [
            Place.of_intersection(i, first[0] if first else None)
            for i in _intersection_between(*pair, limit)
        ]
        return found or _intersection_suggestions(pair, limit)
    number, street_part = split_number(text)
    if number is not None:
        matches = _addresses_numbered(number, text, street_part, limit)
        if matches:
            return _buildings_once(matches)
        if not street_part:
            return []
        place = _interpolated(number, street_part)
        if place is not None:
            return [place]
        streets = _streets_named(street_part)
        if len(streets) > 1:
            # The number is on blocks of several streets: offer each, let the dispatcher choose.
            return [p for p in (_interpolated(number, s.name, [s]) for s in streets[:limit]) if p]
        return _address_suggestions(number, street_part, limit)
    places = _common_places(text, limit)
    streets = _streets_named(text)
    if streets:
        places += [
            Place.of_intersection(i, streets[0])
            for i in Intersection.objects.select_related("street_a", "street_b", "beat").filter(
                Q(street_a__in=streets) | Q(street_b__in=streets)
            )[: max(limit // 2 - len(places), 0)]
        ]
        places += [
            Place.of_address(a)
            for a in Address.objects.select_related("beat").filter(street__in=streets)[
                : limit - len(places)
            ]
        ]
    return places or _name_suggestions(text, limit)


def _buildings_once(matches: list[Address]) -> list[Place]:
    """Address points as places; a building known only by its units is offered as itself too."""
    places = []
    with_point = {(a.street_id, a.number) for a in matches if not a.unit}
    for address in matches:
        key = (address.street_id, address.number)
        if address.unit and key not in with_point:
            with_point.add(key)
            units = list(Address.objects.select_related("beat", "street").filter(
                street_id=address.street_id, number=address.number))
            if not any(not a.unit for a in units):
                places.append(_building_place(units))
        places.append(Place.of_address(address))
    return places


def place_resolve(text: str) -> Place | None:
    """The one place `text` names exactly (an address, an intersection, a common place), else None."""
    normalized = normalize(text)
    if not normalized:
        return None
    named = _common_place_named(normalized)
    if named is not None:
        return named
    fraction = FRACTION.match(normalized)
    if fraction:
        # "123 1/2 MAIN ST": behind 123, named as typed.
        place = place_resolve(f"{fraction['number']} {fraction['street']}")
        if place is None or not place.address.startswith(fraction["number"] + " "):
            return None
        behind = f"{fraction['number']} {fraction['fraction']}"
        return place.named(behind + place.address[len(fraction["number"]):])
    base, unit = split_unit(normalized)
    if unit:
        number, street_part = split_number(base)
        place = _address_place(number, street_part) if number is not None and street_part else None
        if place is not None:
            return _with_unit(place, unit)
        # "8 S STEVENS" may be a street named STEVENS, not suite VENS: try the words whole.
    else:
        normalized = base  # "310 MAIN ST #" with nothing after the #
    pair = split_intersection(normalized)
    if pair:
        found = _intersection_between(*pair, 2)
        if len(found) == 1:
            first = _streets_named(pair[0])
            return Place.of_intersection(found[0], first[0] if first else None)
        return None
    number, street_part = split_number(normalized)
    if number is None or not street_part:
        return None
    return _address_place(number, street_part)


def _common_place_named(key: str) -> Place | None:
    if not key:
        return None
    place = (
        CommonPlace.objects.select_related("address", "beat")
        .filter(Q(key=key) | Q(aliases__key=key))
        .first()
    )
    return Place.of_common_place(place) if place else None


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
    address_id = None
    if nearest is None or best > NEAR_METRES:
        label = f"{lat:.6f}, {lon:.6f}"
    elif best <= AT_METRES:
        label, address_id = nearest.label, nearest.pk
    else:
        label = f"near {nearest.label}"
    return Place.at_point(label=label, lat=lat, lon=lon, beat=beat_at(lat, lon), address_id=address_id)


def place_for_location(location: dict[str, Any]) -> Place:
    """Where a call is: a street-file match when there is one, else the words as typed, unverified
    (at the point given with them, if any); or coordinates alone. Words and a point given together
    must agree (within CAD_LOCATION_AGREE_METRES): neither is ever silently dropped."""
    lat, lon = location.get("lat"), location.get("lon")
    text = (location.get("address") or location.get("intersection") or "").strip()
    if text:
        place = place_resolve(text)
        if place is not None:
            _refuse_disagreement(place, lat, lon)
            return place
        beat, address_id = None, None
        if lat is not None and lon is not None:
            # A point on top of an address (AT_METRES) brings that address's flags.
            at = place_at(lat, lon)
            beat, address_id = at.beat, at.address_id
        return Place.unverified(text, lat=lat, lon=lon, beat=beat, address_id=address_id)
    if lat is None or lon is None:
        raise Invalid({"location": ["Give an address, an intersection, or lat and lon."]})
    return place_at(lat, lon)


def _refuse_disagreement(place: Place, lat: float | None, lon: float | None) -> None:
    if lat is None or lon is None or place.lat is None or place.lon is None:
        return
    apart = distance_m(lat, lon, place.lat, place.lon)
    if apart > settings.CAD_LOCATION_AGREE_METRES:
        raise Invalid({"location": [
            f"{place.address} is {round(apart)} m from the point given ({lat:.6f}, {lon:.6f}); give the "
            f"one that is right, or both where they agree (within {settings.CAD_LOCATION_AGREE_METRES} m)."]})


def beat_at(lat: float, lon: float) -> Beat | None:
    return BeatLocator(Beat.objects.exclude(boundary=None))(lat, lon)


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _core(name: str) -> str:
    """A street name without its suffix and directionals: "N MAIN ST" → "MAIN"."""
    words = [w for w in name.split() if w not in _ABBREVIATIONS]
    return " ".join(words) or name


def _edits(a: str, b: str) -> int:
    """Letters to change, add, drop or swap with a neighbour to make `a` into `b` (optimal string
    alignment): "MIAN" → "MAIN" is one swap, where trigrams see almost nothing alike."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _spelled_like(typed: str, name: str) -> float | None:
    """How much `name` reads like `typed`, 0 to 1, or None when not enough to offer it: pg_trgm's
    similarity of the whole names (SIMILAR), or, for names whose core starts with the same letter,
    the cores' trigrams (SIMILAR) or their spelling within EDITS_SIMILAR ("420 CEDER" is CEDAR ST,
    "MIAN" is MAIN ST)."""
    score = similarity(typed, name)
    typed_core, core = _core(typed), _core(name)
    if typed_core[:1] == core[:1]:
        spelled = 1 - _edits(typed_core, core) / max(len(typed_core), len(core))
        near = max(similarity(typed_core, core), spelled if spelled >= EDITS_SIMILAR else 0.0)
        if near >= SIMILAR:
            score = max(score, near)
    return score if score >= SIMILAR else None


def _similar(queryset: QuerySet, field: str, typed: str, limit: int, *, narrowed: bool = True) -> list:
    """Rows whose `field` is spelled like `typed`, most alike first (then by name). One measure,
    scored here in Python on every database, so PostgreSQL and SQLite give the same answer; on
    PostgreSQL pg_trgm first narrows the rows to those that can score at all (`narrowed`): a
    looser trigram threshold than SIMILAR, or a word starting with the typed core's letter."""
    letter = _core(typed)[:1]
    if not letter:
        return []
    if narrowed and _on_postgresql():
        queryset = queryset.annotate(trigram=TrigramSimilarity(field, typed)).filter(
            Q(trigram__gte=SIMILAR - 0.05) | Q(**{f"{field}__startswith": letter})
            | Q(**{f"{field}__contains": " " + letter}))
    scored = []
    for row in queryset:
        value = getattr(row, field)
        score = _spelled_like(typed, value)
        if score is not None:
            scored.append((-score, value, row))
    scored.sort(key=lambda item: item[:2])
    return [row for _, _, row in scored[:limit]]


def street_suggestions(typed: str, *, limit: int = SUGGESTIONS) -> list[Street]:
    """Streets spelled like `typed` ("MAIM ST" → MAIN ST), for "did you mean"."""
    return _similar(Street.objects.all(), "name", normalize(typed), limit)


def _address_suggestions(number: int, street_part: str, limit: int) -> list[Place]:
    if _streets_named(street_part):
        return []  # the street is right; the number is not on it
    places = []
    for street in street_suggestions(street_part, limit=min(limit, SUGGESTIONS)):
        address = Address.objects.select_related("beat").filter(street=street, number=number, unit="").first()
        place = Place.of_address(address) if address else _interpolated(number, street.name, [street])
        if place is None:
            place = Place.of_street(street)
        places.append(place.as_suggestion())
    return places


def _intersection_suggestions(pair: tuple[str, str], limit: int) -> list[Place]:
    """Corners of the streets spelled like the two typed, best spelled first on each side (the
    order must not be the database's: PostgreSQL and SQLite would offer different firsts)."""
    named = [_streets_named(part) for part in pair]
    if all(named):
        return []  # both streets exist; they do not meet
    sides = [found or street_suggestions(part) for found, part in zip(named, pair, strict=True)]
    rank = [{street.pk: i for i, street in enumerate(side)} for side in sides]
    corners = []
    for corner in _intersections_of(*sides, STREETS_PER_PART * SUGGESTIONS):
        first, other = corner.street_a, corner.street_b
        if first.pk not in rank[0] or other.pk not in rank[1]:
            first, other = other, first
        place = Place.of_intersection(corner, first).as_suggestion()
        corners.append(((rank[0].get(first.pk, len(rank[0])), rank[1].get(other.pk, len(rank[1])),
                         place.address), place))
    corners.sort(key=lambda item: item[0])
    return [place for _, place in corners[:limit]]


def _name_suggestions(text: str, limit: int) -> list[Place]:
    limit = min(limit, SUGGESTIONS)
    places = [
        Place.of_common_place(p).as_suggestion()
        for p in _similar(CommonPlace.objects.select_related("address", "beat"), "key", text, limit)
    ]
    places += [
        Place.of_street(s).as_suggestion()
        for s in street_suggestions(text, limit=limit - len(places))
    ]
    return places
