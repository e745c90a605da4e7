"""Changing the street file, premise flags and alarm permits. Bulk imports are in importers.py."""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from premises.geo import BeatLocator, Line, cluster_centre, crossings, distance_m, extended
from premises.models import (
    Address,
    AlarmPermit,
    Beat,
    CommonPlace,
    Intersection,
    PremiseFlag,
    PremiseFlagRead,
    Street,
    StreetSegment,
)
from premises.normalize import normalize, unit_key
from premises.selectors import beat_at

STREET_END_REACH_M = 40  # a street's line reaches this far past its last house to meet a cross street
# Changing these on a flag that needs approval sends it back for approval.
FLAG_CONTENT_FIELDS = {"kind", "text", "address", "lat", "lon", "radius_m", "expires_at", "confidential"}


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


def premise_flag_save(
    *, flag: PremiseFlag, by: AbstractBaseUser | None, changed: Iterable[str] = ()
) -> PremiseFlag:
    """Create or change a flag. A new flag records who made it; a changed flag that needs approval
    goes back for approval, so nothing unapproved reaches a call. Only someone who may approve flags
    takes the need for approval off a flag (by=None is the system: imports, the demo)."""
    if flag.pk is not None and not flag.requires_approval and by is not None and not by.has_perm(
        "premises.approve_premiseflag"
    ) and PremiseFlag.objects.filter(pk=flag.pk, requires_approval=True).exists():
        raise ValidationError({"requires_approval": "Only a supervisor may take approval off a flag."})
    if flag.pk is None:
        flag.created_by = flag.created_by or by
        flag.approved_by, flag.approved_at = None, None
    elif flag.requires_approval and (set(changed) & (FLAG_CONTENT_FIELDS | {"requires_approval"})):
        flag.approved_by, flag.approved_at = None, None
    if not flag.requires_approval:
        flag.approved_by, flag.approved_at = None, None
    flag.full_clean()
    flag.save()
    return flag


def premise_flag_approve(*, flag: PremiseFlag, by: AbstractBaseUser) -> bool:
    """A supervisor approves a flag waiting for approval. Returns False when it was not waiting."""
    now = timezone.now()
    updated = PremiseFlag.objects.filter(
        pk=flag.pk, requires_approval=True, approved_at__isnull=True
    ).update(approved_by=by, approved_at=now, updated_at=now)
    if updated:
        flag.approved_by, flag.approved_at = by, now
    return bool(updated)


def premise_flag_read_record(
    *, flag: PremiseFlag, by: AbstractBaseUser, call_id: int | None = None, call_number: str = "",
    context: str = "",
) -> PremiseFlagRead | None:
    """Record that `by` was shown a confidential flag (on that call, when there is one). Reads of
    flags that are not confidential are not recorded: returns None."""
    if not flag.confidential or by is None or not by.is_authenticated:
        return None
    return PremiseFlagRead.objects.create(
        flag=flag, by=by, at=timezone.now(), call_id=call_id, call_number=call_number, context=context
    )


def premise_flags_read_record(
    *, flags: Iterable[PremiseFlag], by: AbstractBaseUser, call_id: int | None = None,
    call_number: str = "", context: str = "",
) -> int:
    """premise_flag_read_record for each confidential flag shown at once. Returns how many."""
    if by is None or not by.is_authenticated:
        return 0
    now = timezone.now()
    reads = [
        PremiseFlagRead(flag=flag, by=by, at=now, call_id=call_id, call_number=call_number,
                        context=context)
        for flag in {f.pk: f for f in flags if f.confidential}.values()
    ]
    PremiseFlagRead.objects.bulk_create(reads)
    return len(reads)


def alarm_permit_save(*, permit: AlarmPermit) -> AlarmPermit:
    """Create or change a permit; a site given as text is written in the street file's spelling."""
    if permit.site_address_id is None and permit.site_text:
        permit.site_text = normalize(permit.site_text)
    permit.full_clean()
    permit.save()
    return permit


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
