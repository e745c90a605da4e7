"""The units API: the status board's list, one unit, and status changes by role and by rule."""

from datetime import datetime

import pytest

from calls import services
from calls.models import CallType
from units.models import Unit, UnitStatusChange
from units.services import unit_status_set

UNITS = "/api/v1/units/"


def status_url(callsign: str) -> str:
    return f"{UNITS}{callsign}/status/"


def unit_status(callsign: str) -> str:
    return Unit.objects.get(callsign=callsign).status


def callsigns(response) -> set[str]:
    return {u["callsign"] for u in response.json()}


@pytest.fixture
def robbery(alice):
    return services.call_create(
        call_type=CallType.objects.get(code="ROBBERY"), location={"address": "310 MAIN ST"}, by=alice
    )


@pytest.fixture
def dispatched_1a12(alice, robbery):
    services.call_dispatch(call=robbery, units=[Unit.objects.get(callsign="1A12")], by=alice)
    return robbery


def test_it_lists_every_unit_with_its_status_and_call(as_carol):
    response = as_carol.get(UNITS)

    assert response.status_code == 200
    assert len(response.json()) == Unit.objects.count()
    assert callsigns(response) == set(Unit.objects.values_list("callsign", flat=True))
    unit = next(u for u in response.json() if u["callsign"] == "1A12")
    assert set(unit) >= {"callsign", "agency", "status", "status_since", "call", "location"}
    assert unit["agency"] == "CPD"
    assert unit["status"] == "available"
    assert unit["call"] is None
    assert datetime.fromisoformat(unit["status_since"].replace("Z", "+00:00"))
    assert set(unit["location"]) >= {"lat", "lon"}


def test_a_dispatched_unit_shows_its_call(as_alice, dispatched_1a12):
    unit = as_alice.get(f"{UNITS}1A12/").json()

    assert unit["status"] == "dispatched"
    assert unit["call"] == dispatched_1a12.pk


@pytest.mark.parametrize("query,expected", [
    ({"agency": "cfd"}, {"E1", "E2", "E3", "L1", "M1", "M2", "M3", "BC1"}),
    ({"agency": "DCSO"}, {"S21", "S22", "S23"}),
    ({"discipline": "ems"}, {"M1", "M2", "M3", "M51"}),
    ({"agency": "CFD", "unit_type": "engine"}, {"E1", "E2", "E3"}),
])
def test_it_filters_units(as_alice, query, expected):
    response = as_alice.get(UNITS, query)

    assert response.status_code == 200
    assert callsigns(response) == expected


def test_it_filters_units_by_status(as_alice, dispatched_1a12):
    assert callsigns(as_alice.get(UNITS, {"status": "dispatched"})) == {"1A12"}
    assert "1A12" not in callsigns(as_alice.get(UNITS, {"status": "available"}))


