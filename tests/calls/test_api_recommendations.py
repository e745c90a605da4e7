"""GET /api/v1/calls/{id}/recommendations/: the center's staff see the ranked units; partners do not."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from units.models import Unit


@pytest.fixture
def fire(as_alice):
    Unit.objects.update(location_at=timezone.now())
    response = as_alice.post("/api/v1/calls/", {"call_type": "FSTRU", "location": {"address": "410 ELM ST"}},
                             format="json")
    assert response.status_code == 201
    return response.json()


def test_a_dispatcher_gets_the_plan_and_the_units_nearest_first(as_alice, fire):
    response = as_alice.get(f"/api/v1/calls/{fire['id']}/recommendations/")
    assert response.status_code == 200
    body = response.json()
    assert body["call_id"] == fire["id"]
    assert body["plan"]["call_type"] == "FSTRU"
    assert [(line["capability"], line["count"]) for line in body["plan"]["lines"]] == [
        ("engine", 2), ("ladder", 1), ("chief", 1), ("medic", 1)]
    assert len(body["units"]) == 5 and body["unfilled"] == []
    etas = [u["eta_seconds"] for u in body["units"]]
    assert etas == sorted(etas)
    first = body["units"][0]
    assert set(first) >= {"callsign", "agency", "unit_type", "capability", "eta_seconds", "distance_m",
                          "position", "mutual_aid", "reason"}
    assert first["reason"].startswith("nearest ")
    assert body["computed_at"]


def test_the_call_number_works_as_its_id(as_alice, fire):
    assert as_alice.get(f"/api/v1/calls/{fire['number']}/recommendations/").json()["call_id"] == fire["id"]


def test_after_dispatching_the_recommended_units_the_plan_is_filled(as_alice, fire):
    path = f"/api/v1/calls/{fire['id']}/"
    units = [u["callsign"] for u in as_alice.get(path + "recommendations/").json()["units"]]
    assert as_alice.post(path + "dispatch/", {"units": units}, format="json").status_code == 200
    body = as_alice.get(f"/api/v1/calls/{fire['id']}/recommendations/").json()
    assert body["units"] == [] and body["unfilled"] == []
    assert sorted(body["assigned"]) == sorted(units)


def test_records_clerks_and_supervisors_may_read_it(as_carol, as_sam, fire):
    assert as_carol.get(f"/api/v1/calls/{fire['id']}/recommendations/").status_code == 200
    assert as_sam.get(f"/api/v1/calls/{fire['id']}/recommendations/").status_code == 200


def test_a_partner_may_not_see_the_centers_units(as_sheriff_token, fire):
    assert as_sheriff_token.get(f"/api/v1/calls/{fire['id']}/recommendations/").status_code == 403


def test_strangers_are_refused(anonymous, fire):
    assert anonymous.get(f"/api/v1/calls/{fire['id']}/recommendations/").status_code in (401, 403)


def test_an_unknown_call_is_404(as_alice, db):
    assert as_alice.get("/api/v1/calls/999999/recommendations/").status_code == 404
    assert as_alice.get("/api/v1/calls/1999-000001/recommendations/").status_code == 404


def test_it_costs_a_fixed_number_of_queries(as_alice, fire, django_assert_max_num_queries):
    with django_assert_max_num_queries(13):  # one of them reads the call's flags, for cover
        assert as_alice.get(f"/api/v1/calls/{fire['id']}/recommendations/").status_code == 200


def test_the_schema_documents_it(db, tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/calls/{id}/recommendations/:" in text
    assert "RecommendedUnit:" in text and "mutual_aid:" in text


def test_a_closed_call_has_nothing_to_recommend(as_alice, alice):
    from calls import services
    from calls.models import CallType, Disposition

    call = services.call_create(call_type=CallType.objects.get(code="ROBBERY"),
                                location={"address": "310 MAIN ST"}, by=alice)
    services.call_close(call=call, disposition=Disposition.objects.get(code="ACX"), by=alice)

    response = as_alice.get(f"/api/v1/calls/{call.pk}/recommendations/")
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
