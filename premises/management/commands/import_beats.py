import json

from premises.management.importing import ImportCommand
from premises.services import beats_import


class Command(ImportCommand):
    help = ("Import beats from a GeoJSON FeatureCollection of Polygon / MultiPolygon features with a "
            "code property (code, beat, id or name); addresses are then placed in their new beats.")

    def load(self, path, **options):
        with open(path, encoding="utf-8-sig") as handle:
            return beats_import(json.load(handle))
