"""Demo City: a grid of named streets and numbered avenues, six beats, about 650 address points.

Streets run east-west (MAIN ST in the south to CEDAR ST in the north), avenues north-south
(1ST AVE in the west to 8TH AVE in the east). Each block holds a hundred numbers: on a street the
block east of 3RD AVE is 300-398; on an avenue the block north of OAK ST is 200-298. Odd numbers
are on the north / east side. Some numbers in each block are left out of the address points so
that lookups can place them by interpolation along the block.
"""

from django.db import transaction

from premises.models import Beat
from premises.services import (
    address_upsert,
    beat_upsert,
    intersections_rebuild,
    street_get_or_create,
    street_segment_upsert,
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


@transaction.atomic
def build_demo_city() -> dict[str, int]:
    code = 1
    for row in BEAT_ROWS:
        for column in BEAT_COLUMNS:
            beat_upsert(code=str(code), name=BEAT_NAMES[str(code)], boundary=_box(*column, *row))
            code += 1

    addresses = 0
    for j, name in enumerate(STREETS):
        street = street_get_or_create(name=name, city=CITY)
        for i in range(len(AVENUES) - 1):
            base = (i + 1) * 100
            start, end = grid_point(i, j), grid_point(i + 1, j)
            street_segment_upsert(street=street, from_number=base, to_number=base + 98,
                                  start=start, end=end)
            for offset in HOUSE_OFFSETS:
                f = offset / 98
                side = SIDE_OFFSET if offset % 2 else -SIDE_OFFSET
                address_upsert(
                    number=base + offset, street=street, city=CITY, postcode=POSTCODE,
                    lat=start[0] + side, lon=start[1] + f * (end[1] - start[1]),
                )
                addresses += 1
    for i, name in enumerate(AVENUES):
        avenue = street_get_or_create(name=name, city=CITY)
        for j in range(len(STREETS) - 1):
            base = (j + 1) * 100
            start, end = grid_point(i, j), grid_point(i, j + 1)
            street_segment_upsert(street=avenue, from_number=base, to_number=base + 98,
                                  start=start, end=end)
            for offset in HOUSE_OFFSETS:
                f = offset / 98
                side = SIDE_OFFSET if offset % 2 else -SIDE_OFFSET
                address_upsert(
                    number=base + offset, street=avenue, city=CITY, postcode=POSTCODE,
                    lat=start[0] + f * (end[0] - start[0]), lon=start[1] + side,
                )
                addresses += 1
    intersections = intersections_rebuild()
    return {"beats": Beat.objects.count(), "addresses": addresses, "intersections": intersections}
