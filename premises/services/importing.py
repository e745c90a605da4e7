"""Loading a street file from public data, in bulk: OpenAddresses-style address points, street
segments (or lines derived from the points), beats from GeoJSON, common places. The demo city is
loaded through these too. Every import can be run again: rows are matched and updated, not doubled.
"""

import csv
import io
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import transaction

from premises.geo import BeatLocator, distance_m, geometry_problem
from premises.models import Address, Beat, CommonPlace, CommonPlaceAlias, Street, StreetSegment
from premises.normalize import normalize, unit_key
from premises.selectors import place_resolve
from premises.services.street_file import address_label, intersections_rebuild, places_rebeat

BATCH = 2000
SEGMENT_GAP_M = 1000  # farther apart than this, two points of one street are not one block
BAD_EXAMPLES = 20
CONFLICT_M = 100  # one street, number and unit twice this far apart: two places, not one point twice
FIELD_LIMIT = 1_000_000  # characters in one CSV field; the csv module's default (131072) aborts reading
ROW_ERROR = "\x00row error"  # read_csv's key for a row it could not read

Row = Mapping[str, str | None]


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    conflicts: int = 0  # the same street, number and unit at another place; the first is kept
    conflict_examples: list[tuple[int, str]] = field(default_factory=list)
    bad: Counter = field(default_factory=Counter)  # reason → rows
    bad_examples: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    streets: int = 0
    segments: int = 0
    intersections: int = 0

    @property
    def bad_rows(self) -> int:
        return sum(self.bad.values())

    def reject(self, line: int, reason: str) -> None:
        self.bad[reason] += 1
        if len(self.bad_examples) < BAD_EXAMPLES:
            self.bad_examples.append((line, reason))

    def conflict(self, line: int, reason: str) -> None:
        self.conflicts += 1
        if len(self.conflict_examples) < BAD_EXAMPLES:
            self.conflict_examples.append((line, reason))

    def summary(self) -> str:
        text = (f"{self.rows} rows: {self.created} new, {self.updated} updated, "
                f"{self.duplicates} duplicates, {self.bad_rows} bad")
        if self.conflicts:
            text += f", {self.conflicts} conflicts (same street, number and unit elsewhere; first kept)"
        if self.streets or self.segments or self.intersections:
            text += (f"; {self.streets} streets, {self.segments} derived segments, "
                     f"{self.intersections} intersections")
        return text


def read_csv(source: str | Path | IO[str]) -> Iterator[dict[str, str]]:
    """Rows of a CSV file with its header upper-cased ("lon" and "LON" alike)."""
    if isinstance(source, (str, Path)):
        with open(source, newline="", encoding="utf-8-sig") as handle:
            yield from read_csv(handle)
        return
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
    reader = csv.reader(source)
    header = [name.strip().upper() for name in next(reader, [])]
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield {ROW_ERROR: f"unreadable CSV row ({error})"}
            continue
        yield dict(zip(header, values, strict=False))


def _text(row: Row, name: str) -> str:
    return (row.get(name) or "").strip()


def _coordinate(row: Row, name: str, limit: float) -> float | None:
    try:
        value = float(_text(row, name))
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


def _parse_address(row: Row) -> tuple[tuple[str, int, str], tuple[float, float, str, str]] | str:
    """(street, number, unit), (lat, lon, city, postcode); or why the row is refused."""
    if row.get(ROW_ERROR):
        return row[ROW_ERROR]
    for name, value in row.items():
        if value and any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value):
            return f"control character in {name}"
    lon, lat = _coordinate(row, "LON", 180), _coordinate(row, "LAT", 90)
    if lon is None or lat is None:
        return "bad or missing LAT/LON"
    if lat == 0 and lon == 0:
        return "LAT/LON is 0,0"
    number_text = _text(row, "NUMBER")
    if not number_text:
        return "missing NUMBER"
    # isdigit() alone takes "²" and full-width digits, which int() or the street file cannot use.
    if not (number_text.isascii() and number_text.isdigit()) or len(number_text) > 9:
        return "NUMBER is not a whole house number"
    street = normalize(_text(row, "STREET"))
    if not street:
        return "missing STREET"
    if len(street) > Street._meta.get_field("name").max_length:
        return "STREET too long"
    unit = unit_key(_text(row, "UNIT"))
    if len(unit) > Address._meta.get_field("unit").max_length:
        return "UNIT too long"
    city = _text(row, "CITY").upper()[:64]
    postcode = _text(row, "POSTCODE")[:16]
    return (street, int(number_text), unit), (round(lat, 7), round(lon, 7), city, postcode)


