"""Building the street file. The demo city is loaded through these, as real data will be."""

from collections import defaultdict

from django.db import transaction

from premises.models import Address, Beat, Intersection, Street, StreetSegment
from premises.normalize import normalize
from premises.selectors import beat_at


def beat_upsert(*, code: str, name: str, boundary: dict | None) -> Beat:
    beat, _ = Beat.objects.update_or_create(code=code, defaults={"name": name, "boundary": boundary})
    return beat


def street_get_or_create(*, name: str, city: str = "") -> Street:
    street, _ = Street.objects.get_or_create(name=normalize(name), defaults={"city": city})
    return street


def street_segment_upsert(
    *, street: Street, from_number: int, to_number: int, start: tuple[float, float], end: tuple[float, float]
) -> StreetSegment:
    segment, _ = StreetSegment.objects.update_or_create(
        street=street,
        from_number=from_number,
        to_number=to_number,
        defaults={"start_lat": round(start[0], 7), "start_lon": round(start[1], 7),
                  "end_lat": round(end[0], 7), "end_lon": round(end[1], 7)},
    )
    return segment


def address_upsert(
    *, number: int, street: Street, lat: float, lon: float, unit: str = "", city: str = "", postcode: str = ""
) -> Address:
    label = f"{number} {street.name}" + (f" #{unit}" if unit else "")
    address, _ = Address.objects.update_or_create(
        street=street,
        number=number,
        unit=unit,
        defaults={
            "lat": round(lat, 7), "lon": round(lon, 7), "city": city, "postcode": postcode,
            "label": label, "beat": beat_at(lat, lon),
        },
    )
    return address


@transaction.atomic
def intersections_rebuild() -> int:
    """Derive intersections from segment ends that two different streets share."""
    streets_at: dict[tuple[float, float], set[int]] = defaultdict(set)
    for seg in StreetSegment.objects.all():
        for point in ((seg.start_lat, seg.start_lon), (seg.end_lat, seg.end_lon)):
            streets_at[(round(point[0], 6), round(point[1], 6))].add(seg.street_id)
    names = dict(Street.objects.values_list("id", "name"))
    kept = set()
    for (lat, lon), street_ids in streets_at.items():
        ordered = sorted(street_ids, key=lambda sid: names[sid])
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                intersection, _ = Intersection.objects.update_or_create(
                    street_a_id=a, street_b_id=b,
                    defaults={"lat": lat, "lon": lon, "beat": beat_at(lat, lon)},
                )
                kept.add(intersection.pk)
    Intersection.objects.exclude(pk__in=kept).delete()
    return len(kept)
