"""Demo City: a grid of named streets and numbered avenues, six beats, about 650 address points.

Streets run east-west (MAIN ST in the south to CEDAR ST in the north), avenues north-south
(1ST AVE in the west to 8TH AVE in the east). Each block holds a hundred numbers: on a street the
block east of 3RD AVE is 300-398; on an avenue the block north of OAK ST is 200-298. Odd numbers
are on the north / east side. Some numbers in each block are left out of the address points so
that lookups can place them by interpolation along the block.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from premises.choices import FlagKind, Occupancy, PermitStatus
from premises.models import AlarmPermit, Beat, PremiseFlag
from premises.selectors import place_resolve
from premises.services import (
    addresses_import,
    beats_import,
    common_places_import,
    csv_text,
    read_csv,
    segments_import,
)

CITY = "DEMO CITY"
POSTCODE = "64015"
LAT0, LON0 = 39.0100, -94.2900
LAT_STEP, LON_STEP = 0.0018, 0.0025  # about 200 m between streets, 215 m between avenues
SIDE_OFFSET = 0.00012
STREETS = ["MAIN ST", "OAK ST", "ELM ST", "PINE ST", "MAPLE ST", "CEDAR ST"]
AVENUES = ["1ST AVE", "2ND AVE", "3RD AVE", "4TH AVE", "5TH AVE", "6TH AVE", "7TH AVE", "8TH AVE"]
HOUSE_OFFSETS = [10, 11, 30, 31, 50, 51, 70, 71]

# Beats: three columns of avenues by two rows of streets.
BEAT_COLUMNS = [(-0.5, 2.5), (2.5, 5.0), (5.0, 7.5)]
BEAT_ROWS = [(-0.5, 2.5), (2.5, 5.5)]
BEAT_NAMES = {
    "1": "Southwest", "2": "South Central", "3": "Southeast",
    "4": "Northwest", "5": "North Central", "6": "Northeast",
}


def grid_point(avenue_index: float, street_index: float) -> tuple[float, float]:
    return LAT0 + street_index * LAT_STEP, LON0 + avenue_index * LON_STEP


def _box(x0: float, x1: float, y0: float, y1: float) -> dict:
    (lat0, lon0), (lat1, lon1) = grid_point(x0, y0), grid_point(x1, y1)
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    return {"type": "Polygon", "coordinates": [ring]}


def beat_centre(beat: Beat) -> tuple[float, float]:
    ring = beat.boundary["coordinates"][0][:-1]
    return sum(p[1] for p in ring) / len(ring), sum(p[0] for p in ring) / len(ring)


ADDRESS_COLUMNS = ["LON", "LAT", "NUMBER", "STREET", "UNIT", "CITY", "POSTCODE"]
SEGMENT_COLUMNS = ["STREET", "FROM_NUMBER", "TO_NUMBER", "START_LAT", "START_LON", "END_LAT", "END_LON"]
PLACE_COLUMNS = ["NAME", "ADDRESS", "LAT", "LON", "ALIASES"]
COMMON_PLACES = [
    ("CITY HALL", "410 MAIN ST", "CITY OFFICES;MUNICIPAL BUILDING"),
    ("DEMO CITY HIGH SCHOOL", "650 CEDAR ST", "HIGH SCHOOL;DCHS"),
    ("MERCY HOSPITAL", "230 5TH AVE", "HOSPITAL"),
    ("QUIKSTOP MARKET", "171 OAK ST", "QUIKSTOP"),
]


def beats_geojson() -> dict:
    """The six beats as a GeoJSON FeatureCollection, as a city's GIS office would publish them."""
    features, code = [], 1
    for row in BEAT_ROWS:
        for column in BEAT_COLUMNS:
            features.append({"type": "Feature", "geometry": _box(*column, *row),
                             "properties": {"BEAT": str(code), "NAME": BEAT_NAMES[str(code)]}})
            code += 1
    return {"type": "FeatureCollection", "features": features}


def _blocks():
    """(street name, low number, start, end, axis) for every block: streets run east, avenues north."""
    for j, name in enumerate(STREETS):
        for i in range(len(AVENUES) - 1):
            yield name, (i + 1) * 100, grid_point(i, j), grid_point(i + 1, j), "lon"
    for i, name in enumerate(AVENUES):
        for j in range(len(STREETS) - 1):
            yield name, (j + 1) * 100, grid_point(i, j), grid_point(i, j + 1), "lat"


def segment_rows() -> list[dict]:
    return [
        {"STREET": name, "FROM_NUMBER": base, "TO_NUMBER": base + 98, "START_LAT": start[0],
         "START_LON": start[1], "END_LAT": end[0], "END_LON": end[1]}
        for name, base, start, end, _ in _blocks()
    ]


