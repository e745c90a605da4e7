"""POST/GET inquiries/ and attaching a hit to a call, as a console or a program uses them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import ChronologyEntry
from records.inquiries import services
from records.models import AuditEntry
from tests.conftest import client_for
from tests.records.inquiries import wanted
from tests.records.test_supplements import new_call

URL = "/api/v1/inquiries/"


def ask(client, last: str) -> dict:
    return client.post(URL, {"kind": "person", "last": last, "purpose": "C"}, format="json").json()


def test_a_person_inquiry_answers_201_with_the_hits_and_their_caution_codes(as_alice, carol):
    warrant = wanted(carol)

    answer = as_alice.post(URL, {"kind": "person", "last": "Quillfeather", "first": "Orson",
                                 "dob": "1981-03-09", "purpose": "C", "reason": "traffic stop"},
                           format="json")

    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["user"] == "dispatcher1"
    assert body["purpose"] == "C" and body["hit_count"] == 1
    assert body["terms"] == {"last": "QUILLFEATHER", "first": "ORSON", "dob": "1981-03-09"}
    [hit] = body["hits"]
    assert hit["type"] == "warrant" and hit["source"] == "Local records" and hit["simulated"] is False
    assert hit["caution_codes"] == ["ARMED", "VIOLENT"]
    assert hit["ids"] == {"warrant": warrant.pk, "person": warrant.person_id}
    assert AuditEntry.objects.filter(action="inquiry", object=f"inquiry:{body['id']}", outcome="ok").exists()


def test_a_vehicle_inquiry_of_the_simulated_plate_says_simulated(as_alice):
    answer = as_alice.post(URL, {"kind": "vehicle", "plate": "KS 4471", "state": "KS", "purpose": "C"},
                           format="json")

    assert answer.status_code == 201, answer.content
    [hit] = answer.json()["hits"]
    assert hit["simulated"] is True
    assert hit["source"] == "Simulated state system (not a real MULES/NCIC connection)"


def test_a_vehicle_inquiry_by_vin(as_alice):
    answer = as_alice.post(URL, {"kind": "vehicle", "vin": "2T1BURHE5JC034461", "purpose": "C"},
                           format="json")

    assert answer.status_code == 201, answer.content
    assert [h["type"] for h in answer.json()["hits"]] == ["stolen_vehicle"]


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "vehicle", "plate": "ABC*123", "state": "MO", "purpose": "C"}, "plate"),
    ({"kind": "vehicle", "plate": "ABCDEFGHJ", "state": "MO", "purpose": "C"}, "plate"),
    ({"kind": "vehicle", "vin": "1HGCM82633A004351", "purpose": "C"}, "vin"),
    ({"kind": "vehicle", "plate": "ABC123", "state": "ZZ", "purpose": "C"}, "state"),
    ({"kind": "vehicle", "plate": "ABC123", "state": "MO"}, "purpose"),
    ({"kind": "vehicle", "plate": "ABC123", "state": "MO", "purpose": ""}, "purpose"),
    ({"kind": "vehicle", "purpose": "C"}, "plate"),
    ({"kind": "person", "last": "SMITH", "dob": "2999-01-01", "purpose": "C"}, "dob"),
    ({"kind": "person", "last": "SMITH", "dob": "1980-13-45", "purpose": "C"}, "dob"),
    ({"kind": "person", "first": "JOHN", "purpose": "C"}, "last"),
    ({"kind": "boat", "last": "SMITH", "purpose": "C"}, "kind"),
])
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_kept(as_alice, body, field):
    before = AuditEntry.objects.filter(action="inquiry").count()

    answer = as_alice.post(URL, body, format="json")

    assert answer.status_code == 400, answer.content
    assert field in answer.json(), answer.json()
    assert AuditEntry.objects.filter(action="inquiry").count() == before


def test_the_purpose_missing_says_what_to_give(as_alice):
    answer = as_alice.post(URL, {"kind": "person", "last": "SMITH"}, format="json")

    assert answer.status_code == 400
    assert "Give the purpose" in answer.json()["purpose"][0]


def test_a_partners_token_may_not_make_or_read_inquiries(as_sheriff_token):
    assert as_sheriff_token.post(URL, {"kind": "person", "last": "SMITH", "purpose": "C"},
                                 format="json").status_code == 403
    assert as_sheriff_token.get(URL).status_code == 403


def test_a_dispatcher_lists_their_own_inquiries_and_a_supervisor_everyones(as_alice, as_sam, bob):
    mine = as_alice.post(URL, {"kind": "person", "last": "LISTME", "purpose": "C"}, format="json").json()
    theirs = client_for(bob).post(URL, {"kind": "person", "last": "LISTME", "purpose": "J"},
                                  format="json").json()

    alice_sees = {i["id"] for i in as_alice.get(URL).json()["results"]}
    sam_sees = {i["id"] for i in as_sam.get(URL, {"page_size": 500}).json()["results"]}
    assert mine["id"] in alice_sees and theirs["id"] not in alice_sees
    assert {mine["id"], theirs["id"]} <= sam_sees
    assert as_alice.get(f"{URL}{theirs['id']}/").status_code == 404


def test_attaching_a_hit_adds_a_chronology_line_to_the_call(as_alice, alice, carol):
    wanted(carol)
    call = new_call(alice)
    inquiry = ask(as_alice, "QUILLFEATHER")

    answer = as_alice.post(f"{URL}{inquiry['id']}/attach/", {"call": call.pk, "hit": 0}, format="json")

    assert answer.status_code == 201, answer.content
    line = ChronologyEntry.objects.get(pk=answer.json()["id"])
    assert line.call_id == call.pk
    assert "CAUTION ARMED, VIOLENT" in line.text and "T-26-0001" in line.text
    detail = as_alice.get(f"/api/v1/calls/{call.pk}/").json()
    assert any("T-26-0001" in entry["text"] for entry in detail["chronology"])


def test_attaching_a_hit_that_is_not_there_is_a_400(as_alice, alice):
    call = new_call(alice)
    inquiry = ask(as_alice, "NOBODYKNOWN")

    answer = as_alice.post(f"{URL}{inquiry['id']}/attach/", {"call": call.pk, "hit": 0}, format="json")

    assert answer.status_code == 400
    assert "hit" in answer.json()


def test_a_missing_person_is_a_hit_over_the_api(as_alice, carol):
    born = timezone.localdate() - timedelta(days=4000)
    services.missing_person_enter(last="Quenby", first="Lark", dob=born,
                                  category="runaway", missing_since=timezone.now() - timedelta(hours=5),
                                  last_seen="Bus station", by=carol)

    answer = as_alice.post(URL, {"kind": "person", "last": "QUENBY", "purpose": "C"}, format="json")

    assert [h["type"] for h in answer.json()["hits"]] == ["missing_person"]


def test_an_officer_at_the_unit_terminal_runs_inquiries_but_puts_no_hit_on_a_call(carol, alice,
                                                                                  django_user_model):
    wanted(carol)
    call = new_call(alice)
    officer = client_for(django_user_model.objects.get(username="officer1"))

    answer = officer.post(URL, {"kind": "person", "last": "Quillfeather", "purpose": "C"}, format="json")

    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["user"] == "officer1" and body["hits"][0]["caution_codes"] == ["ARMED", "VIOLENT"]
    entry = AuditEntry.objects.get(action="inquiry", object=f"inquiry:{body['id']}")
    assert entry.user.username == "officer1" and entry.detail["purpose"] == "C"
    assert [i["id"] for i in officer.get(URL).json()["results"]] == [body["id"]]
    refused = officer.post(f"{URL}{body['id']}/attach/", {"call": call.pk, "hit": 0}, format="json")
    assert refused.status_code == 403
    assert not ChronologyEntry.objects.filter(call=call, text__contains="Inquiry hit").exists()
