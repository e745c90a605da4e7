"""A dispatcher enters a stolen vehicle or a missing person over the API, checked as the national
formats have it; an inquiry finds them from then on; partners' programs cannot."""

from django.contrib.auth import get_user_model

from records.inquiries.models import MissingPerson, Vehicle
from records.models import AuditEntry
from tests.conftest import token_client

STOLEN = "/api/v1/vehicles/stolen/"
MISSING = "/api/v1/missing-persons/"


def test_a_dispatcher_enters_a_stolen_vehicle_that_an_inquiry_then_finds(as_alice):
    answer = as_alice.post(STOLEN, {"plate": "abc-123", "state": "mo", "year": 2017, "make": "Ford",
                                    "model": "F-150", "colour": "red", "case_number": "26-4410"},
                           format="json")

    assert answer.status_code == 201, answer.content
    vehicle = answer.json()
    assert (vehicle["plate"], vehicle["plate_state"]) == ("ABC123", "MO") and vehicle["stolen_at"]
    assert AuditEntry.objects.get(action="vehicle.stolen").user.username == "dispatcher1"
    found = as_alice.post("/api/v1/inquiries/", {"kind": "vehicle", "plate": "ABC123", "state": "MO",
                                                 "purpose": "C"}, format="json").json()
    assert [h["type"] for h in found["hits"]] == ["stolen_vehicle"]


def test_a_dispatcher_enters_a_missing_person(as_alice):
    answer = as_alice.post(MISSING, {"last": "Lind", "first": "Nora", "dob": "2014-05-02",
                                     "category": "endangered", "missing_since": "2026-12-01T18:00:00Z",
                                     "last_seen": "Harmon Park"}, format="json")

    assert answer.status_code == 201, answer.content
    assert answer.json()["last_name"] == "LIND"
    assert AuditEntry.objects.filter(action="missing_person.enter").count() == 1


def test_bad_input_is_a_400_naming_the_field_and_nothing_is_entered(as_alice):
    bad_vin = as_alice.post(STOLEN, {"vin": "1HGCM82633A004353"}, format="json")
    bad_plate = as_alice.post(STOLEN, {"plate": "TOO-LONG-PLATE", "state": "MO"}, format="json")
    no_state = as_alice.post(STOLEN, {"plate": "ABC123"}, format="json")
    future = as_alice.post(MISSING, {"last": "Lind", "first": "Nora", "dob": "2099-01-01",
                                     "category": "lost", "missing_since": "2026-12-01T18:00:00Z",
                                     "last_seen": "Harmon Park"}, format="json")

    assert bad_vin.status_code == 400 and "check digit" in bad_vin.json()["vin"][0]
    assert bad_plate.status_code == 400 and "plate" in bad_plate.json()
    assert no_state.status_code == 400 and "state" in no_state.json()
    assert future.status_code == 400 and future.json()["dob"] == ["A date of birth cannot be in the future."]
    assert not Vehicle.objects.filter(plate="ABC123").exists()
    assert not MissingPerson.objects.filter(last_name="LIND").exists()


def test_partners_programs_cannot_enter_them(db):
    nfpd = token_client("NFPD")
    assert nfpd.post(STOLEN, {"plate": "ABC123", "state": "MO"}, format="json").status_code == 403
    assert not Vehicle.objects.filter(plate="ABC123").exists()


def png(colour=(200, 30, 30)) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG")
    return out.getvalue()


def entered(client) -> dict:
    return client.post(MISSING, {"last": "Lind", "first": "Nora", "dob": "2014-05-02",
                                 "category": "endangered", "missing_since": "2026-12-01T18:00:00Z",
                                 "last_seen": "Harmon Park"}, format="json").json()


def test_a_missing_persons_photo_is_shown_with_the_hit_to_staff_and_officers_only(as_alice, settings,
                                                                                  tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    settings.MEDIA_ROOT = tmp_path
    person = entered(as_alice)
    answer = as_alice.put(f"{MISSING}{person['id']}/photo/",
                          {"photo": SimpleUploadedFile("nora.png", png(), "image/png")}, format="multipart")

    assert answer.status_code == 200, answer.content
    url = answer.json()["photo_url"]
    assert url.startswith("/records/photos/missing/") and "nora" not in url  # its own name is not kept
    hits = as_alice.post("/api/v1/inquiries/", {"kind": "person", "last": "LIND", "first": "NORA",
                                                "purpose": "C"}, format="json").json()["hits"]
    assert [h["photo"] for h in hits] == [url]
    assert AuditEntry.objects.filter(action="missing_person.change").count() == 1
    shown = as_alice.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content) == png()
    officer = Client()
    officer.force_login(get_user_model().objects.get(username="officer1"))
    assert officer.get(url).status_code == 200
    assert Client().get(url).status_code == 302  # signed out: to the sign-in page
    assert token_client("NFPD").get(url).status_code in (302, 403)
    assert as_alice.get("/records/photos/missing/not-a-photo.png").status_code == 404


def test_a_file_that_is_not_an_image_is_refused_and_the_record_kept(as_alice, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    person = entered(as_alice)
    answer = as_alice.put(f"{MISSING}{person['id']}/photo/",
                          {"photo": SimpleUploadedFile("nora.png", b"<svg onload=alert(1)>", "image/png")},
                          format="multipart")

    assert answer.status_code == 400 and "photo" in answer.json()
    assert MissingPerson.objects.get(pk=person["id"]).photo == ""
    assert not list(tmp_path.rglob("*.png"))


def test_a_future_date_of_birth_is_named_with_the_fields_left_empty(as_alice):
    answer = as_alice.post(MISSING, {"last": "Lind", "first": "Nora", "dob": "2099-01-01"}, format="json")

    assert answer.status_code == 400
    assert answer.json()["dob"] == ["A date of birth cannot be in the future."]
    assert "last_seen" in answer.json()
