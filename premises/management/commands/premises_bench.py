"""`python manage.py premises_bench`: import a generated 100,000-point CSV and time lookups over it.

Runs in a throwaway database (created, migrated, dropped) on whatever DATABASE_URL points at; the
CSV is a temporary file, removed afterwards.
"""

import os
import random
import tempfile
import time
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from cad.throwaway_db import throwaway_database
from premises import bench
from premises.importers import addresses_import, beats_import, read_csv
from premises.models import Address, Intersection, StreetSegment
from premises.selectors import place_at, place_search


class Command(BaseCommand):
    help = "Import a generated 100,000-point address CSV and time 200 lookups over it."

    def add_arguments(self, parser):
        parser.add_argument("--points", type=int, default=100_000)
        parser.add_argument("--lookups", type=int, default=200)
        parser.add_argument("--keep-db", action="store_true", help="leave the throwaway database")

    def handle(self, *args, points: int, lookups: int, keep_db: bool, **options):
        with throwaway_database("premises_bench", keep=keep_db):
            self._run(points, lookups)

    def _run(self, points: int, lookups: int) -> None:
        city = bench.city_for(points)
        self.stdout.write(f"database: {connection.vendor}")
        beats_import(bench.beats_geojson(city))
        handle, path = tempfile.mkstemp(suffix=".csv", prefix="openaddresses-")
        os.close(handle)
        try:
            rows = bench.write_csv(path, city, points)
            self.stdout.write(f"CSV: {rows} rows, {os.path.getsize(path) / 1e6:.1f} MB ({path})")
            for label in ("import", "re-import (same file)"):
                started = time.perf_counter()
                report = addresses_import(read_csv(path))
                seconds = time.perf_counter() - started
                self.stdout.write(f"{label}: {seconds:.1f} s  {report.summary()}")
        finally:
            os.remove(path)
        self.stdout.write(
            f"street file: {Address.objects.count()} addresses, {StreetSegment.objects.count()} segments, "
            f"{Intersection.objects.count()} intersections"
        )
        self._lookups(city, lookups)

    def _lookups(self, city: bench.City, count: int) -> None:
        rng = random.Random(9)
        samples: dict[str, list[float]] = defaultdict(list)
        found: dict[str, int] = defaultdict(int)
        queries = bench.lookup_queries(city, count)
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
        self.stdout.write(f"\nplace_search / place_at, {len(every)} lookups: {bench.summary(every)}")
        for kind, values in samples.items():
            self.stdout.write(
                f"  {kind:<13} {len(values):>3} ({found[kind]:>3} found)  {bench.summary(values)}")
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
        self.stdout.write(f"GET /api/v1/addresses/?q=, {len(api)} requests: {bench.summary(api)}")
