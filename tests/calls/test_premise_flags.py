"""Premise flags kept with the call: attached as they read when the location was entered, carried in
the API and the stream, confidential text only to the center's staff with each read recorded."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cad.history import AppendOnlyError
from cad.models import Agency, Event
from calls import services
from calls.models import CallPremiseFlag, CallType
from calls.services.flags import FLAG_READ_AGAIN_AFTER
from premises.choices import FlagKind
from premises.models import Address, PremiseFlag, PremiseFlagRead
from premises.services import premise_flag_approve, premise_flag_save
from tests.conftest import client_for, token_client

CALLS = "/api/v1/calls/"


def flag_at(label: str, **fields) -> PremiseFlag:
    fields.setdefault("kind", FlagKind.OFFICER_SAFETY)
    fields.setdefault("text", "Pit bull loose in the yard")
    return premise_flag_save(flag=PremiseFlag(address=Address.objects.get(label=label), **fields), by=None)


def new_call(by, address: str, code: str = "DISORD"):
    call_type = CallType.objects.get(code=code)
    return services.call_create(call_type=call_type, location={"address": address}, by=by)


def texts(response_json) -> list:
    return [f["text"] for f in response_json["premise_flags"]]


def test_a_new_call_carries_its_addresses_flags_hazards_first(alice, as_alice):
    flag_at("310 ELM ST", kind=FlagKind.ACCESS, text="Gate code 1234")
    flag_at("310 ELM ST", text="Dog on a chain")

    call = new_call(alice, "310 elm street")

    body = as_alice.get(f"{CALLS}{call.pk}/").json()
    assert [(f["kind"], f["text"]) for f in body["premise_flags"]] == [
        ("officer_safety", "Dog on a chain"), ("access", "Gate code 1234")]
    assert body["premise_flags"][0]["where"] == "310 ELM ST"
    entry = [e for e in body["chronology"] if e["kind"] == "premise_flags"]
    assert [e["text"] for e in entry] == [
        "2 premise flags attached: officer-safety hazard, access (gate code, key box)"]
    assert entry[0]["by"] == "dispatcher1"


def test_a_call_with_no_flags_says_so_with_an_empty_list(alice, as_alice):
    call = new_call(alice, "310 MAIN ST")

    body = as_alice.get(f"{CALLS}{call.pk}/").json()
    assert body["premise_flags"] == []
    assert not [e for e in body["chronology"] if e["kind"] == "premise_flags"]


def test_the_call_keeps_the_flag_as_it_read_when_attached(alice, as_alice):
    flag = flag_at("310 ELM ST", text="Dog on a chain")
    call = new_call(alice, "310 ELM ST")

    flag.text = "Dog moved away"
    premise_flag_save(flag=flag, by=None, changed=["text"])

    assert texts(as_alice.get(f"{CALLS}{call.pk}/").json()) == ["Dog on a chain"]


def test_a_location_change_attaches_the_new_places_flags_and_keeps_the_old_as_history(alice, as_alice):
    flag_at("310 ELM ST", text="Dog on a chain")
    flag_at("410 ELM ST", kind=FlagKind.MEDICAL, text="Oxygen in use")
    call = new_call(alice, "310 ELM ST")

    response = as_alice.patch(f"{CALLS}{call.pk}/", {"location": {"address": "410 elm st"}}, format="json")

    assert response.status_code == 200
    assert texts(response.json()) == ["Oxygen in use"]
    assert list(CallPremiseFlag.objects.filter(call=call).values_list("text", "call_address")) == [
        ("Dog on a chain", "310 ELM ST"), ("Oxygen in use", "410 ELM ST")]
    listed = as_alice.get(f"{CALLS}?number={call.number}").json()["results"][0]
    assert texts(listed) == ["Oxygen in use"]

    as_alice.patch(f"{CALLS}{call.pk}/", {"location": {"address": "310 MAIN ST"}}, format="json")
    body = as_alice.get(f"{CALLS}{call.pk}/").json()
    assert body["premise_flags"] == []
    assert body["chronology"][-1]["text"] == "No premise flags at the new location"
    assert CallPremiseFlag.objects.filter(call=call).count() == 2


def test_changing_other_fields_attaches_nothing_again(alice):
    flag_at("310 ELM ST")
    call = new_call(alice, "310 ELM ST")

    services.call_update(call=call, by=alice, narrative="Caller hung up")
    services.call_update(call=call, by=alice, location={"address": "310 elm street"})

    assert CallPremiseFlag.objects.filter(call=call).count() == 1


def test_an_expired_flag_does_not_attach(alice, as_alice):
    flag_at("310 ELM ST", text="expired", expires_at=timezone.now() - timedelta(minutes=1))
    flag_at("310 ELM ST", text="current", expires_at=timezone.now() + timedelta(days=30))

    call = new_call(alice, "310 ELM ST")

    assert texts(as_alice.get(f"{CALLS}{call.pk}/").json()) == ["current"]


def test_a_flag_awaiting_approval_attaches_only_once_approved(alice, sam, as_alice):
    flag = flag_at("310 ELM ST", text="Firearms in the house", requires_approval=True)
    before = new_call(alice, "310 ELM ST")

    premise_flag_approve(flag=flag, by=sam)
    after = new_call(alice, "310 ELM ST")

    assert as_alice.get(f"{CALLS}{before.pk}/").json()["premise_flags"] == []
    assert texts(as_alice.get(f"{CALLS}{after.pk}/").json()) == ["Firearms in the house"]


def test_the_call_event_carries_the_flags(alice, django_capture_on_commit_callbacks):
    flag_at("310 ELM ST", text="Dog on a chain")
    flag_at("310 ELM ST", kind=FlagKind.MEDICAL, text="Seizures", confidential=True)

    with django_capture_on_commit_callbacks(execute=True):
        call = new_call(alice, "310 ELM ST")

    event = Event.objects.get(event="call.created", call_id=call.pk)
    flags = event.data["premise_flags"]
    assert [(f["kind"], f["text"], f["confidential"]) for f in flags] == [
        ("officer_safety", "Dog on a chain", False), ("medical", None, True)]


def test_staff_read_confidential_text_on_the_detail_and_the_read_is_recorded(alice, bob, as_alice):
    flag = flag_at("230 OAK ST", kind=FlagKind.MEDICAL, text="Patient on home oxygen", confidential=True)
    call = new_call(alice, "230 oak street", code="SICK")
    as_bob = client_for(bob)
    body = as_bob.get(f"{CALLS}{call.number}/").json()

    mine = [f for f in body["premise_flags"] if f["id"] == flag.pk]
    assert mine[0]["text"] == "Patient on home oxygen" and mine[0]["confidential"] is True
    read = PremiseFlagRead.objects.get(flag=flag, by=bob)
    assert (read.call_id, read.call_number, read.context) == (call.pk, call.number, "call")

    # The console refetches an open call on every change: one read, not one per refresh.
    as_bob.get(f"{CALLS}{call.pk}/")
    assert PremiseFlagRead.objects.filter(flag=flag, by=bob).count() == 1
    as_alice.get(f"{CALLS}{call.pk}/")
    assert PremiseFlagRead.objects.filter(flag=flag, call_id=call.pk).count() == 2


def test_a_read_is_recorded_again_after_a_while(alice, as_alice):
    flag = flag_at("230 OAK ST", kind=FlagKind.MEDICAL, text="Patient on home oxygen", confidential=True)
    call = new_call(alice, "230 OAK ST", code="SICK")
    as_alice.get(f"{CALLS}{call.pk}/")
    long_ago = timezone.now() + FLAG_READ_AGAIN_AFTER + timedelta(seconds=1)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: long_ago)
        as_alice.get(f"{CALLS}{call.pk}/")

    assert PremiseFlagRead.objects.filter(flag=flag, by=alice, call_id=call.pk).count() == 2


def test_lists_show_that_a_confidential_flag_exists_but_not_its_text(alice, as_alice):
    flag = flag_at("230 OAK ST", kind=FlagKind.MEDICAL, text="Patient on home oxygen", confidential=True)
    call = new_call(alice, "230 OAK ST", code="SICK")

    listed = as_alice.get(f"{CALLS}?number={call.number}").json()["results"][0]

    mine = [f for f in listed["premise_flags"] if f["id"] == flag.pk]
    assert mine[0]["confidential"] is True and mine[0]["text"] is None
    assert not PremiseFlagRead.objects.filter(flag=flag).exists()


def test_a_partner_sees_a_confidential_flag_exists_but_never_its_text(alice):
    # Shared with it, no unit of its own on the call: the text is released to crews on it only
    # (tests/calls/test_share.py).
    flag = flag_at("230 OAK ST", kind=FlagKind.MEDICAL, text="Patient on home oxygen", confidential=True)
    flag_at("230 OAK ST", text="Aggressive dog")
    call = new_call(alice, "230 OAK ST", code="SICK")
    services.call_share(call=call, agency=Agency.objects.get(code="DCSO"), by=alice)
    sheriff = token_client("DCSO")

    body = sheriff.get(f"{CALLS}{call.pk}/").json()

    flags = {f["kind"]: f for f in body["premise_flags"]}
    assert flags["officer_safety"]["text"] == "Aggressive dog"
    assert flags["medical"]["confidential"] is True and flags["medical"]["text"] is None
    assert not PremiseFlagRead.objects.filter(flag=flag).exists()


def test_the_centers_token_reads_the_text_and_the_read_is_recorded(alice, as_cpd_token):
    flag = flag_at("230 OAK ST", kind=FlagKind.MEDICAL, text="Patient on home oxygen", confidential=True)
    call = new_call(alice, "230 OAK ST", code="SICK")

    body = as_cpd_token.get(f"{CALLS}{call.pk}/").json()

    assert "Patient on home oxygen" in texts(body)
    assert PremiseFlagRead.objects.filter(flag=flag, call_number=call.number).count() == 1


def test_the_kept_flags_are_append_only(alice):
    flag_at("310 ELM ST")
    copy = CallPremiseFlag.objects.get(call=new_call(alice, "310 ELM ST"))

    copy.text = "rewritten"
    with pytest.raises(AppendOnlyError):
        copy.save()
    with pytest.raises(AppendOnlyError):
        CallPremiseFlag.objects.filter(pk=copy.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_a_removed_flag_leaves_the_calls_copy_and_the_database_refuses_rewrites(alice):
    from django.db import DatabaseError, transaction

    flag = flag_at("310 ELM ST", text="Dog on a chain")
    call = new_call(alice, "310 ELM ST")

    flag.delete()

    copy = CallPremiseFlag.objects.get(call=call)
    assert (copy.flag_id, copy.text) == (None, "Dog on a chain")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE calls_callpremiseflag SET text = 'x' WHERE id = %s", [copy.pk])


def test_a_copy_told_in_confidence_stays_confidential_and_its_read_is_recorded(alice, bob):
    kept = flag_at("310 ELM ST", kind=FlagKind.MEDICAL, text="Patient on home oxygen", confidential=True)
    gone = flag_at("310 ELM ST", kind=FlagKind.EMERGENCY_CONTACT, text="Daughter 555-0100",
                   confidential=True)
    call = new_call(alice, "310 ELM ST", code="SICK")
    kept.confidential = False
    premise_flag_save(flag=kept, by=None, changed=["confidential"])
    gone.delete()

    body = client_for(bob).get(f"{CALLS}{call.pk}/").json()

    assert sorted((f["text"], f["confidential"]) for f in body["premise_flags"]) == [
        ("Daughter 555-0100", True), ("Patient on home oxygen", True)]
    reads = PremiseFlagRead.objects.filter(by=bob, call_id=call.pk)
    copies = set(CallPremiseFlag.objects.filter(call=call).values_list("pk", flat=True))
    assert {r.call_flag_id for r in reads} == copies
    assert sorted((r.flag_id or 0) for r in reads) == [0, kept.pk]


def test_a_flag_made_confidential_after_it_was_attached_is_guarded_from_then_on(alice, bob, as_alice):
    flag = flag_at("310 ELM ST", kind=FlagKind.MEDICAL, text="Patient on home oxygen")
    call = new_call(alice, "310 ELM ST", code="SICK")
    flag.confidential = True
    premise_flag_save(flag=flag, by=None, changed=["confidential"])

    listed = as_alice.get(f"{CALLS}?number={call.number}").json()["results"][0]["premise_flags"]
    assert [(f["text"], f["confidential"]) for f in listed] == [(None, True)]
    detail = client_for(bob).get(f"{CALLS}{call.pk}/").json()["premise_flags"]
    assert [(f["text"], f["confidential"]) for f in detail] == [("Patient on home oxygen", True)]
    assert PremiseFlagRead.objects.filter(flag=flag, by=bob, call_id=call.pk).count() == 1


def test_words_the_file_does_not_know_with_a_point_on_an_address_get_its_flags(alice):
    flag = flag_at("310 ELM ST", text="Dog on a chain")
    house = Address.objects.get(label="310 ELM ST")

    call = services.call_create(call_type=CallType.objects.get(code="DISORD"), by=alice, location={
        "address": "behind the blue garage", "lat": house.lat, "lon": house.lon + 0.00005})

    assert (call.address, call.location_verified) == ("BEHIND THE BLUE GARAGE", False)
    assert [c.flag_id for c in CallPremiseFlag.objects.filter(call=call)] == [flag.pk]
