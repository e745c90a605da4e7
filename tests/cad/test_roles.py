from cad.models import Agency
from tests.conftest import token_client


def test_an_agency_turned_partner_stops_acting_as_a_dispatcher_at_once(db):
    client = token_client("ACS")
    created = client.post("/api/v1/calls/", {"call_type": "ANIMAL", "location": {"address": "310 MAIN ST"}},
                          format="json")
    assert created.status_code == 201
    Agency.objects.filter(code="ACS").update(kind=Agency.Kind.PARTNER)
    assert client.get("/api/v1/calls/").json()["count"] == 0
    assert client.get(f"/api/v1/calls/{created.json()['id']}/").status_code == 404
    again = client.post("/api/v1/calls/", {"call_type": "ANIMAL", "location": {"address": "310 MAIN ST"}},
                        format="json")
    assert again.status_code == 403
    units = client.get("/api/v1/units/").json()
    assert {u["agency"] for u in units} == {"ACS"}