def _streets_ensure(names: dict[str, str]) -> dict[str, int]:
    """Street ids by name, creating those missing. `names`: name → city."""
    existing = dict(Street.objects.filter(name__in=list(names)).values_list("name", "id")) if len(
        names) < 20000 else dict(Street.objects.values_list("name", "id"))
    missing = [Street(name=name, city=city) for name, city in names.items() if name not in existing]
    Street.objects.bulk_create(missing, batch_size=BATCH, ignore_conflicts=True)
    if missing:
        existing.update(Street.objects.filter(name__in=[s.name for s in missing]).values_list("name", "id"))
    return existing


@transaction.atomic
def addresses_import(rows: Iterable[Row], *, derive_segments: bool = True) -> ImportReport:
    """Address points, OpenAddresses style (LON, LAT, NUMBER, STREET, UNIT, CITY, POSTCODE). Bad
    rows are counted with their reason and skipped; a point already in the file is updated. Streets
    with no segment file get lines drawn between their points, so numbers between them are placed."""
    report = ImportReport()
    points: dict[tuple[str, int, str], tuple[float, float, str, str]] = {}
    first_line: dict[tuple[str, int, str], int] = {}
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        report.rows += 1
        parsed = _parse_address(row)
        if isinstance(parsed, str):
            report.reject(line, parsed)
            continue
        key, value = parsed
        if key in points:
            kept = points[key]
            apart = distance_m(kept[0], kept[1], value[0], value[1])
            if apart > CONFLICT_M:
                # Two towns' 100 RIVER RD: the street file keys on street, number and unit only.
                report.conflict(line, f"{address_label(key[1], key[0], key[2])} ({value[2] or 'no city'}) "
                                      f"is {apart:,.0f} m from line {first_line[key]} "
                                      f"({kept[2] or 'no city'}); line {first_line[key]} kept")
            else:
                report.duplicates += 1
            continue
        points[key] = value
        first_line[key] = line
    if not points:
        return report
    street_cities: dict[str, str] = {}
    for (street, _, _), (_, _, city, _) in points.items():
        street_cities.setdefault(street, city)
    street_ids = _streets_ensure(street_cities)
    locate = BeatLocator(Beat.objects.exclude(boundary=None))
    before = Address.objects.count()
    batch: list[Address] = []
    for (street, number, unit), (lat, lon, city, postcode) in points.items():
        beat = locate(lat, lon)
        batch.append(Address(
            street_id=street_ids[street], number=number, unit=unit, lat=lat, lon=lon, city=city,
            postcode=postcode, beat_id=beat.pk if beat else None,
            label=address_label(number, street, unit),
        ))
        if len(batch) >= BATCH:
            _addresses_upsert(batch)
            batch = []
    _addresses_upsert(batch)
    report.created = Address.objects.count() - before
    report.updated = len(points) - report.created
    report.streets = len(street_ids)
    if derive_segments:
        report.segments = street_segments_derive(street_ids=set(street_ids.values()))
    report.intersections = intersections_rebuild()
    return report


def _addresses_upsert(batch: list[Address]) -> None:
    if batch:
        Address.objects.bulk_create(
            batch, update_conflicts=True, unique_fields=["street", "number", "unit"],
            update_fields=["lat", "lon", "city", "postcode", "beat", "label"],
        )


