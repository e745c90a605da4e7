"""Finding places: what call entry and `GET addresses/?q=` use to turn words into a location, and
what is known about a place (premise flags, alarm permit)."""

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from premises.choices import FlagKind, PermitStatus
from premises.geo import BeatLocator, degrees_around, distance_m
from premises.models import (
    FLAG_RADIUS_MAX_M,
    Address,
    AlarmPermit,
    Beat,
    CommonPlace,
    CommonPlaceAlias,
    Intersection,
    PremiseFlag,
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

NEAR_METRES = 200  # beyond this, coordinates are not named after an address
AT_METRES = 30  # this close, coordinates are that address
ADDRESS_LENGTH = 200  # what a call's address column holds
STREETS_PER_PART = 20
SUGGESTIONS = 5
SIMILAR = 0.3  # pg_trgm's default similarity threshold
WORD_SIMILAR = 0.6  # pg_trgm's default word_similarity threshold
PERMIT_SITE_METRES = 30  # a permit given by its point covers calls this close
INTERPOLATION_AGREE_M = 100  # blocks of one street placing a number farther apart: two places
KIND_ORDER = [FlagKind.OFFICER_SAFETY, FlagKind.MEDICAL, FlagKind.ACCESS, FlagKind.EMERGENCY_CONTACT,
              FlagKind.NOTE]
_ABBREVIATIONS = set(SUFFIXES.values()) | set(DIRECTIONALS.values())


@dataclass(frozen=True)
class Place:
    kind: str  # "address", "intersection", "interpolated", "place", "coordinates" or "suggestion"
    address: str
    lat: float | None
    lon: float | None
    beat: Beat | None
    verified: bool
    address_id: int | None = None  # the address point, when the place is one (flags and permits)
    name: str = ""  # a common place's name ("CITY HALL")
    # (street id, number) of a building with unit points but no point of its own: its units' flags
    building: tuple[int, int] | None = None


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


def _place_of_address(address: Address) -> Place:
    return Place("address", address.label, address.lat, address.lon, address.beat, True, address.pk)


def _place_of_intersection(intersection: Intersection, typed_first: Street | None = None) -> Place:
    a, b = intersection.street_a, intersection.street_b
    if typed_first is not None and typed_first == b:
        a, b = b, a
    label = f"{a.name} / {b.name}"
    return Place("intersection", label, intersection.lat, intersection.lon, intersection.beat, True)


def _place_of_common_place(place: CommonPlace) -> Place:
    label = place.address.label if place.address_id else place.name
    return Place("place", label, place.lat, place.lon, place.beat, True, place.address_id, place.name)


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
    return Place("interpolated", f"{number} {segments[0].street.name}", lat, lon, beat_at(lat, lon), True)


def _building_place(units: list[Address]) -> Place:
    """A building the file knows only by its units' points: at their middle, with their flags."""
    first = units[0]
    lat = round(sum(a.lat for a in units) / len(units), 7)
    lon = round(sum(a.lon for a in units) / len(units), 7)
    return Place("address", f"{first.number} {first.street.name}", lat, lon, beat_at(lat, lon) or first.beat,
                 True, building=(first.street_id, first.number))


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
        return _place_of_address(building[0])
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
    if not unit or place.kind in ("intersection", "suggestion"):
        return place
    if place.kind == "address" and (place.address_id is not None or place.building is not None):
        if place.address_id is not None:
            street_id, number, street_name = Address.objects.filter(pk=place.address_id).values_list(
                "street_id", "number", "street__name").get()
        else:
            street_id, number = place.building
            street_name = Street.objects.values_list("name", flat=True).get(pk=street_id)
        own = _unit_point(street_id, number, unit)
        if own is not None:
            return _place_of_address(own)
        building = Address.objects.select_related("beat").filter(
            street_id=street_id, number=number, unit="").first()
        if building is not None:
            place = _place_of_address(building)
        elif place.building is None:
            # A neighbour's point ("500 TOWER ST #1" when #9 was asked for): the building instead.
            place = _building_place(list(Address.objects.select_related("beat", "street").filter(
                street_id=street_id, number=number)))
        label = f"{number} {street_name} {unit}"
    else:
        label = f"{place.address} {unit}"
    return replace(place, address=label[:ADDRESS_LENGTH])


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
    return [_place_of_common_place(p) for p in places]


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
            _place_of_intersection(i, first[0] if first else None)
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
            _place_of_intersection(i, streets[0])
            for i in Intersection.objects.select_related("street_a", "street_b", "beat").filter(
                Q(street_a__in=streets) | Q(street_b__in=streets)
            )[: max(limit // 2 - len(places), 0)]
        ]
        places += [
            _place_of_address(a)
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
        places.append(_place_of_address(address))
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
        return replace(place, address=f"{fraction['number']} {fraction['fraction']}"
                                      f"{place.address[len(fraction['number']):]}"[:ADDRESS_LENGTH])
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
            return _place_of_intersection(found[0], first[0] if first else None)
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
    return _place_of_common_place(place) if place else None


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
    return Place("coordinates", label, lat, lon, beat_at(lat, lon), False, address_id)


def beat_at(lat: float, lon: float) -> Beat | None:
    return BeatLocator(Beat.objects.exclude(boundary=None))(lat, lon)


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _core(name: str) -> str:
    """A street name without its suffix and directionals: "N MAIN ST" → "MAIN"."""
    words = [w for w in name.split() if w not in _ABBREVIATIONS]
    return " ".join(words) or name


def _similar(queryset: QuerySet, field: str, typed: str, limit: int) -> list:
    """Rows whose `field` is spelled like `typed`, most alike first: pg_trgm on PostgreSQL, the same
    trigram measure in Python elsewhere."""
    if _on_postgresql():
        from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
        from django.db.models.functions import Greatest

        return list(
            queryset.annotate(
                similarity=TrigramSimilarity(field, typed),
                word_similarity=TrigramWordSimilarity(typed, field),
            )
            .filter(Q(similarity__gte=SIMILAR) | Q(word_similarity__gte=WORD_SIMILAR))
            .order_by(Greatest("similarity", "word_similarity").desc(), field)[:limit]
        )
    scored = []
    for row in queryset:
        value = getattr(row, field)
        score = max(similarity(typed, value), similarity(_core(typed), _core(value)))
        if score >= SIMILAR:
            scored.append((-score, value, row))
    scored.sort(key=lambda item: item[:2])
    return [row for _, _, row in scored[:limit]]


def street_suggestions(typed: str, *, limit: int = SUGGESTIONS) -> list[Street]:
    """Streets spelled like `typed` ("MAIM ST" → MAIN ST), for "did you mean"."""
    return _similar(Street.objects.all(), "name", normalize(typed), limit)


def _suggestion(place: Place) -> Place:
    return replace(place, kind="suggestion", verified=False)


def _address_suggestions(number: int, street_part: str, limit: int) -> list[Place]:
    if _streets_named(street_part):
        return []  # the street is right; the number is not on it
    places = []
    for street in street_suggestions(street_part, limit=min(limit, SUGGESTIONS)):
        address = Address.objects.select_related("beat").filter(street=street, number=number, unit="").first()
        place = _place_of_address(address) if address else _interpolated(number, street.name, [street])
        if place is None:
            place = Place("street", street.name, None, None, None, False)
        places.append(_suggestion(place))
    return places


def _intersection_suggestions(pair: tuple[str, str], limit: int) -> list[Place]:
    sides = []
    for part in pair:
        named = _streets_named(part)
        sides.append(named or street_suggestions(part))
    if all(_streets_named(part) for part in pair):
        return []  # both streets exist; they do not meet
    first = sides[0][0] if sides[0] else None
    return [_suggestion(_place_of_intersection(i, first)) for i in _intersections_of(*sides, limit)]


def _name_suggestions(text: str, limit: int) -> list[Place]:
    limit = min(limit, SUGGESTIONS)
    places = [
        _suggestion(_place_of_common_place(p))
        for p in _similar(CommonPlace.objects.select_related("address", "beat"), "key", text, limit)
    ]
    places += [
        _suggestion(Place("street", s.name, None, None, None, False))
        for s in street_suggestions(text, limit=limit - len(places))
    ]
    return places


def _active(at: datetime) -> Q:
    return (Q(expires_at__isnull=True) | Q(expires_at__gt=at)) & (
        Q(requires_approval=False) | Q(approved_at__isnull=False)
    )


def _own_addresses(places: Sequence[Place]) -> list[set[int]]:
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


def premise_flags_for_places(
    places: Sequence[Place], *, at: datetime | None = None
) -> list[list[PremiseFlag]]:
    """The active flags of each place (not expired, approved when approval is needed): those of its
    address (a building's flags go with each of its units, and a call at the building gets its
    units' flags too) and those whose radius holds its point. Hazards first."""
    at = at or timezone.now()
    own = _own_addresses(places)
    all_ids = set().union(*own)
    active = PremiseFlag.objects.filter(_active(at)).select_related("address")
    by_address: dict[int, list[PremiseFlag]] = {}
    if all_ids:
        for flag in active.filter(address_id__in=all_ids):
            by_address.setdefault(flag.address_id, []).append(flag)
    located = [p for p in places if p.lat is not None and p.lon is not None]
    point_flags: list[PremiseFlag] = []
    if located:
        dlat, dlon = degrees_around(max(abs(p.lat) for p in located), FLAG_RADIUS_MAX_M)
        point_flags = list(active.filter(
            address__isnull=True,
            lat__range=(min(p.lat for p in located) - dlat, max(p.lat for p in located) + dlat),
            lon__range=(min(p.lon for p in located) - dlon, max(p.lon for p in located) + dlon),
        ))
    answer = []
    for place, mine in zip(places, own, strict=True):
        flags: list[PremiseFlag] = [f for pk in mine for f in by_address.get(pk, [])]
        if place.lat is not None and place.lon is not None:
            flags += [
                f for f in point_flags
                if distance_m(place.lat, place.lon, f.lat, f.lon) <= (f.radius_m or 0)
            ]
        flags.sort(key=lambda f: (KIND_ORDER.index(f.kind), -f.created_at.timestamp(), -f.pk))
        answer.append(flags)
    return answer


def premise_flags_for(place: Place, *, at: datetime | None = None) -> list[PremiseFlag]:
    """The active flags for a resolved place, hazards first; see premise_flags_for_places."""
    return premise_flags_for_places([place], at=at)[0]


def alarm_permits_for_places(places: Sequence[Place], *, on: date | None = None) -> list[AlarmPermit | None]:
    """Each place's alarm permit: one valid on that day if there is one, else the latest (expired,
    suspended or revoked, so the dispatcher sees that), else None."""
    on = on or timezone.localdate()
    own = _own_addresses(places)
    all_ids = set().union(*own)
    labels = {p.address for p in places if p.address}
    located = [p for p in places if p.lat is not None and p.lon is not None]
    wanted = Q(site_address_id__in=all_ids) | Q(site_address__isnull=True, site_text__in=labels)
    if located:
        dlat, dlon = degrees_around(max(abs(p.lat) for p in located), PERMIT_SITE_METRES)
        wanted |= Q(
            site_address__isnull=True,
            site_lat__range=(min(p.lat for p in located) - dlat, max(p.lat for p in located) + dlat),
            site_lon__range=(min(p.lon for p in located) - dlon, max(p.lon for p in located) + dlon),
        )
    permits = list(AlarmPermit.objects.filter(wanted).select_related("site_address")) if (
        all_ids or labels or located) else []
    answer: list[AlarmPermit | None] = []
    for place, own_ids in zip(places, own, strict=True):
        mine = [
            permit for permit in permits
            if (permit.site_address_id is not None and permit.site_address_id in own_ids)
            or (permit.site_address_id is None and permit.site_text and permit.site_text == place.address)
            or (permit.site_address_id is None and permit.site_lat is not None and place.lat is not None
                and distance_m(place.lat, place.lon, permit.site_lat, permit.site_lon)
                <= PERMIT_SITE_METRES)
        ]
        mine.sort(key=lambda p: (p.standing(on) == PermitStatus.ACTIVE, p.expires_on, p.pk), reverse=True)
        answer.append(mine[0] if mine else None)
    return answer


def alarm_permit_for(place: Place, *, on: date | None = None) -> AlarmPermit | None:
    """The alarm permit at that site (valid ones first), or None when the site has none."""
    return alarm_permits_for_places([place], on=on)[0]
