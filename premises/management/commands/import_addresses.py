import time

from django.core.management.base import BaseCommand, CommandError

from premises.importers import ImportReport, addresses_import, read_csv


def print_report(command: BaseCommand, report: ImportReport, seconds: float) -> None:
    command.stdout.write(f"{report.summary()} in {seconds:.1f} s.")
    for reason, count in report.bad.most_common():
        command.stdout.write(f"  bad: {count} × {reason}")
    for line, reason in report.bad_examples:
        command.stdout.write(f"  line {line}: {reason}")
    for line, reason in report.conflict_examples:
        command.stdout.write(f"  conflict, line {line}: {reason}")


class Command(BaseCommand):
    help = ("Import address points from an OpenAddresses-style CSV (LON, LAT, NUMBER, STREET, UNIT, "
            "CITY, POSTCODE). Bad rows are reported and skipped; running it again updates, never doubles.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--no-derive-segments", action="store_true",
                            help="do not draw street lines between the points (a segment file follows)")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            report = addresses_import(read_csv(options["file"]),
                                      derive_segments=not options["no_derive_segments"])
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        print_report(self, report, time.perf_counter() - started)
