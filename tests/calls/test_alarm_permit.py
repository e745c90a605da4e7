"""An alarm call shows its site's alarm permit, or that the site has none."""

from calls import services
from calls.models import CallType

CALLS = "/api/v1/calls/"


def call_at(alice, address: str, code: str = "ALRBA"):
    call_type = CallType.objects.get(code=code)
    return services.call_create(call_type=call_type, location={"address": address}, by=alice)


def test_an_alarm_call_shows_the_sites_permit(alice, as_alice):
    call = call_at(alice, "171 oak street")

    permit = as_alice.get(f"{CALLS}{call.pk}/").json()["alarm_permit"]

    assert permit["on_file"] is True
    assert permit["number"] == "AP-2026-0001"
    assert (permit["standing"], permit["occupancy"]) == ("active", "business")
    assert permit["holder_name"] and permit["alarm_company"] and permit["company_phone"]
    assert permit["expires_on"]


def test_an_alarm_call_shows_a_suspended_permit_as_suspended(alice, as_alice):
    call = call_at(alice, "250 7TH AVE")

    permit = as_alice.get(f"{CALLS}{call.pk}/").json()["alarm_permit"]

    assert permit["on_file"] is True and permit["standing"] == "suspended"


def test_an_alarm_call_at_a_site_without_a_permit_says_none_is_on_file(alice, as_alice):
    call = call_at(alice, "310 MAIN ST")

    assert as_alice.get(f"{CALLS}{call.pk}/").json()["alarm_permit"] == {"on_file": False}


def test_other_calls_carry_no_permit(alice, as_alice):
    call = call_at(alice, "171 OAK ST", code="FIGHT")

    assert as_alice.get(f"{CALLS}{call.pk}/").json()["alarm_permit"] is None


def test_the_permit_follows_the_call_to_a_new_site(alice, as_alice):
    call = call_at(alice, "310 MAIN ST")

    response = as_alice.patch(f"{CALLS}{call.pk}/", {"location": {"address": "171 OAK ST"}}, format="json")

    assert response.json()["alarm_permit"]["number"] == "AP-2026-0001"
