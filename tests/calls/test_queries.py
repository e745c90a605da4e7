"""Lists cost the same number of queries for 3 calls as for 30: no query per row."""

from calls import services
from calls.models import CallType
from units.models import Unit


def make_calls(alice, count, address="511 ELM ST"):
    """Calls at a flagged address (the demo's officer-safety hazard)."""
    robbery = CallType.objects.get(code="ROBBERY")
    units = list(Unit.objects.filter(status="available").order_by("callsign"))
    for i in range(count):
        call = services.call_create(call_type=robbery, location={"address": address}, by=alice)
        services.call_dispatch(call=call, units=[units[i]], by=alice)


def queries_for(client, path, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(path)
    assert response.status_code == 200
    return response


def test_listing_calls_does_not_query_per_call(alice, as_alice, django_assert_max_num_queries):
    make_calls(alice, 30)
    response = queries_for(as_alice, "/api/v1/calls/?status=active", django_assert_max_num_queries, 12)
    assert response.json()["count"] == 30
    assert all(len(c["units"]) == 1 for c in response.json()["results"])
    assert all(len(c["premise_flags"]) == 1 for c in response.json()["results"])


def test_listing_units_does_not_query_per_unit(alice, as_alice, django_assert_max_num_queries):
    make_calls(alice, 10)
    response = queries_for(as_alice, "/api/v1/units/", django_assert_max_num_queries, 8)
    assert sum(1 for u in response.json() if u["call"]) == 10


def test_a_call_detail_costs_a_fixed_number_of_queries(alice, as_alice, django_assert_max_num_queries):
    make_calls(alice, 1)
    call_id = as_alice.get("/api/v1/calls/").json()["results"][0]["id"]
    for _ in range(5):
        as_alice.post(f"/api/v1/calls/{call_id}/notes/", {"text": "update"}, format="json")
    queries_for(as_alice, f"/api/v1/calls/{call_id}/", django_assert_max_num_queries, 14)


def test_entering_a_call_costs_a_fixed_number_of_queries(as_alice, django_assert_max_num_queries):
    """The answer is the call as entered (no part of it read back) and its likely duplicates: at an
    address with a hazard and ten open calls nearby, as many queries as at a quiet one."""
    body = {"call_type": "ROBBERY", "location": {"address": "511 ELM ST"}}
    for _ in range(10):
        assert as_alice.post("/api/v1/calls/", body, format="json").status_code == 201
    # 44 when the answer read the call back; one more since the duplicates carry their shares
    with django_assert_max_num_queries(36):
        response = as_alice.post("/api/v1/calls/", body, format="json")
    assert response.status_code == 201
    assert len(response.json()["possible_duplicates"]) == 10
    assert len(response.json()["premise_flags"]) == 1
