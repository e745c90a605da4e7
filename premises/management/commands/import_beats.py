import json
import time

from django.core.management.base import BaseCommand, CommandError

from premises.importers import beats_import
from premises.management.commands.import_addresses import print_report


class Command(BaseCommand):
    help = ("Import beats from a GeoJSON FeatureCollection of Polygon / MultiPolygon features with a "
            "code property (code, beat, id or name); addresses are then placed in their new beats.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            with open(options["file"], encoding="utf-8-sig") as handle:
                collection = json.load(handle)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        report = beats_import(collection)
        if report.rows == 0 and report.bad_rows:
            raise CommandError(report.bad_examples[0][1])
        print_report(self, report, time.perf_counter() - started)
