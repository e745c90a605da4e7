"""The calls API (CONTRACT.md, REST): who may do what, what bad input gets back, a call's life."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from calls import services
from calls.models import Call, CallType, ChronologyEntry, Disposition
from units.models import Unit
from units.services import unit_status_set

CALLS = "/api/v1/calls/"
ROBBERY_AT_310_MAIN = {"call_type": "ROBBERY", "location": {"address": "310 MAIN ST"}}


def new_call(by, address: str = "310 MAIN ST", code: str = "ROBBERY") -> Call:
    return services.call_create(
        call_type=CallType.objects.get(code=code), location={"address": address}, by=by
    )


def dispatch(call: Call, *callsigns: str, by) -> Call:
    return services.call_dispatch(call=call, units=Unit.objects.filter(callsign__in=callsigns), by=by)


def close(call: Call, by, code: str = "02") -> Call:
    return services.call_close(call=call, disposition=Disposition.objects.get(code=code), by=by)


def unit_status(callsign: str) -> str:
    return Unit.objects.get(callsign=callsign).status


def url(call: Call, action: str = "") -> str:
    return f"{CALLS}{call.pk}/{action + '/' if action else ''}"


def numbers(response) -> set[str]:
    return {c["number"] for c in response.json()["results"]}


@pytest.fixture
def call(alice) -> Call:
    return new_call(alice)


@pytest.fixture
def other_call(alice) -> Call:
    return new_call(alice, address="130 OAK ST")


def write_request(name: str, call: Call, other_call: Call, by) -> tuple[str, str, dict, int]:
    """(method, path, body, success status) for each way the calls API changes something."""
    if name == "reopen":
        close(call, by)
    return {
        "create": ("post", CALLS, ROBBERY_AT_310_MAIN, 201),
        "update": ("patch", url(call), {"narrative": "Suspect fled north on foot"}, 200),
        "dispatch": ("post", url(call, "dispatch"), {"units": ["1A11"]}, 200),
        "note": ("post", url(call, "notes"), {"text": "Caller hung up"}, 201),
        "close": ("post", url(call, "close"), {"disposition": "02"}, 200),
        "reopen": ("post", url(call, "reopen"), {"reason": "Caller rang back"}, 200),
        "link": ("post", url(call, "link"), {"master": other_call.number}, 200),
    }[name]


WRITES = ["create", "update", "dispatch", "note", "close", "reopen", "link"]
REFERENCE_DATA = ["/api/v1/call-types/", "/api/v1/dispositions/", "/api/v1/priorities/"]
READS = [CALLS, "{call}", "{number}", *REFERENCE_DATA]


def read_path(template: str, call: Call) -> str:
    return template.format(call=url(call), number=f"{CALLS}{call.number}/")


@pytest.mark.parametrize("path", READS)
def test_anonymous_gets_401_on_every_read(anonymous, call, path):
    assert anonymous.get(read_path(path, call)).status_code == 401


@pytest.mark.parametrize("name", WRITES)
def test_anonymous_gets_401_on_every_write(anonymous, alice, call, other_call, name):
    method, path, body, _ = write_request(name, call, other_call, alice)
    before = ChronologyEntry.objects.count()

    response = getattr(anonymous, method)(path, body, format="json")

    assert response.status_code == 401
    assert ChronologyEntry.objects.count() == before


@pytest.mark.parametrize("client", ["as_alice", "as_sam", "as_carol", "as_cpd_token"])
@pytest.mark.parametrize("path", READS)
def test_center_staff_and_the_center_token_may_read(request, client, call, path):
    response = request.getfixturevalue(client).get(read_path(path, call))
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("name", WRITES)
def test_a_records_clerk_gets_403_on_every_write(as_carol, alice, call, other_call, name):
    method, path, body, _ = write_request(name, call, other_call, alice)
    calls_before, entries_before = Call.objects.count(), ChronologyEntry.objects.count()

    response = getattr(as_carol, method)(path, body, format="json")

    assert response.status_code == 403
    assert (Call.objects.count(), ChronologyEntry.objects.count()) == (calls_before, entries_before)
    assert unit_status("1A11") == "available"


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize("client", ["as_alice", "as_sam", "as_cpd_token"])
def test_dispatchers_supervisors_and_the_center_token_may_write(
    request, client, alice, call, other_call, name
):
    method, path, body, success = write_request(name, call, other_call, alice)

    response = getattr(request.getfixturevalue(client), method)(path, body, format="json")

    assert response.status_code == success, response.content


def test_the_center_token_signs_the_chronology_as_its_agency(as_cpd_token, call):
    response = as_cpd_token.post(url(call, "notes"), {"text": "From the RMS"}, format="json")

    assert response.status_code == 201
    assert response.json()["by"] == "agency-CPD"


def test_the_sheriff_token_sees_an_empty_list_of_calls(as_sheriff_token, call):
    response = as_sheriff_token.get(CALLS)

    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert response.json()["results"] == []


def test_the_sheriff_token_gets_404_on_a_call_not_shared_with_it(as_sheriff_token, call):
    assert as_sheriff_token.get(url(call)).status_code == 404
    assert as_sheriff_token.get(f"{CALLS}{call.number}/").status_code == 404


# A partner sends calls in (tests/calls/test_share.py); the center's own calls it cannot touch.
@pytest.mark.parametrize("name", [name for name in WRITES if name != "create"])
def test_the_sheriff_token_cannot_change_the_centers_calls(
    as_sheriff_token, alice, call, other_call, name
):
    method, path, body, _ = write_request(name, call, other_call, alice)
    calls_before, entries_before = Call.objects.count(), ChronologyEntry.objects.count()

    response = getattr(as_sheriff_token, method)(path, body, format="json")

    # A call not shared with the partner may as well not exist for it: 404 is as good as 403.
    assert response.status_code in {403, 404}
    assert (Call.objects.count(), ChronologyEntry.objects.count()) == (calls_before, entries_before)
    assert unit_status("1A11") == "available"


@pytest.mark.parametrize("path", REFERENCE_DATA)
def test_the_sheriff_token_reads_the_reference_data(as_sheriff_token, path):
    response = as_sheriff_token.get(path)

    assert response.status_code == 200
    assert len(response.json()) >= 5


def test_it_creates_a_call_with_caller_narrative_and_source(as_alice):
    response = as_alice.post(CALLS, {
        "call_type": "NOISE",
        "location": {"intersection": "MAIN ST / 3RD AVE"},
        "caller": {"name": "Pat Doe", "phone": "555-0100"},
        "narrative": "Loud party",
        "source": "911",
    }, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert re.fullmatch(r"\d{4}-\d{6}", body["number"])
    assert body["status"] == "pending"
    assert body["priority"] == 4
    assert body["call_type"]["code"] == "NOISE"
    assert body["location"]["address"] == "MAIN ST / 3RD AVE"
    assert body["location"]["beat"] == "1"
    assert body["caller"] == {"name": "Pat Doe", "phone": "555-0100"}
    assert body["narrative"] == "Loud party"
    assert body["source"] == "911"
    assert body["received_at"] and body["dispatched_at"] is None and body["closed_at"] is None


@pytest.mark.parametrize("body", [
    {"call_type": "ROBBERY", "location": {"address": "511 ELM ST"}},  # an officer-safety hazard
    {"call_type": "ALRBA", "location": {"address": "171 OAK ST"}},  # an alarm site with a permit
    {"call_type": "ALRBA", "location": {"address": "310 MAIN ST"}},  # an alarm site without one
    {"call_type": "NOISE", "location": {"address": "9999 NOWHERE RD"}, "caller": {"name": "Pat Doe"},
     "received_at": "an hour ago, in the caller's offset"},  # kept as typed
])
def test_the_new_calls_answer_is_the_call_as_its_detail_reads_it(as_alice, body):
    """The create answer is built from the call as entered (none of its parts read back): it must be
    what GET calls/{id}/ then says of the same call, to the byte."""
    if "received_at" in body:
        central = timezone.get_fixed_timezone(-360)
        body = {**body, "received_at": (timezone.now() - timedelta(hours=1)).astimezone(central).isoformat()}
    answer = as_alice.post(CALLS, body, format="json")
    assert answer.status_code == 201, answer.json()
    created = answer.json()
    created.pop("possible_duplicates")

    assert created == as_alice.get(f"{CALLS}{created['id']}/").json()


def test_a_dispatcher_may_override_the_priority_of_a_new_call(as_alice):
    response = as_alice.post(CALLS, {**ROBBERY_AT_310_MAIN, "priority": 2}, format="json")

    assert response.status_code == 201
    assert response.json()["priority"] == 2


def test_it_places_a_call_given_only_coordinates(as_alice):
    response = as_alice.post(
        CALLS, {"call_type": "SUSP", "location": {"lat": 39.0100, "lon": -94.2845}}, format="json"
    )

    assert response.status_code == 201, response.json()
    location = response.json()["location"]
    assert (location["lat"], location["lon"]) == (39.0100, -94.2845)
    assert location["beat"] == "1"
    assert "MAIN ST" in location["address"]


def test_a_call_carries_what_the_contract_promises(as_alice, call):
    body = as_alice.get(url(call)).json()

    for field in ["id", "number", "status", "priority", "call_type", "location", "caller",
                  "received_at", "dispatched_at", "onscene_at", "closed_at", "disposition",
                  "assignments", "chronology"]:
        assert field in body, field
    assert set(body["location"]) >= {"address", "lat", "lon", "beat"}
    assert set(body["call_type"]) >= {"code", "description"}


def test_it_finds_a_call_by_its_number(as_carol, call):
    response = as_carol.get(f"{CALLS}{call.number}/")

    assert response.status_code == 200
    assert response.json()["id"] == call.pk


@pytest.mark.parametrize("method,path", [
    ("get", f"{CALLS}999999/"),
    ("get", f"{CALLS}2020-999999/"),
    ("get", f"{CALLS}99999999999999999999999/"),
    ("patch", f"{CALLS}999999/"),
    ("post", f"{CALLS}999999/dispatch/"),
    ("post", f"{CALLS}999999/notes/"),
    ("post", f"{CALLS}999999/close/"),
    ("post", f"{CALLS}999999/reopen/"),
    ("post", f"{CALLS}999999/link/"),
])
def test_an_unknown_call_is_404(as_alice, method, path):
    assert getattr(as_alice, method)(path, {}, format="json").status_code == 404


def test_it_lists_calls_paginated(as_carol, call, other_call):
    response = as_carol.get(CALLS)

    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert numbers(response) == {call.number, other_call.number}


@pytest.fixture
def pending_active_and_closed(alice):
    pending = new_call(alice)
    active = dispatch(new_call(alice, "130 OAK ST"), "1A11", by=alice)
    closed = close(new_call(alice, "150 ELM ST"), alice)
    return pending, active, closed


@pytest.mark.parametrize("status,expected", [
    ("pending", {"pending"}),
    ("active", {"active"}),
    ("closed", {"closed"}),
    ("open", {"pending", "active"}),
])
def test_it_filters_calls_by_status(as_alice, pending_active_and_closed, status, expected):
    pending, active, closed = pending_active_and_closed
    by_name = {"pending": pending.number, "active": active.number, "closed": closed.number}

    response = as_alice.get(CALLS, {"status": status})

    assert response.status_code == 200
    assert numbers(response) == {by_name[name] for name in expected}


def test_it_lists_only_calls_changed_since_a_time(as_alice, alice):
    old = new_call(alice)
    since = timezone.now()
    new = new_call(alice, "130 OAK ST")

    response = as_alice.get(CALLS, {"since": since.isoformat()})

    assert response.status_code == 200
    assert numbers(response) == {new.number}
    assert old.number not in numbers(response)


def test_a_change_brings_an_old_call_back_into_the_since_list(as_alice, alice):
    old = new_call(alice)
    since = timezone.now()
    services.call_note_add(call=old, by=alice, text="no change to the call row")
    dispatch(old, "1A11", by=alice)

    assert numbers(as_alice.get(CALLS, {"since": since.isoformat()})) == {old.number}


@pytest.mark.parametrize("query", [{"status": "sleeping"}, {"since": "yesterday-ish"}])
def test_a_bad_filter_is_400_not_500(as_alice, query):
    response = as_alice.get(CALLS, query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


@pytest.mark.parametrize("body,field", [
    ({"call_type": "NOPE", "location": {"address": "310 MAIN ST"}}, "call_type"),
    ({"location": {"address": "310 MAIN ST"}}, "call_type"),
    ({"call_type": "ROBBERY"}, "location"),
    ({"call_type": "ROBBERY", "location": {}}, "location"),
    ({"call_type": "ROBBERY", "location": {"lat": 39.01}}, "location"),
    ({"call_type": "ROBBERY", "location": {"lat": 91, "lon": -94.29}}, "location"),
    ({"call_type": "ROBBERY", "location": {"lat": 39.01, "lon": -194}}, "location"),
    ({"call_type": "ROBBERY", "location": "310 MAIN ST"}, "location"),
    ({**ROBBERY_AT_310_MAIN, "priority": 9}, "priority"),
    ({**ROBBERY_AT_310_MAIN, "priority": 0}, "priority"),
    ({**ROBBERY_AT_310_MAIN, "priority": "urgent"}, "priority"),
    ({**ROBBERY_AT_310_MAIN, "source": "carrier pigeon"}, "source"),
    ({**ROBBERY_AT_310_MAIN, "caller": "Pat"}, "caller"),
])
def test_it_rejects_a_bad_call_with_field_errors(as_alice, body, field):
    response = as_alice.post(CALLS, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Call.objects.exists()


def test_it_says_which_coordinate_is_out_of_range(as_alice):
    response = as_alice.post(
        CALLS, {"call_type": "ROBBERY", "location": {"lat": 91, "lon": -94.29}}, format="json"
    )

    assert "lat" in response.json()["location"]


def test_it_names_the_unknown_call_type(as_alice):
    response = as_alice.post(
        CALLS, {"call_type": "NOPE", "location": {"address": "310 MAIN ST"}}, format="json"
    )

    assert "NOPE" in response.json()["call_type"][0]


def test_it_rejects_a_call_received_in_the_future(as_alice):
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()

    response = as_alice.post(CALLS, {**ROBBERY_AT_310_MAIN, "received_at": tomorrow}, format="json")

    assert response.status_code == 400
    assert "received_at" in response.json()


def test_it_rejects_a_call_received_centuries_ago(as_alice):
    response = as_alice.post(
        CALLS, {**ROBBERY_AT_310_MAIN, "received_at": "0202-06-01T12:00:00Z"}, format="json"
    )

    assert response.status_code == 400
    assert "received_at" in response.json()


def test_a_received_time_within_the_configured_limit_is_kept_and_one_beyond_it_refused(as_alice, settings):
    settings.CAD_RECEIVED_AT_MAX_AGE_HOURS = 2
    began = timezone.now() - timedelta(minutes=90)
    response = as_alice.post(CALLS, {**ROBBERY_AT_310_MAIN, "received_at": began.isoformat()}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert datetime.fromisoformat(body["received_at"]) == began
    assert datetime.fromisoformat(body["entered_at"]) - began >= timedelta(minutes=90)

    too_old = (timezone.now() - timedelta(hours=3)).isoformat()
    response = as_alice.post(CALLS, {**ROBBERY_AT_310_MAIN, "received_at": too_old}, format="json")
    assert response.status_code == 400
    assert response.json()["received_at"] == ["More than 2 hours ago; enter a report instead of a call."]


@pytest.mark.parametrize("path", [CALLS, "{call}dispatch/", "{call}notes/", "{call}close/"])
def test_malformed_json_is_400(as_alice, call, path):
    response = as_alice.post(
        path.format(call=url(call)), '{"call_type": "ROBBERY", ', content_type="application/json"
    )

    assert response.status_code == 400
    assert "detail" in response.json()


def test_it_updates_a_call_and_logs_old_and_new(as_alice, call):
    response = as_alice.patch(
        url(call), {"narrative": "Two suspects", "caller": {"name": "Lee"}}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["narrative"] == "Two suspects"
    assert body["caller"]["name"] == "Lee"
    change = body["chronology"][-1]
    assert change["kind"] == "changed"
    assert change["by"] == "dispatcher1"
    assert change["changes"]["narrative"] == ["", "Two suspects"]
    assert change["changes"]["caller_name"] == ["", "Lee"]


def test_it_changes_the_priority_of_a_call(as_alice, call):
    response = as_alice.patch(url(call), {"priority": 3}, format="json")

    assert response.status_code == 200
    assert response.json()["priority"] == 3
    assert response.json()["chronology"][-1]["changes"]["priority"][1] == "P3 Prompt"


def test_it_moves_a_call_to_a_new_location(as_alice, call):
    response = as_alice.patch(url(call), {"location": {"address": "711 cedar street"}}, format="json")

    assert response.status_code == 200
    assert response.json()["location"]["address"] == "711 CEDAR ST"
    assert response.json()["location"]["beat"] == "6"


def test_changing_the_callers_name_keeps_the_callers_phone(as_alice, alice):
    call = services.call_create(
        call_type=CallType.objects.get(code="ROBBERY"), location={"address": "310 MAIN ST"},
        by=alice, caller_name="Pat", caller_phone="555-0100",
    )

    response = as_alice.patch(url(call), {"caller": {"name": "Pat Doe"}}, format="json")

    assert response.status_code == 200
    assert response.json()["caller"] == {"name": "Pat Doe", "phone": "555-0100"}


def test_a_call_cannot_be_replaced_or_deleted_through_the_api(as_sam, call):
    assert as_sam.put(url(call), ROBBERY_AT_310_MAIN, format="json").status_code == 405
    assert as_sam.delete(url(call)).status_code == 405
    assert Call.objects.filter(pk=call.pk).exists()


@pytest.mark.parametrize("body,field", [
    ({"priority": 9}, "priority"),
    ({"call_type": "NOPE"}, "call_type"),
    ({"location": {"lon": -94.29}}, "location"),
])
def test_it_rejects_a_bad_update_with_field_errors(as_alice, call, body, field):
    response = as_alice.patch(url(call), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert Call.objects.get(pk=call.pk).priority_id == 1


def test_it_refuses_to_update_a_closed_call(as_alice, alice, call):
    close(call, alice)

    response = as_alice.patch(url(call), {"narrative": "late detail"}, format="json")

    assert response.status_code == 409
    assert "detail" in response.json()


def test_it_dispatches_units_to_a_call(as_alice, call):
    response = as_alice.post(url(call, "dispatch"), {"units": ["1a11", "E1"]}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "dispatched"
    assert body["dispatched_at"] is not None
    assert {u["callsign"] for u in body["units"]} == {"1A11", "E1"}
    assert {a["unit"]: a["dispatched_by"] for a in body["assignments"]} == {
        "1A11": "dispatcher1", "E1": "dispatcher1"}
    assert unit_status("1A11") == unit_status("E1") == "dispatched"


def test_it_rejects_a_busy_unit_and_dispatches_nothing(as_alice, alice, call, other_call):
    dispatch(other_call, "1A12", by=alice)

    response = as_alice.post(url(call, "dispatch"), {"units": ["1A11", "1A12"]}, format="json")

    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert "1A12" in response.json()["detail"]
    assert unit_status("1A11") == "available"
    after = as_alice.get(url(call)).json()
    assert after["status"] == "pending"
    assert after["units"] == [] and after["assignments"] == []
    assert [e["kind"] for e in after["chronology"]] == ["created"]


def test_it_rejects_an_out_of_service_unit(as_alice, alice, call):
    unit_status_set(unit=Unit.objects.get(callsign="1A11"), status="out_of_service", by=alice)

    response = as_alice.post(url(call, "dispatch"), {"units": ["1A11"]}, format="json")

    assert response.status_code == 409
    assert "1A11" in response.json()["detail"]


def test_it_refuses_to_dispatch_to_a_closed_call(as_alice, alice, call):
    close(call, alice)

    response = as_alice.post(url(call, "dispatch"), {"units": ["1A11"]}, format="json")

    assert response.status_code == 409
    assert unit_status("1A11") == "available"


@pytest.mark.parametrize("body", [
    {"units": ["1A11", "9Z99"]},
    {"units": []},
    {},
    {"units": "1A11"},
])
def test_it_rejects_a_bad_unit_list_with_field_errors(as_alice, call, body):
    response = as_alice.post(url(call, "dispatch"), body, format="json")

    assert response.status_code == 400
    assert "units" in response.json()
    assert unit_status("1A11") == "available"


def test_it_names_the_unknown_unit(as_alice, call):
    response = as_alice.post(url(call, "dispatch"), {"units": ["9Z99"]}, format="json")

    assert "9Z99" in response.json()["units"][0]


def test_it_adds_a_note_to_the_chronology(as_sam, call):
    response = as_sam.post(url(call, "notes"), {"text": "  Suspect in red hoodie  "}, format="json")

    assert response.status_code == 201
    assert response.json()["text"] == "Suspect in red hoodie"
    assert response.json()["by"] == "supervisor1"
    assert as_sam.get(url(call)).json()["chronology"][-1]["text"] == "Suspect in red hoodie"


def test_it_adds_a_note_to_a_closed_call(as_alice, alice, call):
    close(call, alice)

    assert as_alice.post(url(call, "notes"), {"text": "Follow-up"}, format="json").status_code == 201


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "   "}, {}])
def test_it_rejects_a_note_without_text(as_alice, call, body):
    response = as_alice.post(url(call, "notes"), body, format="json")

    assert response.status_code == 400
    assert "text" in response.json()
    assert ChronologyEntry.objects.filter(call=call, kind="note").count() == 0


def test_it_closes_a_call_and_frees_its_units(as_alice, alice, call):
    dispatch(call, "1A11", by=alice)

    response = as_alice.post(url(call, "close"), {"disposition": "02"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "closed"
    assert body["disposition"]["code"] == "02"
    assert body["closed_at"] is not None
    assert body["units"] == []
    assert unit_status("1A11") == "available"


@pytest.mark.parametrize("body", [{"disposition": "ZZZ"}, {}])
def test_it_rejects_an_unknown_disposition(as_alice, call, body):
    response = as_alice.post(url(call, "close"), body, format="json")

    assert response.status_code == 400
    assert "disposition" in response.json()
    assert Call.objects.get(pk=call.pk).status == "pending"


def test_closing_a_closed_call_is_409(as_alice, alice, call):
    close(call, alice)

    response = as_alice.post(url(call, "close"), {"disposition": "04"}, format="json")

    assert response.status_code == 409
    assert "detail" in response.json()
    assert Call.objects.get(pk=call.pk).disposition.code == "02"


def test_it_reopens_a_closed_call_to_the_pending_queue(as_alice, alice, call):
    close(call, alice)

    response = as_alice.post(url(call, "reopen"), {"reason": "Caller rang back"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "pending"
    assert body["disposition"] is None and body["closed_at"] is None
    assert body["chronology"][-1]["kind"] == "reopened"
    assert body["chronology"][-1]["text"] == "Caller rang back"


def test_reopening_an_open_call_is_409(as_alice, call):
    response = as_alice.post(url(call, "reopen"), {}, format="json")

    assert response.status_code == 409
    assert "detail" in response.json()


def test_it_links_a_duplicate_to_its_master_and_its_unit_follows(as_alice, alice, call, other_call):
    dispatch(call, "1A11", by=alice)

    response = as_alice.post(url(call, "link"), {"master": other_call.number}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "closed"
    assert body["disposition"]["code"] == "22"
    assert body["master"] == other_call.number
    assert body["units"] == []
    assert unit_status("1A11") == "dispatched"
    master = as_alice.get(url(other_call)).json()
    assert [u["callsign"] for u in master["units"]] == ["1A11"]
    assert master["status"] == "dispatched"
    assert master["duplicates"] == [call.number]
    assert master["chronology"][-1]["kind"] == "duplicate_added"


def test_it_links_a_duplicate_given_the_masters_id(as_alice, call, other_call):
    response = as_alice.post(url(call, "link"), {"master": str(other_call.pk)}, format="json")

    assert response.status_code == 200
    assert response.json()["master"] == other_call.number


@pytest.mark.parametrize("master", ["2020-999999", "999999", "not-a-call", "", "{self}"])
def test_it_rejects_a_bad_master(as_alice, call, master):
    master = master.format(self=call.number)

    response = as_alice.post(url(call, "link"), {"master": master}, format="json")

    assert response.status_code == 400
    assert "master" in response.json()
    assert Call.objects.get(pk=call.pk).status == "pending"


def test_linking_to_a_closed_master_is_409(as_alice, alice, call, other_call):
    close(other_call, alice)

    response = as_alice.post(url(call, "link"), {"master": other_call.number}, format="json")

    assert response.status_code == 409
    assert Call.objects.get(pk=call.pk).status == "pending"


def test_it_lists_call_types_with_default_priority(as_carol):
    response = as_carol.get("/api/v1/call-types/")

    assert response.status_code == 200
    robbery = next(t for t in response.json() if t["code"] == "ROBBERY")
    assert robbery["default_priority"] == 1
    assert robbery["disciplines"] == ["police"]


def test_it_lists_apco_dispositions(as_carol):
    response = as_carol.get("/api/v1/dispositions/")

    assert response.status_code == 200
    codes = {d["code"]: d["description"] for d in response.json()}
    assert codes["02"] == "No Report Taken"
    assert "22" in codes


def test_it_lists_the_five_priorities(as_carol):
    response = as_carol.get("/api/v1/priorities/")

    assert response.status_code == 200
    assert [p["level"] for p in response.json()] == [1, 2, 3, 4, 5]


def test_reference_data_cannot_be_changed_through_the_api(as_sam):
    response = as_sam.post("/api/v1/call-types/", {"code": "NEW"}, format="json")

    assert response.status_code == 405
    assert not CallType.objects.filter(code="NEW").exists()


def _at(entry: dict) -> datetime:
    return datetime.fromisoformat(entry["at"].replace("Z", "+00:00"))


def test_a_robbery_from_first_ring_to_disposition(as_alice):
    created = as_alice.post(CALLS, {
        "call_type": "ROBBERY",
        "location": {"address": "310 MAIN ST"},
        "caller": {"name": "Clerk at the corner store", "phone": "555-0199"},
        "narrative": "Armed robbery just occurred, suspect on foot",
        "source": "911",
    }, format="json")
    assert created.status_code == 201, created.json()
    call = created.json()
    assert call["priority"] == 1
    assert call["status"] == "pending"
    assert call["location"]["beat"] == "1"
    assert call["location"]["verified"] is True
    path = f"{CALLS}{call['id']}/"

    dispatched = as_alice.post(path + "dispatch/", {"units": ["1A12"]}, format="json")
    assert dispatched.status_code == 200
    assert dispatched.json()["status"] == "dispatched"
    assert dispatched.json()["dispatched_at"] is not None

    second = as_alice.post(CALLS, {"call_type": "NOISE", "location": {"address": "130 OAK ST"}},
                           format="json").json()
    busy = as_alice.post(f"{CALLS}{second['id']}/dispatch/", {"units": ["1A12"]}, format="json")
    assert busy.status_code == 409
    assert "1A12" in busy.json()["detail"]

    enroute = as_alice.post("/api/v1/units/1A12/status/", {"status": "enroute"}, format="json")
    assert enroute.status_code == 200
    assert enroute.json()["status"] == "enroute"
    assert enroute.json()["call"] == call["id"]
    after_enroute = as_alice.get(path).json()
    assert after_enroute["status"] == "enroute"
    assert after_enroute["enroute_at"] is not None
    assert after_enroute["onscene_at"] is None

    onscene = as_alice.post("/api/v1/units/1A12/status/", {"status": "onscene"}, format="json")
    assert onscene.status_code == 200
    after_onscene = as_alice.get(path).json()
    assert after_onscene["status"] == "onscene"
    assert after_onscene["onscene_at"] is not None
    assert after_onscene["assignments"][0]["onscene_at"] == after_onscene["onscene_at"]

    available = as_alice.post("/api/v1/units/1A12/status/", {"status": "available"}, format="json")
    assert available.status_code == 200
    assert available.json()["status"] == "available"
    assert available.json()["call"] is None
    assert as_alice.get(path).json()["units"] == []

    closed = as_alice.post(path + "close/", {"disposition": "02"}, format="json")
    assert closed.status_code == 200
    final = closed.json()
    assert final["status"] == "closed"
    assert final["disposition"]["code"] == "02"
    assert final["closed_at"] is not None
    assignment = final["assignments"][0]
    assert assignment["unit"] == "1A12"
    assert assignment["enroute_at"] and assignment["onscene_at"] and assignment["cleared_at"]

    chronology = final["chronology"]
    assert [(e["kind"], e["unit"]) for e in chronology] == [
        ("created", None),
        ("dispatched", "1A12"),
        ("unit_status", "1A12"),
        ("unit_status", "1A12"),
        ("unit_status", "1A12"),
        ("closed", None),
    ]
    assert {e["by"] for e in chronology} == {"dispatcher1"}
    times = [_at(e) for e in chronology]
    assert times == sorted(times)
    assert "02" in chronology[-1]["text"]


@pytest.mark.parametrize("field", ["status", "number", "disposition"])
def test_a_patch_of_a_field_that_cannot_change_is_refused_not_ignored(as_alice, call, field):
    before = as_alice.get(url(call)).json()

    response = as_alice.patch(url(call), {field: "closed"}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert as_alice.get(url(call)).json()[field] == before[field]
