"""Messages to units in the field: to one unit, every working unit of a beat or an agency, logged
on the call they concern, kept as sent, announced to the consoles; from a unit, to the consoles."""

import pytest

from cad.exceptions import Invalid
from cad.models import Event
from calls.models import ChronologyEntry, Message
from calls.services import message_send
from records.models import AuditEntry
from tests.calls.test_alerts import on_scene, robbery
from tests.conftest import token_client
from units.models import Unit

MESSAGES = "/api/v1/messages/"


def test_a_message_to_a_unit_about_its_call_is_on_the_calls_chronology_and_the_stream(
        as_alice, alice, django_capture_on_commit_callbacks):
    call = robbery(alice, "511 ELM ST")
    on_scene(call, "1A12", alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(MESSAGES, {"to": "1a12", "text": "RP says the suspect left north on foot",
                                            "call": call.pk}, format="json")

    assert response.status_code == 201, response.content
    message = response.json()
    assert (message["to_kind"], message["to"], message["units"]) == ("unit", "1A12", ["1A12"])
    assert message["sent_by"] == "dispatcher1" and message["call_number"] == call.number
    line = ChronologyEntry.objects.filter(call=call, kind="message").get()
    assert line.text == "Message from console to a unit 1A12: RP says the suspect left north on foot"
    event = Event.objects.filter(event="message.sent").latest("seq")
    assert event.data["id"] == message["id"] and event.data["units"] == ["1A12"]
    assert event.call_id is None and event.agency_code == ""  # partners' programs see none
    assert AuditEntry.objects.filter(action="message.send", object=f"message:{message['id']}").count() == 1


def test_a_beat_or_an_agency_reaches_its_working_units_only(as_alice):
    units = Unit.objects.filter(agency__code="CPD")
    off = units.order_by("callsign").first()
    Unit.objects.filter(pk=off.pk).update(status="off_duty")
    working = sorted(units.exclude(pk=off.pk).exclude(status__in=["off_duty", "out_of_service"])
                     .values_list("callsign", flat=True))

    to_agency = as_alice.post(MESSAGES, {"to_kind": "agency", "to": "cpd", "text": "briefing at 0700"},
                              format="json").json()

    assert to_agency["units"] == working and off.callsign not in to_agency["units"]
    beat = Unit.objects.exclude(home_beat=None).first().home_beat
    to_beat = as_alice.post(MESSAGES, {"to_kind": "beat", "to": beat.code, "text": "road closed"},
                            format="json").json()
    assert to_beat["units"] and all(
        Unit.objects.get(callsign=c).home_beat_id == beat.pk for c in to_beat["units"])


def test_a_unit_answers_the_consoles_and_a_console_cannot_send_to_the_consoles(alice):
    unit = Unit.objects.get(callsign="1A12")

    back = message_send(by=alice, text="10-4, en route", to_kind="consoles", from_unit=unit)

    assert (back.to_kind, back.units, back.from_unit) == ("consoles", [], unit)
    with pytest.raises(Invalid) as refused:
        message_send(by=alice, text="hello", to_kind="consoles")
    assert "to_kind" in refused.value.detail


def test_bad_input_is_a_400_naming_the_field_and_nothing_is_sent(as_alice):
    assert as_alice.post(MESSAGES, {"to": "ZZ99", "text": "x"}, format="json").json() == {
        "to": ["There is no unit ZZ99."]}
    assert "text" in as_alice.post(MESSAGES, {"to": "1A12", "text": "   "}, format="json").json()
    assert "text" in as_alice.post(MESSAGES, {"to": "1A12", "text": "x" * 1001}, format="json").json()
    assert "to_kind" in as_alice.post(MESSAGES, {"to_kind": "consoles", "to": "", "text": "x"},
                                      format="json").json()
    assert "to" in as_alice.post(MESSAGES, {"to_kind": "beat", "to": "99", "text": "x"}, format="json").json()
    assert not Message.objects.exists()


def test_clerks_read_but_do_not_send_and_partners_neither(as_alice, as_carol):
    as_alice.post(MESSAGES, {"to": "1A12", "text": "check the alley"}, format="json")

    assert as_carol.get(MESSAGES).status_code == 200
    assert as_carol.post(MESSAGES, {"to": "1A12", "text": "x"}, format="json").status_code == 403
    nfpd = token_client("NFPD")
    assert nfpd.get(MESSAGES).status_code == 403
    assert nfpd.post(MESSAGES, {"to": "E51", "text": "x"}, format="json").status_code == 403
    assert Message.objects.count() == 1


def test_a_message_is_never_changed_once_sent(alice):
    message = message_send(by=alice, text="first", to_kind="unit", to="1A12")
    message.text = "rewritten"
    with pytest.raises(Exception, match="append-only"):
        message.save()
