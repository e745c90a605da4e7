"""Importing a street file: OpenAddresses CSV, GeoJSON beats, lines and corners derived from points."""

import io
import json

import pytest
from django.core.management import call_command

from premises.models import Address, Beat, Intersection, StreetSegment
from premises.selectors import place_resolve, place_search
from premises.services import addresses_import, beats_import, read_csv

# A little town far from the demo city: RIVER RD runs east, 1 point every ~20 m; HILL ST runs north
# and crosses it at lon -95.0 without a house at the corner.
LAT, LON = 40.0, -95.0
CSV = """lon,lat,Number,STREET,unit,City,postcode
-95.0010,40.0001,101,River Road,,Rivertown,66000
-95.0008,39.9999,110,RIVER RD,,Rivertown,66000
-95.0004,40.0001,121,river road,,Rivertown,66000
-95.0004,40.0001,121,river road,Apt 2,Rivertown,66000
-95.0000,39.9999,140,River Rd,,Rivertown,66000
-94.9990,40.0001,161,River Rd,,Rivertown,66000
-95.0001,39.9985,10,Hill Street,,Rivertown,66000
-94.9999,39.9995,20,Hill Street,,Rivertown,66000
-95.0001,40.0005,30,Hill Street,,Rivertown,66000
-94.9999,40.0015,40,Hill Street,,Rivertown,66000
,40.0001,170,River Rd,,Rivertown,66000
-95.0,abc,171,River Rd,,Rivertown,66000
-95.0,40.0,12A,River Rd,,Rivertown,66000
-95.0,40.0,,River Rd,,Rivertown,66000
-95.0,40.0,172,,,Rivertown,66000
0,0,173,River Rd,,Rivertown,66000
-95.0,40.0,174,River Rd,THIS UNIT NAME IS FAR TOO LONG,Rivertown,66000
"""


def import_csv(tmp_path, text: str = CSV) -> str:
    path = tmp_path / "addresses.csv"
    path.write_text(text)
    out = io.StringIO()
    call_command("import_addresses", str(path), stdout=out)
    return out.getvalue()


def test_it_imports_good_rows_and_reports_the_bad_ones(db, tmp_path):
    before = Address.objects.count()

    out = import_csv(tmp_path)

    assert Address.objects.count() == before + 10
    assert "17 rows: 10 new, 0 updated, 0 duplicates, 7 bad" in out
    assert "2 × bad or missing LAT/LON" in out
    assert "NUMBER is not a whole house number" in out
    assert "missing STREET" in out and "missing NUMBER" in out and "UNIT too long" in out
    assert "line 12: bad or missing LAT/LON" in out
    river = Address.objects.get(label="121 RIVER RD APT 2")
    assert (river.city, river.postcode, river.unit) == ("RIVERTOWN", "66000", "APT 2")


def test_importing_again_updates_and_never_doubles(db, tmp_path):
    import_csv(tmp_path)
    count = Address.objects.count()
    moved = CSV.replace("-95.0010,40.0001,101", "-95.0011,40.0002,101")

    out = import_csv(tmp_path, moved)

    assert Address.objects.count() == count
    assert "0 new, 10 updated" in out
    assert place_resolve("101 river rd").lon == -95.0011


def test_a_number_between_imported_points_is_placed_between_its_neighbours(db, tmp_path):
    import_csv(tmp_path)
    below, above = place_resolve("121 RIVER RD"), place_resolve("140 RIVER RD")

    place = place_resolve("130 river road")

    assert place.kind == "interpolated" and place.address == "130 RIVER RD"
    assert below.lon < place.lon < above.lon
    assert min(below.lat, above.lat) < place.lat < max(below.lat, above.lat)
    assert StreetSegment.objects.filter(street__name="RIVER RD", derived=True).count() == 4
    assert place_resolve("5000 RIVER RD") is None


def test_streets_that_cross_between_their_points_get_an_intersection(db, tmp_path):
    import_csv(tmp_path)

    corner = place_resolve("river and hill")

    assert corner is not None and corner.address == "RIVER RD / HILL ST"
    assert abs(corner.lat - LAT) < 0.0003 and abs(corner.lon - LON) < 0.0003
    assert Intersection.objects.filter(street_a__name="HILL ST", street_b__name="RIVER RD").count() == 1


def test_the_same_rows_in_memory_go_through_the_same_importer(db):
    report = addresses_import(read_csv(io.StringIO(CSV)))

    assert (report.created, report.bad_rows, report.duplicates) == (10, 7, 0)
    assert place_search("161 river")[0].address == "161 RIVER RD"


def square(lon0, lat0, lon1, lat1):
    return [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]]


def test_beats_come_from_geojson_and_addresses_move_into_them(db, tmp_path):
    import_csv(tmp_path)
    west = {"type": "Feature", "properties": {"Beat": "R1", "Name": "River west"},
            "geometry": {"type": "Polygon", "coordinates": square(-95.01, 39.99, -95.0005, 40.01)}}
    east = {"type": "Feature", "properties": {"code": "R2"},
            "geometry": {"type": "MultiPolygon", "coordinates": [square(-95.0005, 39.99, -94.99, 40.01),
                                                                 square(-94.9, 39.9, -94.8, 40.0)]}}
    line = {"type": "Feature", "properties": {"code": "X"},
            "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}
    path = tmp_path / "beats.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [west, east, line]}))
    out = io.StringIO()

    call_command("import_beats", str(path), stdout=out)

    assert "3 rows: 2 new, 0 updated" in out.getvalue() and "1 bad" in out.getvalue()
    assert Beat.objects.get(code="R1").name == "River west"
    assert Address.objects.get(label="101 RIVER RD").beat.code == "R1"
    assert Address.objects.get(label="161 RIVER RD").beat.code == "R2"
    assert place_search("river and hill")[0].beat.code == "R2"
    assert place_resolve("105 river rd").beat.code == "R1"


def test_a_file_that_is_not_a_feature_collection_is_refused(db):
    report = beats_import({"type": "Feature"})
    assert report.bad_rows == 1 and report.created == 0


def test_a_missing_file_is_a_clean_error(db):
    with pytest.raises(Exception, match="Cannot read"):
        call_command("import_addresses", "/nonexistent.csv", stdout=io.StringIO())


def test_the_demo_city_is_built_through_the_importers(db):
    assert StreetSegment.objects.filter(street__name="MAIN ST", derived=False).count() == 7
    assert not StreetSegment.objects.filter(street__name="MAIN ST", derived=True).exists()
    assert Intersection.objects.count() == 48
    assert Address.objects.filter(city="DEMO CITY").count() == 656
