import time

from django.core.management.base import BaseCommand, CommandError

from premises.importers import common_places_import, read_csv
from premises.management.commands.import_addresses import print_report


class Command(BaseCommand):
    help = ("Import common places from a CSV (NAME, ADDRESS or LAT and LON, ALIASES separated by ;), "
            "e.g. CITY HALL, a school, a business.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            report = common_places_import(read_csv(options["file"]))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        print_report(self, report, time.perf_counter() - started)
