"""What a unit terminal keeps while its link is down and sends when it returns: a message, a traffic
stop, an emergency are applied once per client id, and a change the device made well before the
server received it says so in the call's chronology (stamped, as every line, with the server's time)."""

from datetime import datetime, timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from calls.models import Alert, Call, ChronologyEntry, Message
from tests.calls.test_terminal_api import TERMINAL, dispatched, officer, signed_on
from tests.conftest import client_for
from units.models import FieldAction


@pytest.fixture
def as_officer1(db):
    return client_for(officer(1))


def made(seconds_ago: int) -> str:
    return (timezone.now() - timedelta(seconds=seconds_ago)).isoformat()


def device_clock(iso: str) -> str:
    return f"{timezone.localtime(datetime.fromisoformat(iso)):%H:%M:%S}"


def sent_twice(client, path, body):
    first = client.post(f"{TERMINAL}{path}", body, format="json")
    again = client.post(f"{TERMINAL}{path}", body, format="json")
    assert first.status_code in (200, 201), first.content
    assert again.status_code == first.status_code
    assert again.json() == first.json()
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    return first.json()


def test_a_message_sent_twice_with_its_client_id_reaches_the_consoles_once(as_officer1, alice):
    call = dispatched(alice)
    signed_on(as_officer1)
    message = sent_twice(as_officer1, "messages/", {
        "text": "need a wagon", "client_id": str(uuid4()), "device_at": made(5)})
    assert Message.objects.filter(text="need a wagon").count() == 1
    assert message["call_number"] == call.number
    assert ChronologyEntry.objects.filter(call=call, kind="message").count() == 1


def test_a_traffic_stop_sent_twice_with_its_client_id_makes_one_call(as_officer1):
    signed_on(as_officer1)
    client_id = str(uuid4())
    terminal = sent_twice(as_officer1, "traffic-stop/", {
        "address": "310 MAIN ST", "client_id": client_id, "device_at": made(5)})
    assert Call.objects.filter(call_type__code="TSTOP").count() == 1
    assert terminal["call"]["location"]["address"] == "310 MAIN ST"
    assert FieldAction.objects.get(client_id=client_id).kind == "traffic_stop"


def test_a_traffic_stop_is_placed_where_the_device_was_when_it_was_tapped(as_officer1):
    signed_on(as_officer1)
    response = as_officer1.post(f"{TERMINAL}traffic-stop/", {
        "lat": 39.0122, "lon": -94.2872, "client_id": str(uuid4()),
        "device_at": made(120)}, format="json")
    assert response.status_code == 201, response.content
    call = Call.objects.get(pk=response.json()["call"]["id"])
    assert (call.lat, call.lon) == (39.0122, -94.2872)


def test_an_emergency_sent_twice_with_its_client_id_raises_one_alert(as_officer1, alice):
    dispatched(alice)
    signed_on(as_officer1)
    alert = sent_twice(as_officer1, "emergency/", {
        "lat": 39.0098, "lon": -94.2872, "client_id": str(uuid4()), "device_at": made(5)})
    assert alert["kind"] == "emergency" and alert["unit"] == "1A12"
    assert Alert.objects.filter(kind="emergency").count() == 1
    assert "offline" not in alert["text"]


def test_a_note_made_offline_says_so_in_the_chronology_stamped_with_the_servers_time(as_officer1, alice):
    signed_on(as_officer1)
    call = dispatched(alice)
    device_at = made(90)
    response = as_officer1.post(f"{TERMINAL}notes/", {
        "text": "suspect fled north", "client_id": str(uuid4()), "device_at": device_at},
        format="json")
    assert response.status_code == 201, response.content
    entry = ChronologyEntry.objects.get(call=call, kind="note")
    assert entry.text == (f"suspect fled north (sent from 1A12 offline, made {device_clock(device_at)} "
                          "by the device's clock)")
    assert entry.at > datetime.fromisoformat(device_at) + timedelta(seconds=80)


