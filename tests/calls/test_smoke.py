def test_a_dispatcher_creates_a_robbery_call_at_a_demo_address(as_alice):
    response = as_alice.post(
        "/api/v1/calls/",
        {"call_type": "ROBBERY", "location": {"address": "310 Main Street"}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["location"]["beat"] == "1"
