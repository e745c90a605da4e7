"""The street file at city scale: a generated 100,000-point OpenAddresses CSV, imported, then looked up.

A grid city of numbered avenues (1ST AVE, 2ND AVE, …, north-south) and named streets (east-west),
beats in a 4 × 4 grid, about 20 points a block on both sides, a few hundred bad rows. Run by
`python manage.py bench --street-file` in a throwaway database; nothing here is kept (the CSV is a
temporary file), and nothing here is imported by the running system.
"""

import csv
import os
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from cad.bench import summary
from premises.models import Address, Intersection, StreetSegment
from premises.normalize import ordinal
from premises.selectors import place_at, place_search
from premises.services import addresses_import, beats_import, read_csv

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


def street_file_bench(write: Callable[[str], None], *, points: int, lookups: int) -> None:
    """Import a generated `points`-point OpenAddresses CSV (twice: the second run updates, never
    doubles), then time `lookups` lookups through the selectors and through the API."""
    city = city_for(points)
    write(f"database: {connection.vendor}")
    beats_import(beats_geojson(city))
    handle, path = tempfile.mkstemp(suffix=".csv", prefix="openaddresses-")
    os.close(handle)
    try:
        rows = write_csv(path, city, points)
        write(f"CSV: {rows} rows, {os.path.getsize(path) / 1e6:.1f} MB ({path})")
        for label in ("import", "re-import (same file)"):
            started = time.perf_counter()
            report = addresses_import(read_csv(path))
            seconds = time.perf_counter() - started
            write(f"{label}: {seconds:.1f} s  {report.summary()}")
    finally:
        os.remove(path)
    write(
        f"street file: {Address.objects.count()} addresses, {StreetSegment.objects.count()} segments, "
        f"{Intersection.objects.count()} intersections"
    )
    _lookups(write, city, lookups)


def _lookups(write: Callable[[str], None], city: City, count: int) -> None:
    rng = random.Random(9)
    samples: dict[str, list[float]] = defaultdict(list)
    found: dict[str, int] = defaultdict(int)
    queries = lookup_queries(city, count)
    place_search("1 ASPEN ST")  # connection and caches warm
    for kind, text in queries:
        started = time.perf_counter()
        if kind == "coordinates":
            lat, lon = city.point(rng.uniform(0, 49), rng.uniform(0, 49))
            result = [place_at(lat, lon)]
        else:
            result = place_search(text)
        samples[kind].append((time.perf_counter() - started) * 1000)
        found[kind] += bool(result)
    every = [s for values in samples.values() for s in values]
    write(f"\nplace_search / place_at, {len(every)} lookups: {summary(every)}")
    for kind, values in samples.items():
        write(f"  {kind:<13} {len(values):>3} ({found[kind]:>3} found)  {summary(values)}")
    user = get_user_model().objects.create_superuser("bench", password=None)
    client = Client(SERVER_NAME="localhost")  # an allowed host outside the test runner
    client.force_login(user)
    api = []
    for kind, text in queries:
        if kind == "coordinates":
            continue
        started = time.perf_counter()
        response = client.get("/api/v1/addresses/", {"q": text})
        api.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise CommandError(f"{text!r}: HTTP {response.status_code} {response.content[:200]!r}")
    write(f"GET /api/v1/addresses/?q=, {len(api)} requests: {summary(api)}")
