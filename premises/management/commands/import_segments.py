import time

from django.core.management.base import BaseCommand, CommandError

from premises.importers import read_csv, segments_import
from premises.management.commands.import_addresses import print_report


class Command(BaseCommand):
    help = ("Import street blocks with address ranges from a CSV (STREET, FROM_NUMBER, TO_NUMBER, "
            "START_LAT, START_LON, END_LAT, END_LON); they replace lines derived from address points.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            report = segments_import(read_csv(options["file"]))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        print_report(self, report, time.perf_counter() - started)
