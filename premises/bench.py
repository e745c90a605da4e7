"""The street file at city scale: a generated 100,000-point OpenAddresses CSV, imported, then looked up.

A grid city of numbered avenues (1ST AVE, 2ND AVE, …, north-south) and named streets (east-west),
beats in a 4 × 4 grid, about 20 points a block on both sides, a few hundred bad rows. Used by
`python manage.py premises_bench`; nothing here is kept (the CSV is a temporary file).
"""

import csv
import random
import statistics
from collections.abc import Iterator
from dataclasses import dataclass

from premises.normalize import ordinal

LAT0, LON0 = 39.0, -94.6
BLOCK_LAT, BLOCK_LON = 0.0018, 0.0025  # about 200 m each way
SIDE = 0.00012
NAMES = [
    "ASPEN", "BIRCH", "CHERRY", "DOGWOOD", "HAZEL", "JUNIPER", "LAUREL", "MAGNOLIA", "POPLAR",
    "REDBUD", "SPRUCE", "SYCAMORE", "TAMARACK", "WALNUT", "WILLOW", "HICKORY", "CHESTNUT", "LINDEN",
    "CYPRESS", "SEQUOIA", "ALDER", "BEECH", "HOLLY", "LOCUST", "MULBERRY", "OLIVE", "PECAN", "SASSAFRAS",
    "ACACIA", "BANYAN", "CATALPA", "ELDER", "GINKGO", "HAWTHORN", "LARCH", "MYRTLE", "PALMETTO",
    "QUINCE", "ROWAN", "SUMAC", "TUPELO", "YEW", "ALMOND", "BAYBERRY", "CEDAR", "FIR", "HEMLOCK",
    "IRONWOOD", "JASMINE", "KATSURA",
]
SUFFIXES = ["ST", "RD", "DR", "LN", "BLVD"]


@dataclass(frozen=True)
class City:
    streets: list[str]  # east-west, south to north
    avenues: list[str]  # north-south, west to east
    per_block: int

    def point(self, avenue: float, street: float) -> tuple[float, float]:
        return LAT0 + street * BLOCK_LAT, LON0 + avenue * BLOCK_LON


def city_for(points: int) -> City:
    size = 50
    streets = [f"{NAMES[i]} {SUFFIXES[i % len(SUFFIXES)]}" for i in range(size)]
    avenues = [f"{ordinal(i + 1)} AVE" for i in range(size)]
    blocks = 2 * size * (size - 1)
    return City(streets, avenues, max(2, -(-points // blocks)))


def address_rows(city: City, points: int, *, bad_every: int = 400) -> Iterator[dict]:
    """Rows of an OpenAddresses CSV: every block numbered from (block + 1) × 100, odd numbers on
    the north / east side, and now and then a bad row (no coordinates, a number like 12A)."""
    made = 0
    step = max(2, 98 // city.per_block)
    lines = [(name, True, j) for j, name in enumerate(city.streets)] + [
        (name, False, i) for i, name in enumerate(city.avenues)]
    for name, east_west, index in lines:
        for block in range(len(city.avenues if east_west else city.streets) - 1):
            base = (block + 1) * 100
            for k in range(city.per_block):
                if made >= points:
                    return
                offset = 2 + k * step // 2 * 2 + (k % 2)
                offset = min(offset, 97)
                f = offset / 100
                side = SIDE if offset % 2 else -SIDE
                if east_west:
                    lat, lon = city.point(block + f, index)
                    lat += side
                else:
                    lat, lon = city.point(index, block + f)
                    lon += side
                made += 1
                row = {"LON": f"{lon:.7f}", "LAT": f"{lat:.7f}", "NUMBER": str(base + offset),
                       "STREET": name.title(), "UNIT": "", "CITY": "BENCH CITY", "POSTCODE": "64000"}
                if made % bad_every == 0:
                    row = {**row, "LAT": ""} if made % (2 * bad_every) else {**row, "NUMBER": f"{base}A"}
                yield row


def write_csv(path: str, city: City, points: int) -> int:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["LON", "LAT", "NUMBER", "STREET", "UNIT", "CITY",
                                                     "POSTCODE"])
        writer.writeheader()
        count = 0
        for row in address_rows(city, points):
            writer.writerow(row)
            count += 1
    return count


def beats_geojson(city: City, across: int = 4) -> dict:
    features = []
    width, height = len(city.avenues) / across, len(city.streets) / across
    for row in range(across):
        for column in range(across):
            (lat0, lon0) = city.point(column * width - 0.5, row * height - 0.5)
            (lat1, lon1) = city.point((column + 1) * width - 0.5, (row + 1) * height - 0.5)
            ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
            features.append({"type": "Feature", "properties": {"beat": f"B{row * across + column + 1}"},
                             "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}


def lookup_queries(city: City, count: int, seed: int = 4) -> list[tuple[str, str]]:
    """(kind, what a call-taker types), a mix of what call entry sees."""
    rng = random.Random(seed)
    queries: list[tuple[str, str]] = []
    step = max(2, 98 // city.per_block)
    while len(queries) < count:
        street = rng.choice(city.streets)
        avenue = rng.choice(city.avenues)
        block = rng.randrange(1, 40)
        k = rng.randrange(city.per_block)
        number = (block * 100) + min(2 + k * step // 2 * 2 + (k % 2), 97)
        queries += [
            ("address", f"{number} {street.lower().replace(' st', ' street')}"),
            ("prefix", f"{number} {street[:3]}"),
            ("interpolated", f"{block * 100 + 99 - 1} {avenue}"),
            ("intersection", f"{street.split()[0].lower()} and {avenue.split()[0].lower()}"),
            ("intersection", f"{avenue} / {street}"),
            ("street", street.split()[0]),
            ("misspelled", f"{number} {street[:2]}{street[3:]}"),
            ("coordinates", ""),
        ]
    return queries[:count]


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(samples):6.2f} ms  p95 {p95:6.2f} ms  worst {max(samples):6.2f} ms"
