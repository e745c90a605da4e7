"""Changing the street file: beats, streets, blocks, address points, common places, and what is
derived from them (intersections, the beat each place is in). Bulk imports are in importing.py."""

from collections import defaultdict

from django.db import transaction

from premises.geo import BeatLocator, Line, cluster_centre, crossings, distance_m, extended
from premises.models import Address, Beat, CommonPlace, Intersection, Street, StreetSegment
from premises.normalize import normalize, unit_key
from premises.selectors import beat_at

STREET_END_REACH_M = 40  # a street's line reaches this far past its last house to meet a cross street


def address_label(number: int, street_name: str, unit: str = "") -> str:
    """ "310 MAIN ST", "310 MAIN ST APT 4", "310 MAIN ST #4": how lookups and calls name it."""
    return f"{number} {street_name}" + (f" {unit}" if unit else "")


def beat_upsert(*, code: str, name: str, boundary: dict | None) -> Beat:
    beat, _ = Beat.objects.update_or_create(code=code, defaults={"name": name, "boundary": boundary})
    return beat


def street_get_or_create(*, name: str, city: str = "") -> Street:
    street, _ = Street.objects.get_or_create(name=normalize(name), defaults={"city": city})
    return street


def street_segment_upsert(
    *, street: Street, from_number: int, to_number: int, start: tuple[float, float], end: tuple[float, float]
) -> StreetSegment:
    # A block drawn by hand replaces the lines guessed from the street's address points.
    StreetSegment.objects.filter(street=street, derived=True).delete()
    segment, _ = StreetSegment.objects.update_or_create(
        street=street,
        from_number=from_number,
        to_number=to_number,
        defaults={"start_lat": round(start[0], 7), "start_lon": round(start[1], 7),
                  "end_lat": round(end[0], 7), "end_lon": round(end[1], 7), "derived": False},
    )
    return segment


def address_upsert(
    *, number: int, street: Street, lat: float, lon: float, unit: str = "", city: str = "", postcode: str = ""
) -> Address:
    unit = unit_key(unit)
    address, _ = Address.objects.update_or_create(
        street=street,
        number=number,
        unit=unit,
        defaults={
            "lat": round(lat, 7), "lon": round(lon, 7), "city": city, "postcode": postcode,
            "label": address_label(number, street.name, unit), "beat": beat_at(lat, lon),
        },
    )
    return address


def _lines() -> list[Line]:
    """Every segment as a line; each street's ends (a run of joined segments) reach a little further."""
    lines = []
    by_street: dict[int, list[StreetSegment]] = defaultdict(list)
    for seg in StreetSegment.objects.order_by("street_id", "from_number", "to_number").only(
        "street_id", "start_lat", "start_lon", "end_lat", "end_lon"
    ):
        by_street[seg.street_id].append(seg)
    for street_id, segments in by_street.items():
        run: list[Line] = []
        for seg in segments:
            line = Line(street_id, seg.start_lat, seg.start_lon, seg.end_lat, seg.end_lon)
            if run and distance_m(run[-1].lat1, run[-1].lon1, line.lat0, line.lon0) > 1:
                lines += _reaching(run)
                run = []
            run.append(line)
        lines += _reaching(run)
    return lines


def _reaching(run: list[Line]) -> list[Line]:
    if not run:
        return []
    run = list(run)
    run[0] = extended(run[0], at_start=True, metres=STREET_END_REACH_M)
    run[-1] = extended(run[-1], at_start=False, metres=STREET_END_REACH_M)
    return run


@transaction.atomic
def intersections_rebuild() -> int:
    """Derive intersections from where segments of two streets meet: a shared end, or lines that
    cross (imported streets, whose lines run between house points, rarely share an end)."""
    shared: dict[tuple[float, float], set[int]] = defaultdict(set)
    for seg in StreetSegment.objects.only("street_id", "start_lat", "start_lon", "end_lat", "end_lon"):
        for point in ((seg.start_lat, seg.start_lon), (seg.end_lat, seg.end_lon)):
            shared[(round(point[0], 6), round(point[1], 6))].add(seg.street_id)
    points: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    for point, street_ids in shared.items():
        ordered = sorted(street_ids)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                points[(a, b)].append(point)
    for pair, found in crossings(_lines()).items():
        if pair not in points:  # a shared end is exact; a crossing of guessed lines is not
            points[pair] = found
    names = dict(Street.objects.values_list("id", "name"))
    locate = BeatLocator(Beat.objects.exclude(boundary=None))
    rows = []
    for (a, b), found in points.items():
        if names[b] < names[a]:
            a, b = b, a  # named alphabetically, as before
        lat, lon = cluster_centre(found)
        lat, lon = round(lat, 7), round(lon, 7)
        rows.append(Intersection(street_a_id=a, street_b_id=b, lat=lat, lon=lon, beat=locate(lat, lon)))
    kept = {(row.street_a_id, row.street_b_id) for row in rows}
    stale = [
        pk for pk, a, b in Intersection.objects.values_list("pk", "street_a_id", "street_b_id")
        if (a, b) not in kept
    ]
    Intersection.objects.filter(pk__in=stale).delete()
    Intersection.objects.bulk_create(
        rows, batch_size=2000, update_conflicts=True, unique_fields=["street_a", "street_b"],
        update_fields=["lat", "lon", "beat"],
    )
    return len(rows)


@transaction.atomic
def places_rebeat() -> int:
    """Put every address, intersection and common place in the beat that now holds it (after the
    beats are redrawn). Returns how many changed."""
    locate = BeatLocator(Beat.objects.exclude(boundary=None))
    changed = 0
    for model in (Address, Intersection, CommonPlace):
        moved = []
        for row in model.objects.only("pk", "lat", "lon", "beat_id").iterator(chunk_size=5000):
            beat = locate(row.lat, row.lon)
            beat_id = beat.pk if beat else None
            if beat_id != row.beat_id:
                row.beat_id = beat_id
                moved.append(row)
        model.objects.bulk_update(moved, ["beat"], batch_size=2000)
        changed += len(moved)
    return changed


def common_place_save(*, place: CommonPlace) -> CommonPlace:
    """Create or change a common place: looked up by its normalized name, at its address's point."""
    place.name = " ".join(place.name.upper().split())
    place.key = normalize(place.name)
    if place.address_id is not None:
        place.lat, place.lon = place.address.lat, place.address.lon
    place.beat = beat_at(place.lat, place.lon)
    place.full_clean()
    place.save()
    return place
