"""The callback queue: abandoned 9-1-1 calls and hang-ups waiting to be called back, one dispatcher
at a time, each ending with an outcome; an emergency opens a call; the board counts them."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import timezone

from cad import stream
from cad.models import Event
from calls import services
from calls.models import AliRecord, Call, Callback, ChronologyEntry
from premises.models import Address
from records.models import AuditEntry
from tests.conftest import client_for, token_client

ALI = "/api/v1/ali/"
CALLBACKS = "/api/v1/callbacks/"
ANI = "8165550199"


@pytest.fixture(autouse=True)
def empty_queue(db):
    """Each test starts with nobody waiting (other tests' entries would be older than its own)."""
    Callback.objects.filter(done_at__isnull=True).update(done_at=timezone.now(), outcome="resolved")


def hang_up(client, ani: str = ANI, expect: int = 201, **fields) -> dict:
    body = {"ani": ani, "class_of_service": "WPH2", "lat": 39.0142, "lon": -94.2811, "uncertainty_m": 25,
            "confidence": 90, "abandoned": True, **fields}
    response = client.post(ALI, body, format="json")
    assert response.status_code == expect, response.json()
    return response.json()


def act(client, entry: dict, action: str, expect: int = 200, **body) -> dict:
    response = client.post(f"{CALLBACKS}{entry['id']}/{action}/", body or None, format="json")
    assert response.status_code == expect, response.json()
    return response.json()


@pytest.fixture
def as_bob(bob):
    return client_for(bob)


def test_an_abandoned_call_is_queued_for_a_callback_instead_of_making_a_call(as_cpd_token):
    calls = Call.objects.count()
    rang = timezone.now().replace(microsecond=0) - timedelta(seconds=40)

    entry = hang_up(as_cpd_token, rang_at=rang.isoformat())

    assert Call.objects.count() == calls
    assert (entry["ani"], entry["attempts"], entry["claimed_by"], entry["outcome"], entry["call"]) == (
        ANI, 1, None, None, None)
    assert entry["waiting_s"] >= 40  # from when the line rang
    assert entry["ali"]["abandoned"] is True and entry["ali"]["callback"] == entry["id"]
    ali = entry["ali"]
    assert (ali["lat"], ali["uncertainty_m"], ali["confidence"]) == (39.0142, 25, 90)
    assert AliRecord.objects.get(pk=entry["ali"]["id"]).callback_id == entry["id"]


def test_a_number_that_hangs_up_again_is_called_back_once(as_cpd_token):
    first = hang_up(as_cpd_token)
    again = hang_up(as_cpd_token, lat=39.0150, lon=-94.2800)

    assert again["id"] == first["id"]
    assert again["attempts"] == 2
    assert again["ali"]["lat"] == 39.0150  # its newest location
    assert Callback.objects.filter(ani=ANI, done_at__isnull=True).count() == 1


def test_the_queue_lists_waiting_entries_oldest_first_with_their_wait(as_cpd_token, as_alice):
    hang_up(as_cpd_token, ani="8165550101", rang_at=(timezone.now() - timedelta(minutes=3)).isoformat())
    hang_up(as_cpd_token, ani="8165550102", rang_at=(timezone.now() - timedelta(minutes=6)).isoformat())
    done = hang_up(as_cpd_token, ani="8165550103")
    act(as_alice, done, "outcome", outcome="pocket_dial")

    listed = as_alice.get(CALLBACKS).json()

    assert [e["ani"] for e in listed] == ["8165550102", "8165550101"]
    assert listed[0]["waiting_s"] >= 360 and 180 <= listed[1]["waiting_s"] < 360


def test_one_dispatcher_at_a_time_claims_a_callback(as_cpd_token, as_alice, as_bob):
    entry = hang_up(as_cpd_token)

    claimed = act(as_alice, entry, "claim")
    assert (claimed["claimed_by"], claimed["claimed_at"] is not None) == ("dispatcher1", True)
    refused = act(as_bob, entry, "claim", expect=409)
    assert refused["claimed_by"] == "dispatcher1"
    assert "dispatcher1 is calling 8165550199 back" in refused["detail"]
    assert act(as_alice, entry, "claim")["claimed_by"] == "dispatcher1"  # one's own again: nothing changes
    act(as_bob, entry, "outcome", expect=409, outcome="no_answer")
    act(as_bob, entry, "release", expect=409)

    act(as_alice, entry, "release")
    assert act(as_bob, entry, "claim")["claimed_by"] == "dispatcher2"
    assert AuditEntry.objects.filter(action="callback.claim", object=f"callback:{entry['id']}").count() == 2
    released = AuditEntry.objects.filter(action="callback.release").latest("pk")
    assert released.detail["held_by"] == "dispatcher1"


def test_a_supervisor_releases_a_callback_another_dispatcher_holds(as_cpd_token, as_alice, as_sam):
    entry = hang_up(as_cpd_token)
    act(as_alice, entry, "claim")

    assert act(as_sam, entry, "release")["claimed_by"] is None
    act(as_sam, entry, "release", expect=409)  # nobody holds it now


@pytest.mark.parametrize("outcome", ["no_answer", "pocket_dial", "resolved"])
def test_an_outcome_takes_it_off_the_queue_and_releases_it(as_cpd_token, as_alice, outcome):
    entry = hang_up(as_cpd_token)
    act(as_alice, entry, "claim")
    calls = Call.objects.count()

    done = act(as_alice, entry, "outcome", outcome=outcome, note="  child playing with the phone ")

    assert (done["outcome"], done["note"], done["done_by"], done["claimed_by"]) == (
        outcome, "child playing with the phone", "dispatcher1", None)
    assert done["done_at"] is not None and done["call"] is None
    assert Call.objects.count() == calls
    assert entry["id"] not in [e["id"] for e in as_alice.get(CALLBACKS).json()]
    assert AuditEntry.objects.get(action="callback.outcome", object=f"callback:{entry['id']}").detail[
        "outcome"] == outcome
    act(as_alice, entry, "outcome", expect=409, outcome="resolved")
    assert "done" in act(as_alice, entry, "claim", expect=409)["detail"]


def test_an_emergency_opens_a_call_placed_from_the_ani_ali(as_cpd_token, as_bob):
    lat, lon = 39.0142, -94.2811
    entry = hang_up(as_cpd_token, lat=lat, lon=lon)

    done = act(as_bob, entry, "outcome", outcome="emergency", note="Woman whispering, husband has a gun")

    assert done["outcome"] == "emergency" and done["call"] is not None
    call = Call.objects.get(pk=done["call"]["id"])
    assert done["call"]["number"] == call.number
    assert (call.status, call.call_type.code, call.source, call.caller_phone) == (
        "pending", "911UNK", "911_wireless", ANI)
    assert (call.lat, call.lon) == (lat, lon)
    assert call.narrative == "Woman whispering, husband has a gun"
    assert call.created_by.username == "dispatcher2"
    created = ChronologyEntry.objects.get(call=call, kind="created")
    assert "called back after 0 min" in created.text and f"9-1-1 WPH2 {ANI}" in created.text
    assert AliRecord.objects.get(pk=entry["ali"]["id"]).call_id == call.pk


def test_a_rebid_while_queued_is_where_the_emergency_call_is_placed(as_cpd_token, as_alice):
    entry = hang_up(as_cpd_token)
    target = Address.objects.get(label="310 MAIN ST")

    moved = as_cpd_token.post(f"{ALI}{entry['ali']['id']}/rebid/", {"lat": target.lat, "lon": target.lon,
                                                                   "uncertainty_m": 5}, format="json")
    assert moved.status_code == 200 and moved.json()["call"] is None
    assert as_alice.get(f"{CALLBACKS}{entry['id']}/").json()["ali"]["lat"] == target.lat

    done = act(as_alice, entry, "outcome", outcome="emergency")
    assert Call.objects.get(pk=done["call"]["id"]).address == "310 MAIN ST"


@pytest.mark.parametrize("body, field", [
    ({"outcome": "hung_up"}, "outcome"),
    ({}, "outcome"),
    ({"outcome": "resolved", "note": "x" * 2001}, "note"),
    ({"outcome": "resolved", "call": 5}, "call"),
])
def test_an_outcome_that_cannot_be_meant_is_a_400_and_it_stays_queued(as_cpd_token, as_alice, body, field):
    entry = hang_up(as_cpd_token)

    response = as_alice.post(f"{CALLBACKS}{entry['id']}/outcome/", body, format="json")

    assert response.status_code == 400 and field in response.json()
    assert Callback.objects.get(pk=entry["id"]).done_at is None


@pytest.mark.parametrize("who, status", [("partner", 403), ("clerk", 403), ("anonymous", 401)])
def test_only_dispatchers_and_supervisors_work_the_queue(as_cpd_token, as_sheriff_token, as_carol, anonymous,
                                                         who, status):
    entry = hang_up(as_cpd_token)
    client = {"partner": as_sheriff_token, "clerk": as_carol, "anonymous": anonymous}[who]

    assert client.get(CALLBACKS).status_code == status
    assert client.get(f"{CALLBACKS}{entry['id']}/").status_code == status
    assert client.post(f"{CALLBACKS}{entry['id']}/claim/").status_code == status
    assert client.post(f"{CALLBACKS}{entry['id']}/outcome/", {"outcome": "resolved"},
                       format="json").status_code == status
    assert hang_up(client, ani="8165550177", expect=status)
    assert Callback.objects.get(pk=entry["id"]).claimed_by is None


def test_a_partner_never_hears_of_the_queue(as_cpd_token, as_alice, django_capture_on_commit_callbacks):
    sheriff = get_user_model().objects.get(service_agency__code="DCSO")
    with django_capture_on_commit_callbacks(execute=True):
        entry = hang_up(as_cpd_token)
        act(as_alice, entry, "claim")

    events = list(Event.objects.filter(event__startswith="callback.").order_by("seq"))
    assert [e.event for e in events] == ["callback.queued", "callback.updated"]
    assert events[1].data["claimed_by"] == "dispatcher1"
    assert not any(stream.shared_with(e.announcement(), "DCSO") for e in events)
    assert not stream.shared_with(Event.objects.get(event="ali.received").announcement(), "DCSO")
    assert stream.snapshot(sheriff)["callbacks"] == [] and stream.snapshot(sheriff)["ali"] == []
    center = stream.snapshot(get_user_model().objects.get(username="dispatcher2"))
    assert [e["id"] for e in center["callbacks"]] == [entry["id"]]
    assert entry["ali"]["id"] in [r["id"] for r in center["ali"]]


def test_the_board_counts_todays_callbacks_by_outcome(as_cpd_token, as_alice, as_carol):
    before = as_carol.get("/api/v1/stats/today/").json()["callbacks"]
    for n, outcome in enumerate(["pocket_dial", "pocket_dial", "no_answer", "emergency"]):
        act(as_alice, hang_up(as_cpd_token, ani=f"81655502{n:02d}"), "outcome", outcome=outcome)
    hang_up(as_cpd_token, ani="8165550299", rang_at=(timezone.now() - timedelta(seconds=90)).isoformat())

    counts = as_carol.get("/api/v1/stats/today/").json()["callbacks"]

    assert counts["queued"] == before["queued"] + 5
    assert counts["waiting"] == 1 and counts["oldest_waiting_s"] >= 90
    assert {k: counts["outcomes"][k] - before["outcomes"][k] for k in counts["outcomes"]} == {
        "no_answer": 1, "pocket_dial": 2, "emergency": 1, "resolved": 0}


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="needs PostgreSQL (set DATABASE_URL); CI runs it")


