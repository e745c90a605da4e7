"""The API's one input policy (README, "The API"): what is sent is taken as sent, or refused with a
400 naming the field. Each case here was accepted and saved differently, or silently defaulted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import Call
from units.models import Unit

CALLS = "/api/v1/calls/"


def create(client, **body):
    return client.post(CALLS, {"call_type": "ROBBERY", "location": {"address": "310 MAIN ST"}, **body},
                       format="json")


def test_an_address_and_coordinates_that_disagree_are_refused_naming_both(as_alice):
    response = create(as_alice, location={"address": "310 MAIN ST", "lat": 39.0, "lon": -94.28})
    assert response.status_code == 400
    [message] = response.json()["location"]
    assert "310 MAIN ST" in message and "39.000000, -94.280000" in message
    assert not Call.objects.exists()


def test_an_address_and_coordinates_that_agree_are_one_place(as_alice):
    point = as_alice.get("/api/v1/addresses/", {"q": "310 MAIN ST"}).json()[0]
    response = create(as_alice, location={"address": "310 MAIN ST", "lat": point["lat"] + 0.0003,
                                          "lon": point["lon"]})
    assert response.status_code == 201, response.json()
    location = response.json()["location"]
    assert (location["address"], location["verified"]) == ("310 MAIN ST", True)


@pytest.mark.parametrize("body, field", [
    ({"location": {"address": 310}}, "location"),
    ({"caller": {"name": 5}}, "caller"),
    ({"caller": {"phone": 8165550100}}, "caller"),
    ({"narrative": 7}, "narrative"),
    ({"priority": "1"}, "priority"),
    ({"priority": True}, "priority"),
    ({"source": 911}, "source"),
    ({"location": {"lat": "39.01", "lon": -94.28}}, "location"),
    ({"received_at": 1764563400}, "received_at"),
])
def test_a_value_of_the_wrong_json_type_is_refused_not_coerced(as_alice, body, field):
    response = create(as_alice, **body)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not Call.objects.exists()


@pytest.mark.parametrize("field", ["status", "id", "number", "dispatched_at"])
def test_a_field_the_create_does_not_take_is_refused_as_patch_refuses_it(as_alice, field):
    response = create(as_alice, **{field: "closed"})
    assert response.status_code == 400
    assert field in response.json()
    assert not Call.objects.exists()


def test_a_field_the_location_or_the_caller_does_not_take_is_refused(as_alice):
    response = create(as_alice, location={"address": "310 MAIN ST", "city": "DEMO"}, caller={"mail": "x"})
    assert response.status_code == 400
    assert "city" in response.json()["location"] and "mail" in response.json()["caller"]


@pytest.mark.parametrize("path, parameter", [
    ("/api/v1/alerts/?state=garbage", "state"),
    ("/api/v1/calls/?page_size=-5", "page_size"),
    ("/api/v1/calls/?page_size=0", "page_size"),
    ("/api/v1/calls/?page_size=501", "page_size"),
    ("/api/v1/calls/?page_size=ten", "page_size"),
    ("/api/v1/calls/?call_type=NOSUCH", "call_type"),
    ("/api/v1/calls/?beat=99", "beat"),
    ("/api/v1/calls/?unit=9Z99", "unit"),
    ("/api/v1/units/?agency=NOPE", "agency"),
    ("/api/v1/units/?discipline=plumbing", "discipline"),
    ("/api/v1/calls/?since=2026-12-01T04:00:00", "since"),
    ("/api/v1/calls/?since=2026-12-01", "since"),
])
def test_a_query_value_that_cannot_be_meant_is_a_400_naming_it(as_alice, path, parameter):
    response = as_alice.get(path)
    assert response.status_code == 400, response.content
    assert parameter in response.json()


def test_known_query_values_still_answer(as_alice):
    for path in ("/api/v1/alerts/?state=all", "/api/v1/calls/?page_size=500",
                 "/api/v1/calls/?call_type=robbery", "/api/v1/units/?agency=cpd&discipline=POLICE",
                 "/api/v1/calls/?since=2026-12-01T04:00:00Z"):
        assert as_alice.get(path).status_code == 200, path


def test_a_query_value_sent_empty_is_not_sent(as_alice):
    # As an HTML form sends a blank field: the default, the same as leaving it out (the schema
    # says allowEmptyValue).
    for path in ("/api/v1/calls/?page_size=", "/api/v1/calls/?since=&call_type=", "/api/v1/alerts/?state="):
        empty = as_alice.get(path)
        assert empty.status_code == 200, (path, empty.content)
        assert empty.json() == as_alice.get(path.split("?")[0]).json(), path


@pytest.mark.parametrize("at", ["2026-12-01T04:30:00Z\u0000", "2026-12-01T04:30:00", "2026-12-01 04:30:00Z",
                                "2026-12-01T04:30:00Zjunk", "yesterday", ""])
def test_a_units_fix_time_is_parsed_strictly(as_alice, at):
    before = Unit.objects.get(callsign="2A11").location_at
    response = as_alice.post("/api/v1/units/2A11/location/", {"lat": 39.01, "lon": -94.28, "at": at},
                             format="json")
    assert response.status_code == 400, response.json()
    assert "at" in response.json()
    assert Unit.objects.get(callsign="2A11").location_at == before


def test_a_fix_time_with_its_offset_is_taken(as_alice):
    taken = (timezone.now() + timedelta(seconds=5)).replace(microsecond=0)
    at = taken.astimezone(timezone.get_fixed_timezone(-360)).isoformat()  # e.g. …T22:30:00-06:00
    response = as_alice.post("/api/v1/units/2A11/location/", {"lat": 39.01, "lon": -94.28, "at": at},
                             format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["location"]["at"] == taken.isoformat().replace("+00:00", "Z")
