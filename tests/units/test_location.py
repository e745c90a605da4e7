from django.utils import timezone

from units.models import Unit


def test_a_dispatcher_reports_a_units_position(as_alice):
    response = as_alice.post("/api/v1/units/2A11/location/", {"lat": 39.012, "lon": -94.283}, format="json")
    assert response.status_code == 200
    assert response.json()["location"]["lat"] == 39.012
    unit = Unit.objects.get(callsign="2A11")
    assert (unit.last_lat, unit.last_lon) == (39.012, -94.283)


def test_an_older_fix_arriving_late_does_not_move_the_unit_back(as_alice):
    as_alice.post("/api/v1/units/2A11/location/", {"lat": 39.012, "lon": -94.283}, format="json")
    stale = (timezone.now() - timezone.timedelta(minutes=5)).isoformat()
    as_alice.post("/api/v1/units/2A11/location/", {"lat": 39.0, "lon": -94.0, "at": stale}, format="json")
    assert Unit.objects.get(callsign="2A11").last_lat == 39.012


def test_a_partner_reports_its_own_units_only(as_sheriff_token):
    ok = as_sheriff_token.post("/api/v1/units/S21/location/", {"lat": 39.02, "lon": -94.28}, format="json")
    other = as_sheriff_token.post("/api/v1/units/1A11/location/", {"lat": 39.02, "lon": -94.28},
                                  format="json")
    assert (ok.status_code, other.status_code) == (200, 404)


def test_a_records_clerk_cannot_move_units_and_bad_coordinates_are_400(as_carol, as_alice):
    assert as_carol.post("/api/v1/units/2A11/location/", {"lat": 39, "lon": -94},
                         format="json").status_code == 403
    response = as_alice.post("/api/v1/units/2A11/location/", {"lat": 123, "lon": "west"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"lat", "lon"}


def test_a_fix_from_the_future_is_refused(as_alice):
    response = as_alice.post("/api/v1/units/2A11/location/",
                             {"lat": 39.0, "lon": -94.3, "at": "2099-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 400
    assert "at" in response.json()


def test_true_and_false_are_not_coordinates(as_alice):
    response = as_alice.post("/api/v1/units/2A11/location/", {"lat": True, "lon": False}, format="json")
    assert response.status_code == 400