def together(count: int, work):
    barrier = threading.Barrier(count)

    def worker(i):
        try:
            barrier.wait()
            return work(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


@on_postgresql
def test_two_dispatchers_claiming_at_once_one_gets_it_the_other_a_409(seeded_transactional_db):
    cpd = token_client("CPD")
    entry = hang_up(cpd)
    people = [get_user_model().objects.get(username=name) for name in ("dispatcher1", "dispatcher2")]

    answers = together(2, lambda i: client_for(people[i]).post(f"{CALLBACKS}{entry['id']}/claim/"))

    assert sorted(a.status_code for a in answers) == [200, 409]
    winner = next(a.json()["claimed_by"] for a in answers if a.status_code == 200)
    loser = next(a.json() for a in answers if a.status_code == 409)
    assert loser["claimed_by"] == winner
    assert Callback.objects.get(pk=entry["id"]).claimed_by.username == winner
    assert AuditEntry.objects.filter(action="callback.claim").count() == 1


@on_postgresql
def test_two_hang_ups_from_one_number_at_once_make_one_entry(seeded_transactional_db):
    alice = get_user_model().objects.get(username="dispatcher1")

    together(2, lambda i: services.ali_receive(by=alice, ani=ANI, class_of_service="RESD",
                                               address="310 MAIN ST", abandoned=True))

    waiting = Callback.objects.get(ani=ANI, done_at__isnull=True)
    assert waiting.attempts == 2 and waiting.ali_records.count() == 2
