"""Likely duplicates: per-type windows, ranking, the API, and linking one into its master."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls import services
from calls.choices import CallStatus, ChronologyKind
from calls.models import Call, CallType, Disposition
from calls.selectors.calls import calls_visible_to
from calls.selectors.duplicates import MOST_CANDIDATES, likely_duplicates, likely_duplicates_of
from tests.conftest import receive

CALLS = "/api/v1/calls/"
ASK = f"{CALLS}duplicates/"
# 3RD AVE / MAIN ST in the demo city; a metre north is this many degrees of latitude.
LAT, LON = 39.0100, -94.2850
METRE = 1 / 111_195


def crash(by, *, metres_north: float = 0, minutes_ago: float = 0, code: str = "MVAINJY", **kwargs) -> Call:
    return services.call_create(
        call_type=CallType.objects.get(code=code),
        location={"lat": LAT + metres_north * METRE, "lon": LON},
        received_at=timezone.now() - timedelta(minutes=minutes_ago), by=by, **kwargs,
    )


def ask(code: str = "MVAINJY", *, metres_north: float = 0, received_at=None, **kwargs):
    return likely_duplicates(lat=LAT + metres_north * METRE, lon=LON, received_at=received_at,
                             call_type=CallType.objects.get(code=code), **kwargs)


def numbers(candidates) -> list[str]:
    return [c.call.number for c in candidates]


def set_window(code: str, *, radius_m: int, minutes: int) -> None:
    CallType.objects.filter(code=code).update(duplicate_radius_m=radius_m, duplicate_window_minutes=minutes)


def test_an_open_call_nearby_of_the_same_type_is_offered_with_its_reason(alice):
    first = crash(alice, minutes_ago=2)
    [candidate] = ask(metres_north=48)
    assert candidate.call == first
    assert round(candidate.distance_m) == 48
    assert 1.9 < candidate.minutes_apart < 2.1
    assert candidate.reason == "same type, 48 m, 2 min earlier"


def test_the_new_calls_type_sets_the_radius(alice):
    set_window("MVAINJY", radius_m=100, minutes=30)
    set_window("MVA", radius_m=300, minutes=30)
    first = crash(alice, minutes_ago=2)
    assert ask("MVAINJY", metres_north=150) == []
    assert numbers(ask("MVA", metres_north=150)) == [first.number]
    assert numbers(ask("MVAINJY", metres_north=90)) == [first.number]


def test_the_new_calls_type_sets_the_window_in_minutes(alice):
    set_window("MVAINJY", radius_m=300, minutes=10)
    set_window("MVA", radius_m=300, minutes=30)
    first = crash(alice, minutes_ago=15)
    assert ask("MVAINJY", metres_north=20) == []
    assert numbers(ask("MVA", metres_north=20)) == [first.number]


def test_only_calls_received_before_the_new_one_are_offered(alice):
    later = crash(alice, minutes_ago=1)
    assert ask(received_at=timezone.now() - timedelta(minutes=3)) == []
    assert numbers(ask(received_at=timezone.now())) == [later.number]


def test_closed_calls_and_linked_duplicates_are_not_offered(alice):
    closed = crash(alice, minutes_ago=5)
    services.call_close(call=closed, disposition=Disposition.objects.get(code="02"), by=alice)
    master, linked = crash(alice, minutes_ago=4), crash(alice, minutes_ago=3)
    services.call_link(call=linked, master=master, by=alice)
    assert numbers(ask()) == [master.number]


def test_a_reopened_duplicate_is_offered_again(alice):
    master, linked = crash(alice, minutes_ago=4), crash(alice, minutes_ago=3, metres_north=10)
    services.call_link(call=linked, master=master, by=alice)
    services.call_reopen(call=linked, by=alice)
    assert numbers(ask(metres_north=20)) == [linked.number, master.number]


def test_the_nearest_comes_first(alice):
    far = crash(alice, metres_north=200, minutes_ago=1)
    near = crash(alice, metres_north=30, minutes_ago=5)
    middle = crash(alice, metres_north=-100, minutes_ago=3)
    assert numbers(ask()) == [near.number, middle.number, far.number]


def test_other_types_are_offered_after_the_same_kind(alice):
    robbery = crash(alice, code="ROBBERY", metres_north=5, minutes_ago=1)
    crash_elsewhere = crash(alice, metres_north=120, minutes_ago=1)
    candidates = ask()
    assert numbers(candidates) == [crash_elsewhere.number, robbery.number]
    assert candidates[1].reason.startswith("other type ROBBERY, 5 m")
    assert (candidates[0].same_type, candidates[1].same_type) == (True, False)


def test_an_existing_call_is_not_its_own_duplicate_and_closed_calls_have_none(alice):
    first = crash(alice, minutes_ago=2)
    second = crash(alice, metres_north=50)
    assert numbers(likely_duplicates_of(second)) == [first.number]
    assert likely_duplicates_of(first) == []  # the second came later: it is not the master
    services.call_link(call=second, master=first, by=alice)
    second.refresh_from_db()
    assert likely_duplicates_of(second) == []


def test_a_call_without_coordinates_has_no_candidates(alice):
    crash(alice)
    unplaced = services.call_create(call_type=CallType.objects.get(code="MVAINJY"),
                                    location={"address": "9999 nowhere lane"}, by=alice)
    assert likely_duplicates_of(unplaced) == []


def test_the_box_keeps_the_query_to_one_read_and_the_offered_calls(alice, django_assert_num_queries):
    crash(alice, minutes_ago=2)
    crash(alice, metres_north=5000, minutes_ago=2)
    call_type = CallType.objects.get(code="MVAINJY")
    with django_assert_num_queries(2):  # the coordinates in the box; the call offered, whole
        found = likely_duplicates(lat=LAT, lon=LON, call_type=call_type)
    assert len(found) == 1


def test_a_street_of_open_calls_reads_only_the_offered_ones_whole(alice):
    """A new call where many are open (a major incident, a flood of reports): the units and flags
    of only the ten offered are read, not of every call nearby."""
    for n in range(MOST_CANDIDATES + 15):
        crash(alice, metres_north=n, minutes_ago=2)
    with CaptureQueriesContext(connection) as queries:
        found = likely_duplicates(lat=LAT, lon=LON, call_type=CallType.objects.get(code="MVAINJY"),
                                  calls=calls_visible_to(alice))
    assert len(found) == MOST_CANDIDATES
    [units] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "calls_assignment"')]
    assert len(re.search(r'"call_id" IN \(([^)]*)\)', units).group(1).split(",")) == MOST_CANDIDATES


# The API


def test_it_lists_the_candidates_of_an_existing_call(as_alice, alice):
    first = crash(alice, minutes_ago=2)
    second = crash(alice, metres_north=50)
    response = as_alice.get(f"{CALLS}{second.pk}/duplicates/")
    assert response.status_code == 200
    body = response.json()
    assert (body["call_type"], body["radius_m"], body["window_minutes"]) == ("MVAINJY", 300, 30)
    [candidate] = body["candidates"]
    assert candidate["call"]["number"] == first.number
    assert candidate["distance_m"] == 50
    assert candidate["reason"] == "same type, 50 m, 2 min earlier"
    assert as_alice.get(f"{CALLS}{second.number}/duplicates/").json()["candidates"] == body["candidates"]


def test_it_answers_before_saving_for_an_address_resolved_as_call_entry_does(as_alice, alice):
    first = services.call_create(call_type=CallType.objects.get(code="MVA"),
                                 location={"address": "310 MAIN ST"}, by=alice)
    response = as_alice.get(ASK, {"address": "310 main street", "call_type": "mvainjy"})
    assert response.status_code == 200
    body = response.json()
    assert body["location"]["address"] == "310 MAIN ST" and body["location"]["verified"] is True
    assert [c["call"]["number"] for c in body["candidates"]] == [first.number]
    assert body["candidates"][0]["reason"].startswith("other type MVA, 0 m")


def test_it_answers_before_saving_for_coordinates_and_an_intersection(as_alice, alice):
    first = crash(alice, minutes_ago=2)
    by_point = as_alice.get(ASK, {"lat": LAT + 48 * METRE, "lon": LON, "call_type": "MVAINJY"}).json()
    assert [c["call"]["number"] for c in by_point["candidates"]] == [first.number]
    by_corner = as_alice.get(ASK, {"intersection": "main and third", "call_type": "MVAINJY"}).json()
    assert [c["call"]["number"] for c in by_corner["candidates"]] == [first.number]


def test_an_unmatched_address_is_answered_with_no_candidates(as_alice, alice):
    crash(alice)
    response = as_alice.get(ASK, {"address": "9999 nowhere lane", "call_type": "MVAINJY"})
    assert response.status_code == 200
    assert response.json()["candidates"] == []
    assert response.json()["location"]["verified"] is False


@pytest.mark.parametrize("query, field", [
    ({"address": "310 MAIN ST"}, "call_type"),
    ({"address": "310 MAIN ST", "call_type": "NOSUCH"}, "call_type"),
    ({"call_type": "MVA"}, "location"),
    ({"call_type": "MVA", "lat": "39.01"}, "lat"),
    ({"call_type": "MVA", "lat": "91", "lon": "-94.28"}, "lat"),
    ({"call_type": "MVA", "lat": "north", "lon": "-94.28"}, "lat"),
    ({"call_type": "MVA", "address": "310 MAIN ST", "intersection": "MAIN / 3RD"}, "address"),
    ({"call_type": "MVA", "address": "310 MAIN ST", "received_at": "2999-01-01T00:00:00Z"}, "received_at"),
    ({"call_type": "MVA", "address": "310 MAIN ST", "received_at": "yesterday"}, "received_at"),
])
def test_bad_questions_are_400_with_the_field(as_alice, query, field):
    response = as_alice.get(ASK, query)
    assert response.status_code == 400
    assert field in response.json()


def test_an_unknown_call_is_404(as_alice):
    assert as_alice.get(f"{CALLS}999999/duplicates/").status_code == 404


@pytest.mark.parametrize("who, expected", [
    ("as_alice", 200), ("as_sam", 200), ("as_carol", 200), ("as_cpd_token", 200),
    ("as_sheriff_token", 403), ("anonymous", 401),
])
def test_only_the_centers_staff_may_ask(request, alice, who, expected):
    client = request.getfixturevalue(who)
    call = crash(alice)
    assert client.get(ASK, {"address": "310 MAIN ST", "call_type": "MVA"}).status_code == expected
    assert client.get(f"{CALLS}{call.pk}/duplicates/").status_code == expected


def test_the_create_answer_lists_possible_duplicates(as_alice, alice):
    first = crash(alice, minutes_ago=2)
    location = {"lat": LAT + 50 * METRE, "lon": LON}
    response = as_alice.post(CALLS, {"call_type": "MVAINJY", "location": location}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["number"] != first.number and body["status"] == "pending"
    assert [c["call"]["number"] for c in body["possible_duplicates"]] == [first.number]


# Linking, and undoing it




def test_linking_tells_the_master_the_second_caller_and_story_after_commit(
    alice, console_channel, django_capture_on_commit_callbacks
):
    layer, name = console_channel
    master = crash(alice, minutes_ago=2)
    second = crash(alice, metres_north=50, caller_name="Jane", caller_phone="816-555-0101",
                   narrative="second caller, same crash")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.call_link(call=second, master=master, by=alice)
        assert callbacks == []
    second.refresh_from_db()
    assert (second.status, second.disposition.code, second.master) == (CallStatus.CLOSED, "22", master)
    entry = master.chronology.get(kind=ChronologyKind.DUPLICATE_ADDED)
    assert entry.text.startswith(f"Duplicate {second.number} linked: MVAINJY at ")
    assert entry.text.endswith("caller Jane 816-555-0101: 'second caller, same crash'")
    assert entry.by == alice
    events = receive(layer, name, 2)
    assert [(e["event"], e["data"]["number"]) for e in events] == [
        ("call.closed", second.number), ("call.updated", master.number)]


def test_linking_by_the_api_shows_on_the_masters_chronology(as_alice, alice):
    master = crash(alice, minutes_ago=2)
    second = crash(alice, metres_north=50, caller_name="Jane", narrative="same crash")
    response = as_alice.post(f"{CALLS}{second.pk}/link/", {"master": master.number}, format="json")
    assert response.status_code == 200
    assert (response.json()["master"], response.json()["disposition"]["code"]) == (master.number, "22")
    chronology = as_alice.get(f"{CALLS}{master.pk}/").json()["chronology"]
    assert "caller Jane: 'same crash'" in chronology[-1]["text"]
    assert as_alice.get(f"{CALLS}{master.pk}/").json()["duplicates"] == [second.number]


def test_reopening_the_duplicate_unlinks_it_and_the_master_notes_it(alice, bob):
    master = crash(alice, minutes_ago=2)
    second = crash(alice, metres_north=50)
    services.call_link(call=second, master=master, by=alice)
    services.call_reopen(call=second, by=bob, reason="Different crash after all")
    second.refresh_from_db()
    assert (second.master, second.status, second.disposition) == (None, CallStatus.PENDING, None)
    assert list(master.duplicates.all()) == []
    note = master.chronology.order_by("at", "id").last()
    assert (note.text, note.by) == (f"Duplicate {second.number} unlinked and reopened", bob)
    reopened = second.chronology.get(kind=ChronologyKind.REOPENED)
    assert reopened.changes["master"] == [master.number, None]
    assert numbers(likely_duplicates_of(second)) == [master.number]


def test_review_cases_an_old_received_at_is_a_400_not_a_500(as_alice):
    response = as_alice.get("/api/v1/calls/duplicates/", {
        "call_type": "MVAINJY", "lat": 39.01, "lon": -94.28, "received_at": "0001-01-01T00:00:00Z"})
    assert response.status_code == 400
    assert "received_at" in response.json()


def test_a_master_with_duplicates_of_its_own_is_not_offered_for_linking_under_another(alice):
    first = crash(alice, minutes_ago=5)
    second = crash(alice, minutes_ago=3, metres_north=20)
    third = crash(alice, minutes_ago=1, metres_north=30)
    services.call_link(call=third, master=second, by=alice)
    second.refresh_from_db()

    assert likely_duplicates_of(second) == []
    assert numbers(likely_duplicates_of(first)) == []  # the earlier call is the master, never the child


def test_two_calls_received_at_the_same_instant_are_not_each_others_duplicate(alice):
    one = crash(alice, minutes_ago=1)
    two = crash(alice, minutes_ago=1, metres_north=10)
    Call.objects.filter(pk=two.pk).update(received_at=one.received_at)
    two.refresh_from_db()

    assert numbers(likely_duplicates_of(two)) == [one.number]
    assert likely_duplicates_of(one) == []
