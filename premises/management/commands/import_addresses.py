from premises.management.importing import ImportCommand
from premises.services import addresses_import, read_csv


class Command(ImportCommand):
    help = ("Import address points from an OpenAddresses-style CSV (LON, LAT, NUMBER, STREET, UNIT, "
            "CITY, POSTCODE). Bad rows are reported and skipped; running it again updates, never doubles.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-derive-segments", action="store_true",
                            help="do not draw street lines between the points (a segment file follows)")

    def load(self, path, **options):
        return addresses_import(read_csv(path), derive_segments=not options["no_derive_segments"])
