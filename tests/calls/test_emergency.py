"""A unit's emergency button: the highest alert, with where the unit was, on every console and the
board until a supervisor acknowledges it; pressed again, nothing more."""


from cad.models import Event
from calls.models import Alert, ChronologyEntry
from records.models import AuditEntry
from tests.calls.test_alerts import on_scene, robbery
from tests.conftest import token_client
from units.models import Unit

EMERGENCY = "/api/v1/alerts/emergency/"


def test_a_dispatcher_relays_a_radio_emergency_with_the_units_last_location(as_alice, alice,
                                                                           django_capture_on_commit_callbacks):
    unit = Unit.objects.get(callsign="1A12")
    Unit.objects.filter(pk=unit.pk).update(last_lat=39.0098, last_lon=-94.2872)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(EMERGENCY, {"unit": "1A12"}, format="json")

    assert response.status_code == 201, response.content
    alert = response.json()
    assert alert["kind"] == "emergency" and alert["unit"] == "1A12"
    assert alert["escalated"] is True  # raised at the highest level: first, loudest
    assert (alert["lat"], alert["lon"]) == (39.0098, -94.2872)
    assert alert["text"].startswith("EMERGENCY 1A12: last location ")
    assert "(39.00980, -94.28720)" in alert["text"]
    event = Event.objects.filter(event="alert.raised").latest("seq")
    assert event.data["kind"] == "emergency" and event.data["id"] == alert["id"]
    entry = AuditEntry.objects.get(action="unit.emergency")
    assert entry.user == alice and entry.detail["unit"] == "1A12" and entry.detail["lat"] == 39.0098


def test_pressed_again_while_open_it_raises_nothing_more(as_alice):
    first = as_alice.post(EMERGENCY, {"unit": "1A12", "lat": 39.01, "lon": -94.28}, format="json")
    again = as_alice.post(EMERGENCY, {"unit": "1A12", "lat": 39.02, "lon": -94.29}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Alert.objects.filter(kind="emergency").count() == 1
    assert AuditEntry.objects.filter(action="unit.emergency").count() == 1


def test_on_a_call_it_names_the_call_and_goes_on_its_chronology(as_alice, alice):
    call = robbery(alice, "511 ELM ST")
    on_scene(call, "1A12", alice)

    alert = as_alice.post(EMERGENCY, {"unit": "1A12", "lat": 39.0, "lon": -94.3}, format="json").json()

    assert alert["call"] == call.pk and f"on {call.number} (511 ELM ST)" in alert["text"]
    line = ChronologyEntry.objects.filter(call=call, kind="alert").latest("id")
    assert line.text == f"Alert: {alert['text']}"


def test_only_a_supervisor_acknowledges_it(as_alice, as_sam, sam):
    alert = as_alice.post(EMERGENCY, {"unit": "1A12"}, format="json").json()

    refused = as_alice.post(f"/api/v1/alerts/{alert['id']}/acknowledge/")
    assert refused.status_code == 403
    assert "Only a supervisor acknowledges an emergency" in refused.json()["detail"]
    assert Alert.objects.get(pk=alert["id"]).acknowledged_at is None

    done = as_sam.post(f"/api/v1/alerts/{alert['id']}/acknowledge/")
    assert done.status_code == 200 and done.json()["acknowledged_by"] == "supervisor1"
    # Acknowledged, the unit's next press is a new emergency.
    assert as_alice.post(EMERGENCY, {"unit": "1A12"}, format="json").status_code == 201


def test_bad_input_is_a_400_naming_the_field_and_raises_nothing(as_alice):
    unknown = as_alice.post(EMERGENCY, {"unit": "ZZ99"}, format="json")
    half = as_alice.post(EMERGENCY, {"unit": "1A12", "lat": 39.0}, format="json")
    off_earth = as_alice.post(EMERGENCY, {"unit": "1A12", "lat": 95, "lon": 0}, format="json")

    assert unknown.status_code == 400 and "unit" in unknown.json()
    assert half.status_code == 400 and "lon" in half.json()
    assert off_earth.status_code == 400 and "lat" in off_earth.json()
    assert not Alert.objects.filter(kind="emergency").exists()


def test_clerks_and_partners_cannot_raise_one(as_carol):
    assert as_carol.post(EMERGENCY, {"unit": "1A12"}, format="json").status_code == 403
    assert token_client("NFPD").post(EMERGENCY, {"unit": "E51"}, format="json").status_code == 403
    assert not Alert.objects.filter(kind="emergency").exists()


def test_a_unit_without_a_known_location_says_so(as_alice):
    Unit.objects.filter(callsign="1A12").update(last_lat=None, last_lon=None)

    alert = as_alice.post(EMERGENCY, {"unit": "1A12"}, format="json").json()

    assert alert["text"] == "EMERGENCY 1A12: location unknown"
    assert alert["lat"] is None