def street_segments_derive(*, street_ids: set[int]) -> int:
    """Draw each street's blocks between its address points in number order, for streets that no
    segment file describes. Numbers in between are then placed along the line (interpolation).
    Points farther apart than SEGMENT_GAP_M are not joined: another town's MAIN ST is not a block."""
    drawn = set(
        StreetSegment.objects.filter(street_id__in=street_ids, derived=False).values_list(
            "street_id", flat=True
        ).distinct()
    )
    wanted = street_ids - drawn
    StreetSegment.objects.filter(street_id__in=wanted, derived=True).delete()
    by_number: dict[int, dict[int, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    for street_id, number, lat, lon in Address.objects.filter(street_id__in=wanted).values_list(
        "street_id", "number", "lat", "lon"
    ).iterator(chunk_size=10000):
        by_number[street_id][number].append((lat, lon))
    segments = []
    for street_id, numbers in by_number.items():
        ordered = sorted(numbers.items())
        previous = None
        for number, spots in ordered:
            # The units of one building stand at one point: their middle.
            point = (round(sum(p[0] for p in spots) / len(spots), 7),
                     round(sum(p[1] for p in spots) / len(spots), 7))
            if previous is not None and distance_m(*previous[1], *point) <= SEGMENT_GAP_M:
                segments.append(StreetSegment(
                    street_id=street_id, from_number=previous[0], to_number=number,
                    start_lat=previous[1][0], start_lon=previous[1][1], end_lat=point[0], end_lon=point[1],
                    derived=True,
                ))
            previous = (number, point)
    StreetSegment.objects.bulk_create(segments, batch_size=5000)
    return len(segments)


@transaction.atomic
def segments_import(rows: Iterable[Row]) -> ImportReport:
    """Street blocks with their address ranges: STREET, FROM_NUMBER, TO_NUMBER, START_LAT,
    START_LON, END_LAT, END_LON. A street given here loses the lines derived from its points."""
    report = ImportReport()
    parsed: dict[tuple[str, int, int], tuple[float, float, float, float]] = {}
    for line, row in enumerate(rows, start=2):
        report.rows += 1
        street = normalize(_text(row, "STREET"))
        try:
            low, high = int(_text(row, "FROM_NUMBER")), int(_text(row, "TO_NUMBER"))
        except ValueError:
            report.reject(line, "FROM_NUMBER/TO_NUMBER not whole numbers")
            continue
        ends = [_coordinate(row, name, limit) for name, limit in
                (("START_LAT", 90), ("START_LON", 180), ("END_LAT", 90), ("END_LON", 180))]
        if not street or any(v is None for v in ends) or low < 0 or high < 0:
            report.reject(line, "missing STREET or bad coordinates")
            continue
        if low > high:
            low, high = high, low
            ends = [ends[2], ends[3], ends[0], ends[1]]
        parsed[(street, low, high)] = tuple(round(v, 7) for v in ends)
    street_ids = _streets_ensure({street: "" for street, _, _ in parsed})
    StreetSegment.objects.filter(street_id__in=set(street_ids.values()), derived=True).delete()
    existing = {
        (s.street_id, s.from_number, s.to_number): s
        for s in StreetSegment.objects.filter(street_id__in=set(street_ids.values()))
    }
    new, changed = [], []
    for (street, low, high), (lat0, lon0, lat1, lon1) in parsed.items():
        segment = existing.get((street_ids[street], low, high))
        if segment is None:
            new.append(StreetSegment(street_id=street_ids[street], from_number=low, to_number=high,
                                     start_lat=lat0, start_lon=lon0, end_lat=lat1, end_lon=lon1))
        else:
            segment.start_lat, segment.start_lon, segment.end_lat, segment.end_lon = lat0, lon0, lat1, lon1
            changed.append(segment)
    StreetSegment.objects.bulk_create(new, batch_size=BATCH)
    StreetSegment.objects.bulk_update(changed, ["start_lat", "start_lon", "end_lat", "end_lon"],
                                      batch_size=BATCH)
    report.created, report.updated = len(new), len(changed)
    report.streets = len(street_ids)
    report.intersections = intersections_rebuild()
    return report


BEAT_CODE_PROPERTIES = ("code", "beat", "id", "name", "zone", "district")


@transaction.atomic
def beats_import(collection: Mapping) -> ImportReport:
    """Beats from a GeoJSON FeatureCollection of Polygon / MultiPolygon features, each with a code
    (property code, beat, id, name, zone or district, any case) and optionally a name. Addresses,
    intersections and common places are then put in the beat that holds them."""
    report = ImportReport()
    if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
        report.reject(1, "not a GeoJSON FeatureCollection")
        return report
    existing = set(Beat.objects.values_list("code", flat=True))
    for index, feature in enumerate(collection.get("features") or [], start=1):
        report.rows += 1
        if not isinstance(feature, Mapping):
            report.reject(index, "not a GeoJSON Feature")
            continue
        geometry = feature.get("geometry") or {}
        properties = {str(k).lower(): v for k, v in (feature.get("properties") or {}).items()}
        problem = geometry_problem(geometry)
        if problem:
            report.reject(index, problem)
            continue
        code = next((str(properties[k]).strip() for k in BEAT_CODE_PROPERTIES
                     if properties.get(k) not in (None, "")), "")
        if not code or len(code) > Beat._meta.get_field("code").max_length:
            report.reject(index, "no beat code (property code, beat, id or name)")
            continue
        name = str(properties.get("name") or properties.get("label") or code)[:128]
        Beat.objects.update_or_create(
            code=code, defaults={"name": name, "boundary": {"type": geometry["type"],
                                                            "coordinates": geometry["coordinates"]}}
        )
        if code in existing:
            report.updated += 1
        else:
            report.created += 1
            existing.add(code)
    places_rebeat()
    return report


@transaction.atomic
def common_places_import(rows: Iterable[Row]) -> ImportReport:
    """Common places: NAME, ADDRESS (in the street file) or LAT and LON, ALIASES separated by ";".
    A place's aliases are replaced by the ones given."""
    report = ImportReport()
    locate = BeatLocator(Beat.objects.exclude(boundary=None))
    for line, row in enumerate(rows, start=2):
        report.rows += 1
        name = " ".join(_text(row, "NAME").upper().split())
        key = normalize(name)
        if not key:
            report.reject(line, "missing NAME")
            continue
        address_id, lat, lon = None, _coordinate(row, "LAT", 90), _coordinate(row, "LON", 180)
        if _text(row, "ADDRESS"):
            place = place_resolve(_text(row, "ADDRESS"))
            if place is None or place.address_id is None:
                report.reject(line, "ADDRESS is not in the street file")
                continue
            address_id, lat, lon = place.address_id, place.lat, place.lon
        if lat is None or lon is None:
            report.reject(line, "give ADDRESS or LAT and LON")
            continue
        beat = locate(lat, lon)
        place, created = CommonPlace.objects.update_or_create(
            key=key, defaults={"name": name, "address_id": address_id, "lat": lat, "lon": lon, "beat": beat}
        )
        report.created += created
        report.updated += not created
        aliases = {normalize(a): " ".join(a.upper().split()) for a in _text(row, "ALIASES").split(";")}
        aliases.pop("", None)
        aliases.pop(key, None)
        place.aliases.exclude(key__in=aliases).delete()
        for alias_key, alias in aliases.items():
            CommonPlaceAlias.objects.update_or_create(key=alias_key, defaults={"place": place, "name": alias})
    return report


def csv_text(rows: Iterable[Mapping[str, object]], columns: list[str]) -> io.StringIO:
    """Rows as a CSV file in memory: how the demo city feeds the same readers real files use."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    out.seek(0)
    return out
