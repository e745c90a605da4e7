"""What real files hold: the same address in two towns, digits that are not ASCII, control
characters, huge fields, beat boundaries drawn wrong. One bad row never aborts an import."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from premises.geo import BeatLocator
from premises.models import Address, Beat
from premises.services import addresses_import, beats_import, read_csv

HEADER = "LON,LAT,NUMBER,STREET,UNIT,CITY,POSTCODE\n"


def import_text(tmp_path, text: str) -> str:
    path = tmp_path / "addresses.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_addresses", str(path), stdout=out)
    return out.getvalue()


def test_the_same_address_in_two_towns_is_reported_as_a_conflict_and_the_first_kept(db, tmp_path):
    out = import_text(tmp_path, HEADER + "-97.0,42.0,100,River Rd,,TOWN A,\n"
                                         "-97.3,42.2,100,River Rd,,TOWN B,\n"
                                         "-97.0,42.0,100,River Rd,,TOWN A,\n")

    assert "3 rows: 1 new, 0 updated, 1 duplicates, 0 bad, 1 conflicts" in out
    assert "conflict, line 3: 100 RIVER RD (TOWN B) is" in out and "line 2 kept" in out
    point = Address.objects.get(label="100 RIVER RD")
    assert (point.lon, point.city) == (-97.0, "TOWN A")


@pytest.mark.parametrize("number", ["²", "１２", "٣"])
def test_a_number_that_is_not_ascii_digits_is_a_bad_row(db, number):
    report = addresses_import(read_csv(io.StringIO(
        HEADER + f"-97.0,42.0,{number},Oak Ln,,TOWN,\n-97.0,42.0,12,Oak Ln,,TOWN,\n")))

    assert (report.created, report.bad_rows) == (1, 1)
    assert report.bad_examples == [(2, "NUMBER is not a whole house number")]


def test_a_control_character_is_a_bad_row_with_its_field_named(db):
    report = addresses_import(read_csv(io.StringIO(
        HEADER + "-97.0,42.0,12,Oak Ln,,TO\x00WN,\n-97.0,42.0,14,Oak Ln,,TOWN,\n")))

    assert (report.created, report.bad_examples) == (1, [(2, "control character in CITY")])


def test_a_huge_field_is_a_bad_row_not_a_crash(db, tmp_path):
    huge = "X" * 200_000
    out = import_text(tmp_path, HEADER + f"-97.0,42.0,12,{huge},,TOWN,\n-97.0,42.0,14,Oak Ln,,TOWN,\n")

    assert "2 rows: 1 new" in out and "line 2: STREET too long" in out


SQUARE = [[-94.30, 39.00], [-94.27, 39.00], [-94.27, 39.02], [-94.30, 39.02], [-94.30, 39.00]]
FLAT = {"type": "Polygon", "coordinates": SQUARE}  # a ring where a list of rings belongs


def test_a_malformed_beat_boundary_is_refused_by_the_importer(db):
    report = beats_import({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "BAD"}, "geometry": FLAT},
        {"type": "Feature", "properties": {"code": "GOOD"},
         "geometry": {"type": "Polygon", "coordinates": [SQUARE]}},
        "not a feature",
    ]})

    assert (report.created, report.bad_rows) == (1, 2)
    assert not Beat.objects.filter(code="BAD").exists()


def test_a_malformed_beat_boundary_is_refused_in_the_admin(admin_user):
    client = Client()
    client.force_login(admin_user)

    response = client.post("/admin/premises/beat/add/", {"code": "BAD", "name": "Bad",
                                                          "boundary": json.dumps(FLAT)})

    assert response.status_code == 200 and "Not a GeoJSON Polygon" in response.content.decode()
    assert not Beat.objects.filter(code="BAD").exists()


def test_a_malformed_beat_already_saved_does_not_break_lookups_or_calls(as_alice):
    Beat.objects.create(code="BAD", name="Bad", boundary=FLAT)

    assert BeatLocator(Beat.objects.all())(39.01, -94.2845).code != "BAD"
    assert as_alice.get("/api/v1/addresses/", {"q": "310 main"}).status_code == 200
    response = as_alice.post("/api/v1/calls/", {"call_type": "SUSP", "location": {
        "lat": 39.0100, "lon": -94.2845}}, format="json")
    assert response.status_code == 201, response.content