def test_a_bad_status_filter_is_400(as_alice):
    response = as_alice.get(UNITS, {"status": "napping"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_it_shows_one_unit_by_callsign(as_carol):
    response = as_carol.get(f"{UNITS}E1/")

    assert response.status_code == 200
    assert response.json()["callsign"] == "E1"
    assert response.json()["agency"] == "CFD"


def test_an_unknown_unit_is_404(as_alice):
    assert as_alice.get(f"{UNITS}9Z99/").status_code == 404
    assert as_alice.post(status_url("9Z99"), {"status": "available"}, format="json").status_code == 404


@pytest.mark.parametrize("path", [UNITS, f"{UNITS}1A12/"])
def test_anonymous_gets_401_on_units(db, anonymous, path):
    assert anonymous.get(path).status_code == 401


def test_anonymous_cannot_change_a_status(db, anonymous):
    response = anonymous.post(status_url("1A12"), {"status": "out_of_service"}, format="json")

    assert response.status_code == 401
    assert unit_status("1A12") == "available"


def test_a_records_clerk_cannot_change_a_status(as_carol):
    response = as_carol.post(status_url("1A12"), {"status": "out_of_service"}, format="json")

    assert response.status_code == 403
    assert unit_status("1A12") == "available"
    assert not UnitStatusChange.objects.filter(unit__callsign="1A12").exists()


@pytest.mark.parametrize("client,username", [
    ("as_alice", "dispatcher1"), ("as_sam", "supervisor1"), ("as_cpd_token", "agency-CPD"),
])
def test_dispatchers_supervisors_and_the_center_token_change_a_status(
    db, request, client, username
):
    before = Unit.objects.get(callsign="1A12").status_since

    response = request.getfixturevalue(client).post(
        status_url("1A12"), {"status": "out_of_service"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "out_of_service"
    assert response.json()["eido_status"] == {"primary": "NotAvailable", "secondary": "OutofService"}
    unit = Unit.objects.get(callsign="1A12")
    assert unit.status == "out_of_service" and unit.status_since > before
    change = UnitStatusChange.objects.get(unit=unit)
    assert (change.from_status, change.to_status, change.by.username) == (
        "available", "out_of_service", username)


def test_a_unit_comes_back_into_service(as_alice, alice):
    unit_status_set(unit=Unit.objects.get(callsign="E1"), status="out_of_service", by=alice)

    response = as_alice.post(status_url("E1"), {"status": "available"}, format="json")

    assert response.status_code == 200
    assert unit_status("E1") == "available"


@pytest.mark.parametrize("to_status", ["enroute", "onscene", "transporting", "at_hospital"])
def test_an_available_unit_cannot_jump_onto_a_call(as_alice, to_status):
    response = as_alice.post(status_url("1A12"), {"status": to_status}, format="json")

    assert response.status_code == 409
    assert "1A12" in response.json()["detail"]
    assert unit_status("1A12") == "available"


def test_no_unit_is_dispatched_through_its_status(as_alice):
    response = as_alice.post(status_url("1A12"), {"status": "dispatched"}, format="json")

    assert response.status_code == 409
    assert "detail" in response.json()
    assert unit_status("1A12") == "available"


def test_a_unit_on_a_call_cannot_be_set_back_to_dispatched(as_alice, dispatched_1a12):
    as_alice.post(status_url("1A12"), {"status": "enroute"}, format="json")

    response = as_alice.post(status_url("1A12"), {"status": "dispatched"}, format="json")

    assert response.status_code == 409
    assert unit_status("1A12") == "enroute"


def test_an_off_duty_unit_cannot_go_on_scene(as_alice, alice):
    unit_status_set(unit=Unit.objects.get(callsign="1A11"), status="off_duty", by=alice)

    response = as_alice.post(status_url("1A11"), {"status": "onscene"}, format="json")

    assert response.status_code == 409
    assert unit_status("1A11") == "off_duty"


@pytest.mark.parametrize("body", [{"status": "asleep"}, {"status": ""}, {}, {"status": None}])
def test_an_unknown_status_is_400(as_alice, body):
    response = as_alice.post(status_url("1A12"), body, format="json")

    assert response.status_code == 400
    assert "status" in response.json()
    assert unit_status("1A12") == "available"


def test_en_route_and_on_scene_stamp_the_call(as_alice, dispatched_1a12):
    assert as_alice.post(status_url("1A12"), {"status": "enroute"}, format="json").status_code == 200
    assert as_alice.post(status_url("1A12"), {"status": "onscene"}, format="json").status_code == 200

    call = as_alice.get(f"/api/v1/calls/{dispatched_1a12.pk}/").json()
    assert call["status"] == "onscene"
    assert call["enroute_at"] is not None and call["onscene_at"] is not None
    assert call["enroute_at"] <= call["onscene_at"]


def test_the_sheriff_token_sees_only_its_own_units(as_sheriff_token):
    response = as_sheriff_token.get(UNITS)

    assert response.status_code == 200
    assert callsigns(response) == {"S21", "S22", "S23"}
    assert {u["agency"] for u in response.json()} == {"DCSO"}


def test_the_sheriff_token_cannot_see_another_agencys_unit(as_sheriff_token):
    assert as_sheriff_token.get(f"{UNITS}S21/").status_code == 200
    assert as_sheriff_token.get(f"{UNITS}1A12/").status_code == 404


def test_the_sheriff_token_sets_its_own_units_status(as_sheriff_token):
    response = as_sheriff_token.post(status_url("S21"), {"status": "out_of_service"}, format="json")

    assert response.status_code == 200
    assert unit_status("S21") == "out_of_service"
    change = UnitStatusChange.objects.get(unit__callsign="S21")
    assert change.by.username == "agency-DCSO"


def test_the_sheriff_token_gets_404_for_another_agencys_unit(as_sheriff_token):
    response = as_sheriff_token.post(status_url("1A12"), {"status": "out_of_service"}, format="json")

    assert response.status_code == 404
    assert unit_status("1A12") == "available"


def test_the_sheriff_token_cannot_dispatch_its_own_unit_through_its_status(as_sheriff_token):
    response = as_sheriff_token.post(status_url("S21"), {"status": "dispatched"}, format="json")

    assert response.status_code == 409
    assert unit_status("S21") == "available"