def test_a_status_made_offline_says_so_on_its_chronology_line_and_a_timely_one_does_not(as_officer1, alice):
    signed_on(as_officer1)
    call = dispatched(alice)
    device_at = made(45)
    as_officer1.post(f"{TERMINAL}status/", {"status": "enroute", "device_at": device_at,
                                            "client_id": str(uuid4())}, format="json")
    as_officer1.post(f"{TERMINAL}status/", {"status": "onscene", "device_at": made(10),
                                            "client_id": str(uuid4())}, format="json")
    lines = list(ChronologyEntry.objects.filter(call=call, kind="unit_status").values_list("text", flat=True))
    words = f"sent from 1A12 offline, made {device_clock(device_at)} by the device's clock"
    assert f"1A12 en route ({words})" in lines
    assert "1A12 on scene" in lines


def test_a_traffic_stop_made_offline_says_so_where_the_call_was_entered_and_the_unit_arrived(as_officer1):
    signed_on(as_officer1)
    device_at = made(300)
    response = as_officer1.post(f"{TERMINAL}traffic-stop/", {
        "address": "310 MAIN ST", "client_id": str(uuid4()), "device_at": device_at},
        format="json")
    assert response.status_code == 201, response.content
    call = Call.objects.get(pk=response.json()["call"]["id"])
    words = f"sent from 1A12 offline, made {device_clock(device_at)} by the device's clock"
    created = ChronologyEntry.objects.get(call=call, kind="created")
    assert created.text.endswith(f"; {words}")
    arrived = ChronologyEntry.objects.get(call=call, kind="unit_status", text__startswith="1A12 on scene")
    assert arrived.text == f"1A12 on scene ({words})"
    # Its times are the server's, as every call's: the reports read those.
    assert call.received_at > datetime.fromisoformat(device_at) + timedelta(seconds=290)


def test_a_message_or_a_note_sent_in_time_reads_as_typed(as_officer1, alice):
    signed_on(as_officer1)
    call = dispatched(alice)
    as_officer1.post(f"{TERMINAL}notes/", {"text": "all quiet", "device_at": made(20)}, format="json")
    as_officer1.post(f"{TERMINAL}messages/", {"text": "at the door", "device_at": made(20)}, format="json")
    assert ChronologyEntry.objects.get(call=call, kind="note").text == "all quiet"
    assert ChronologyEntry.objects.get(call=call, kind="message").text == (
        "Message from 1A12 to the consoles: at the door")


def test_a_message_made_offline_says_so_on_the_calls_chronology(as_officer1, alice):
    signed_on(as_officer1)
    call = dispatched(alice)
    device_at = made(60)
    as_officer1.post(f"{TERMINAL}messages/", {"text": "at the door", "device_at": device_at}, format="json")
    assert ChronologyEntry.objects.get(call=call, kind="message").text == (
        f"Message from 1A12 to the consoles: at the door (sent from 1A12 offline, made "
        f"{device_clock(device_at)} by the device's clock)")


def test_an_emergency_pressed_offline_says_when_the_device_pressed_it(as_officer1, alice):
    dispatched(alice)
    signed_on(as_officer1)
    device_at = made(100)
    response = as_officer1.post(f"{TERMINAL}emergency/", {"device_at": device_at}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["text"].endswith(
        f"(sent from 1A12 offline, made {device_clock(device_at)} by the device's clock)")


def test_a_note_replayed_after_the_unit_left_its_call_is_answered_as_the_first_time(as_officer1, alice):
    signed_on(as_officer1)
    dispatched(alice)
    note = {"text": "plate ABC123", "client_id": str(uuid4())}
    first = as_officer1.post(f"{TERMINAL}notes/", note, format="json")
    as_officer1.post(f"{TERMINAL}status/", {"status": "available"}, format="json")
    again = as_officer1.post(f"{TERMINAL}notes/", note, format="json")
    assert (first.status_code, again.status_code) == (201, 201), again.content
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
