"""The unit terminal's API: an officer signs on to a unit and acts for that unit only."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from calls.models import Alert, Call, CallType, ChronologyEntry, StatusCheckRule
from calls.services import call_create, call_dispatch, timers_check
from records.models import AuditEntry
from tests.conftest import client_for, token_client
from units.models import FieldAction, Unit

TERMINAL = "/api/v1/terminal/"


def officer(n):
    return get_user_model().objects.get(username=f"officer{n}")


@pytest.fixture
def as_officer1(db):
    return client_for(officer(1))


@pytest.fixture
def as_officer2(db):
    return client_for(officer(2))


def signed_on(client, callsign="1A12"):
    response = client.post(f"{TERMINAL}sign-on/", {"unit": callsign}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def dispatched(alice, callsign="1A12", address="511 ELM ST"):
    call = call_create(call_type=CallType.objects.get(code="FIGHT"), location={"address": address}, by=alice,
                       narrative="Two men fighting outside")
    return call_dispatch(call=call, units=[Unit.objects.get(callsign=callsign)], by=alice)


def test_an_officer_not_signed_on_is_offered_their_agencys_units(as_officer1):
    terminal = as_officer1.get(TERMINAL).json()
    assert terminal["shift"] is None and terminal["unit"] is None
    offered = {u["callsign"] for u in terminal["signable_units"]}
    assert "1A12" in offered and "E1" not in offered


def test_signing_on_shows_the_unit_and_its_statuses(as_officer1):
    terminal = signed_on(as_officer1)
    assert terminal["unit"]["callsign"] == "1A12"
    assert terminal["officers"] == ["officer1"]
    assert terminal["shift"]["unit"] == "1A12"


def test_a_dispatcher_may_not_use_the_terminal(as_alice):
    assert as_alice.get(TERMINAL).status_code == 403
    assert as_alice.post(f"{TERMINAL}status/", {"status": "enroute"}, format="json").status_code == 403


def test_a_partners_token_may_not_use_the_terminal(db):
    assert token_client("DCSO").get(TERMINAL).status_code == 403


def test_an_officer_may_not_change_a_unit_they_are_not_signed_on_to(as_officer1, as_officer2, alice):
    signed_on(as_officer1, "1A12")
    signed_on(as_officer2, "1A11")
    dispatched(alice, "1A12")
    response = as_officer2.post("/api/v1/units/1A12/status/", {"status": "enroute"}, format="json")
    assert response.status_code == 403
    assert Unit.objects.get(callsign="1A12").status == "dispatched"


def test_an_officer_not_signed_on_may_not_set_a_status(as_officer1):
    response = as_officer1.post(f"{TERMINAL}status/", {"status": "enroute"}, format="json")
    assert response.status_code == 403
    assert "sign on" in response.json()["detail"]


def test_en_route_then_on_scene_moves_the_unit_and_the_call(as_officer1, alice):
    signed_on(as_officer1)
    call = dispatched(alice)
    terminal = as_officer1.post(f"{TERMINAL}status/", {"status": "enroute"}, format="json").json()
    assert terminal["unit"]["status"] == "enroute"
    assert "onscene" in terminal["allowed_statuses"]
    as_officer1.post(f"{TERMINAL}status/", {"status": "onscene"}, format="json")
    call.refresh_from_db()
    assert call.status == "onscene" and call.onscene_at is not None
    assert AuditEntry.objects.filter(action="unit.status", user=officer(1)).count() == 2


def test_a_status_the_unit_may_not_take_is_a_409_with_the_reason(as_officer1):
    signed_on(as_officer1)
    response = as_officer1.post(f"{TERMINAL}status/", {"status": "transporting"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "1A12 cannot go from available to transporting."
    assert Unit.objects.get(callsign="1A12").status == "available"


def test_the_terminal_shows_the_call_with_officer_safety_flags_and_its_chronology(as_officer1, alice):
    signed_on(as_officer1)
    dispatched(alice, address="511 ELM ST")
    call = as_officer1.get(TERMINAL).json()["call"]
    assert call["location"]["address"] == "511 ELM ST"
    assert "officer_safety" in [f["kind"] for f in call["premise_flags"]]
    assert call["narrative"] == "Two men fighting outside"
    assert [u["callsign"] for u in call["units"]] == ["1A12"]
    assert any("1A12" in (e["text"] or "") or e["unit"] == "1A12" for e in call["chronology"])


def test_a_note_from_the_terminal_goes_in_the_calls_chronology_marked_with_the_unit(as_officer1, alice):
    signed_on(as_officer1)
    call = dispatched(alice)
    response = as_officer1.post(f"{TERMINAL}notes/", {"text": "<b>suspect</b> fled north"}, format="json")
    assert response.status_code == 201
    entry = ChronologyEntry.objects.get(call=call, kind="note")
    assert (entry.text, entry.unit.callsign, entry.by.username) == (
        "<b>suspect</b> fled north", "1A12", "officer1")


def test_a_note_without_a_call_is_refused(as_officer1):
    signed_on(as_officer1)
    assert as_officer1.post(f"{TERMINAL}notes/", {"text": "hello"}, format="json").status_code == 400


def test_a_traffic_stop_makes_a_call_with_the_unit_on_scene_and_its_status_check_raised_on_time(
        as_officer1, alice):
    StatusCheckRule.objects.filter(status="onscene", call_type__code="TSTOP").update(interval_seconds=2)
    signed_on(as_officer1)
    response = as_officer1.post(f"{TERMINAL}traffic-stop/", {"address": "310 MAIN ST"}, format="json")
    assert response.status_code == 201, response.content
    terminal = response.json()
    assert terminal["unit"]["status"] == "onscene"
    call = Call.objects.get(pk=terminal["call"]["id"])
    assert (call.call_type.code, call.source, call.status) == ("TSTOP", "self_initiated", "onscene")
    unit = Unit.objects.get(callsign="1A12")
    assert timers_check(now=unit.status_since + timedelta(seconds=1)).raised == 0
    assert timers_check(now=unit.status_since + timedelta(seconds=2)).raised == 1
    alert = Alert.objects.get(kind="status_check", unit=unit)
    assert alert.call_id == call.pk


def test_a_traffic_stop_at_the_units_last_location_needs_one(as_officer1):
    signed_on(as_officer1)
    Unit.objects.filter(callsign="1A12").update(last_lat=None, last_lon=None)
    response = as_officer1.post(f"{TERMINAL}traffic-stop/", {}, format="json")
    assert response.status_code == 400
    assert "location" in response.json()


def test_a_traffic_stop_by_a_busy_unit_is_a_409(as_officer1, alice):
    signed_on(as_officer1)
    dispatched(alice)
    response = as_officer1.post(f"{TERMINAL}traffic-stop/", {"address": "310 MAIN ST"}, format="json")
    assert response.status_code == 409
    assert Call.objects.filter(call_type__code="TSTOP").count() == 0


def test_signing_off_ends_the_shift(as_officer1):
    signed_on(as_officer1)
    terminal = as_officer1.post(f"{TERMINAL}sign-off/").json()
    assert terminal["shift"] is None
    response = as_officer1.post(f"{TERMINAL}status/", {"status": "out_of_service"}, format="json")
    assert response.status_code == 403


def test_the_terminal_page_is_for_officers(as_officer1, as_alice):
    assert as_officer1.get("/unit/").status_code == 200
    assert as_alice.get("/unit/").status_code == 403


def test_a_status_sent_again_with_its_client_id_is_answered_the_same_and_applied_once(as_officer1, alice):
    signed_on(as_officer1)
    dispatched(alice)
    change = {"status": "enroute", "client_id": "5f0c6f0e-8a51-4a53-9a7e-2f1f4f3c2a10",
              "device_at": "2026-01-01T10:00:00+00:00"}
    first = as_officer1.post(f"{TERMINAL}status/", change, format="json")
    again = as_officer1.post(f"{TERMINAL}status/", change, format="json")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    unit = Unit.objects.get(callsign="1A12")
    assert unit.status_history.filter(to_status="enroute").count() == 1
    action = FieldAction.objects.get(client_id=change["client_id"])
    assert action.device_at.isoformat() == "2026-01-01T10:00:00+00:00"
    assert action.received_at > action.device_at  # both kept; the change is stamped with the server's
    assert unit.status_history.get(to_status="enroute").at == unit.status_since


def test_a_note_sent_twice_with_its_client_id_is_in_the_chronology_once(as_officer1, alice):
    signed_on(as_officer1)
    call = dispatched(alice)
    note = {"text": "plate ABC123", "client_id": "0d7b8a2e-1111-4c1e-9d0e-3f5b6a7c8d9e"}
    first = as_officer1.post(f"{TERMINAL}notes/", note, format="json")
    again = as_officer1.post(f"{TERMINAL}notes/", note, format="json")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert ChronologyEntry.objects.filter(call=call, kind="note", text="plate ABC123").count() == 1


def test_a_client_id_used_for_another_change_is_a_409(as_officer1, alice):
    signed_on(as_officer1)
    dispatched(alice)
    client_id = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
    as_officer1.post(f"{TERMINAL}status/", {"status": "enroute", "client_id": client_id}, format="json")
    response = as_officer1.post(f"{TERMINAL}notes/", {"text": "x", "client_id": client_id}, format="json")
    assert response.status_code == 409


def test_an_officer_lands_on_the_unit_terminal_when_signing_in(db, client):
    person = officer(1)
    person.set_password("terminal-test-password")
    person.save()
    response = client.post("/accounts/login/", {"username": "officer1", "password": "terminal-test-password"})
    assert response.status_code == 302 and response["Location"] == "/unit/"


def test_the_emergency_button_raises_the_units_emergency_where_the_device_is(as_officer1, as_alice, alice):
    dispatched(alice)
    signed_on(as_officer1)

    pressed = as_officer1.post(f"{TERMINAL}emergency/", {"lat": 39.0098, "lon": -94.2872}, format="json")
    again = as_officer1.post(f"{TERMINAL}emergency/", {}, format="json")

    assert (pressed.status_code, again.status_code) == (201, 200), pressed.content
    alert = pressed.json()
    assert alert["kind"] == "emergency" and alert["unit"] == "1A12" and alert["escalated"] is True
    assert (alert["lat"], alert["lon"]) == (39.0098, -94.2872)
    assert alert["call_number"] and "(39.00980, -94.28720)" in alert["text"]
    assert AuditEntry.objects.get(action="unit.emergency").user == officer(1)
    # The officer cannot acknowledge their own emergency: a supervisor does.
    assert as_officer1.post(f"/api/v1/alerts/{alert['id']}/acknowledge/").status_code == 403


def test_an_officer_not_signed_on_has_no_emergency_button_and_a_dispatcher_relays_instead(as_officer2,
                                                                                        as_alice):
    assert as_officer2.post(f"{TERMINAL}emergency/", {}, format="json").status_code == 403
    assert as_alice.post(f"{TERMINAL}emergency/", {}, format="json").status_code == 403
    assert as_officer2.post(f"{TERMINAL}emergency/", {"lat": 39.0}, format="json").status_code in (400, 403)
    assert not Alert.objects.filter(kind="emergency").exists()


def test_a_unit_messages_the_consoles_about_its_call(as_officer1, alice):
    call = dispatched(alice)
    signed_on(as_officer1)

    response = as_officer1.post(f"{TERMINAL}messages/", {"text": "suspect in custody, need a wagon"},
                                format="json")

    assert response.status_code == 201, response.content
    message = response.json()
    assert (message["from_unit"], message["to_kind"], message["units"]) == ("1A12", "consoles", [])
    assert message["call_number"] == call.number and message["sent_by"] == "officer1"
    line = ChronologyEntry.objects.filter(call=call, kind="message").get()
    assert line.text == "Message from 1A12 to the consoles: suspect in custody, need a wagon"
    assert as_officer1.post(f"{TERMINAL}messages/", {"text": ""}, format="json").status_code == 400