def address_rows() -> list[dict]:
    """The address points, as rows of an OpenAddresses CSV."""
    rows = []
    for name, base, start, end, along in _blocks():
        for offset in HOUSE_OFFSETS:
            f = offset / 98
            side = SIDE_OFFSET if offset % 2 else -SIDE_OFFSET
            if along == "lon":
                lat, lon = start[0] + side, start[1] + f * (end[1] - start[1])
            else:
                lat, lon = start[0] + f * (end[0] - start[0]), start[1] + side
            rows.append({"LON": round(lon, 7), "LAT": round(lat, 7), "NUMBER": base + offset, "STREET": name,
                         "UNIT": "", "CITY": CITY, "POSTCODE": POSTCODE})
    return rows


def _seed_flags() -> int:
    now = timezone.now()
    flags = [
        ("511 ELM ST", FlagKind.OFFICER_SAFETY,
         "Resident threatened officers with a rifle (2025). Two large dogs loose in the back yard.",
         {}),
        ("230 OAK ST", FlagKind.MEDICAL,
         "Resident on home oxygen and bedridden; needs lift assist. Do not use lights and siren on "
         "arrival (seizure disorder).", {"confidential": True}),
        ("450 PINE ST", FlagKind.ACCESS, "Gate code 4721#. Key box on the north door.", {}),
        ("231 OAK ST", FlagKind.EMERGENCY_CONTACT, "Daughter Ann Lee, 816-555-0142, has a key.", {}),
        ("611 MAPLE ST", FlagKind.OFFICER_SAFETY, "Vacant house, squatters reported.",
         {"expires_at": now - timedelta(days=30)}),
        ("330 CEDAR ST", FlagKind.OFFICER_SAFETY, "Caller reports firearms and a violent relative.",
         {"requires_approval": True}),
    ]
    for address, kind, text, extra in flags:
        place = place_resolve(address)
        PremiseFlag.objects.get_or_create(address_id=place.address_id, kind=kind, text=text, defaults=extra)
    lat, lon = grid_point(4, 3)
    PremiseFlag.objects.get_or_create(
        address=None, kind=FlagKind.NOTE, text="Open trench from street works around 5TH AVE / PINE ST.",
        defaults={"lat": round(lat, 7), "lon": round(lon, 7), "radius_m": 150},
    )
    return PremiseFlag.objects.count()


def _seed_permits() -> int:
    today = timezone.localdate()
    permits = [
        ("AP-2026-0001", "171 OAK ST", {
            "holder_name": "QUIKSTOP MARKET LLC", "holder_mailing_address": "PO BOX 1200\nDEMO CITY MO 64015",
            "alarm_company": "SENTRY ALARM CO", "company_contact": "Monitoring desk",
            "company_phone": "816-555-0100", "occupancy": Occupancy.BUSINESS,
            "issued_on": today - timedelta(days=100), "expires_on": today + timedelta(days=265),
            "status": PermitStatus.ACTIVE}),
        ("AP-2024-0117", "451 PINE ST", {
            "holder_name": "MARIA GOMEZ", "holder_mailing_address": "451 PINE ST\nDEMO CITY MO 64015",
            "alarm_company": "HOMEGUARD", "company_contact": "Central station",
            "company_phone": "816-555-0188", "occupancy": Occupancy.RESIDENTIAL,
            "issued_on": today - timedelta(days=800), "expires_on": today - timedelta(days=70),
            "status": PermitStatus.ACTIVE}),
        ("AP-2025-0042", "250 7TH AVE", {
            "holder_name": "JOHN AND RUTH PARK", "holder_mailing_address": "250 7TH AVE\nDEMO CITY MO 64015",
            "alarm_company": "HOMEGUARD", "company_contact": "Central station",
            "company_phone": "816-555-0188", "occupancy": Occupancy.RESIDENTIAL,
            "issued_on": today - timedelta(days=200), "expires_on": today + timedelta(days=165),
            "status": PermitStatus.SUSPENDED}),
    ]
    for number, address, fields in permits:
        place = place_resolve(address)
        AlarmPermit.objects.get_or_create(
            number=number, defaults={"site_address_id": place.address_id, **fields})
    return AlarmPermit.objects.count()


@transaction.atomic
def build_demo_city() -> dict[str, int]:
    """Load the demo city through the importers real data uses, then its flags and permits."""
    beats_import(beats_geojson())
    segments_import(read_csv(csv_text(segment_rows(), SEGMENT_COLUMNS)))
    report = addresses_import(read_csv(csv_text(address_rows(), ADDRESS_COLUMNS)))
    common_places_import(read_csv(csv_text(
        [{"NAME": n, "ADDRESS": a, "ALIASES": al} for n, a, al in COMMON_PLACES], PLACE_COLUMNS)))
    return {
        "beats": Beat.objects.count(), "addresses": report.created + report.updated,
        "intersections": report.intersections, "premise_flags": _seed_flags(),
        "alarm_permits": _seed_permits(),
    }
