from premises.management.importing import ImportCommand
from premises.services import read_csv, segments_import


class Command(ImportCommand):
    help = ("Import street blocks with address ranges from a CSV (STREET, FROM_NUMBER, TO_NUMBER, "
            "START_LAT, START_LON, END_LAT, END_LON); they replace lines derived from address points.")

    def load(self, path, **options):
        return segments_import(read_csv(path))
