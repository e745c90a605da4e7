from premises.management.importing import ImportCommand
from premises.services import common_places_import, read_csv


class Command(ImportCommand):
    help = ("Import common places from a CSV (NAME, ADDRESS or LAT and LON, ALIASES separated by ;), "
            "e.g. CITY HALL, a school, a business.")

    def load(self, path, **options):
        return common_places_import(read_csv(path))
