"""A closed call is a record: it is corrected by supplements, never edited."""

import pytest
from django.test import Client

from calls import services
from calls.models import CallType, ChronologyEntry, Disposition
from records.models import AuditEntry
from tests.conftest import client_for, receive

LONGEST = 10_000


def new_call(by, address: str = "310 MAIN ST", code: str = "ROBBERY"):
    call_type = CallType.objects.get(code=code)
    return services.call_create(call_type=call_type, location={"address": address}, by=by)


def closed_call(by):
    call = new_call(by)
    return services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=by)


def supplements(call) -> str:
    return f"/api/v1/calls/{call.pk}/supplements/"


@pytest.fixture
def call(alice):
    return closed_call(alice)


@pytest.mark.parametrize("who", ["as_carol", "as_sam", "as_alice", "as_cpd_token"])
def test_a_clerk_a_supervisor_or_a_dispatcher_adds_a_supplement_to_a_closed_call(request, call, who):
    client = request.getfixturevalue(who)

    answer = client.post(supplements(call), {"text": "  Suspect's name is Lee, not Li.  "}, format="json")

    assert answer.status_code == 201, answer.content
    assert answer.json()["kind"] == "supplement"
    assert answer.json()["text"] == "Suspect's name is Lee, not Li."
    assert answer.json()["corrects"] is None


def test_a_partner_may_not_add_a_supplement(as_sheriff_token, call):
    answer = as_sheriff_token.post(supplements(call), {"text": "Ours now"}, format="json")

    assert answer.status_code == 403
    assert not ChronologyEntry.objects.filter(call=call, kind="supplement").exists()


def test_a_supplement_names_the_entry_it_corrects_with_its_time_and_kind(as_carol, call):
    closing = ChronologyEntry.objects.get(call=call, kind="closed")

    answer = as_carol.post(supplements(call), {"text": "Disposition was 04", "corrects": closing.pk},
                           format="json")

    assert answer.status_code == 201, answer.content
    assert answer.json()["corrects"]["id"] == closing.pk
    assert answer.json()["corrects"]["kind"] == "closed"


def test_a_supplement_cannot_correct_another_calls_entry(alice, as_carol, call):
    elsewhere = ChronologyEntry.objects.filter(call=new_call(alice, address="100 ELM ST")).first()

    answer = as_carol.post(supplements(call), {"text": "Wrong call", "corrects": elsewhere.pk}, format="json")

    assert answer.status_code == 400
    assert "corrects" in answer.json()
    assert not ChronologyEntry.objects.filter(kind="supplement").exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * (LONGEST + 1)])
def test_a_supplement_empty_or_too_long_is_refused_naming_the_text(as_carol, call, text):
    answer = as_carol.post(supplements(call), {"text": text}, format="json")

    assert answer.status_code == 400
    assert "text" in answer.json()


def test_a_supplement_of_the_longest_length_is_taken(as_carol, call):
    assert as_carol.post(supplements(call), {"text": "x" * LONGEST}, format="json").status_code == 201


def test_a_supplement_is_stamped_and_audited(carol, as_carol, call):
    answer = as_carol.post(supplements(call), {"text": "Added the plate"}, format="json",
                           REMOTE_ADDR="10.1.2.3")

    entry = AuditEntry.objects.filter(action="call.supplement").latest("pk")
    assert (entry.user, entry.source_ip, entry.object) == (carol, "10.1.2.3", f"call:{call.pk}")
    assert entry.detail["chronology_entry"] == answer.json()["id"]
    assert answer.json()["by"] == "clerk1" and answer.json()["at"]


def test_the_calls_detail_shows_the_supplement_in_its_chronology(as_carol, call):
    as_carol.post(supplements(call), {"text": "Added the plate"}, format="json")

    chronology = as_carol.get(f"/api/v1/calls/{call.pk}/").json()["chronology"]

    last = chronology[-1]
    assert (last["kind"], last["text"], last["by"]) == ("supplement", "Added the plate", "clerk1")


def test_a_supplement_works_on_an_open_call_and_is_announced_after_commit(
        alice, as_alice, console_channel, django_capture_on_commit_callbacks):
    call = new_call(alice)
    layer, name = console_channel
    with django_capture_on_commit_callbacks(execute=True):
        answer = as_alice.post(supplements(call), {"text": "Caller's callback is 555-0100"}, format="json")

    assert answer.status_code == 201
    message = receive(layer, name)
    assert message["event"] == "call.note"
    assert message["data"]["entry"]["kind"] == "supplement"


def test_a_patch_of_a_closed_call_is_a_409_saying_to_add_a_supplement(as_alice, call):
    answer = as_alice.patch(f"/api/v1/calls/{call.pk}/", {"narrative": "Rewritten"}, format="json")

    assert answer.status_code == 409
    assert "supplement" in answer.json()["detail"]
    call.refresh_from_db()
    assert call.narrative != "Rewritten"


def test_the_admins_call_page_shows_the_supplement_marked_as_such(carol, call):
    corrected = ChronologyEntry.objects.get(call=call, kind="closed")
    services.call_supplement_add(call=call, by=carol, text="Disposition was 04", corrects=corrected)
    clerk: Client = client_for(carol)

    page = clerk.get(f"/admin/calls/call/{call.pk}/change/").content.decode()

    assert "SUPPLEMENT" in page and "Disposition was 04" in page
    assert "SUPPLEMENT · corrects" in page
