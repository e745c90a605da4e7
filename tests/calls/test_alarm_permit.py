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


def test_the_permit_is_judged_on_the_day_the_alarm_came_in(alice, as_alice):
    from datetime import timedelta

    from django.utils import timezone

    from premises.choices import Occupancy
    from premises.models import Address, AlarmPermit
    from premises.services import alarm_permit_save

    today = timezone.localdate()
    alarm_permit_save(permit=AlarmPermit(
        number="AP-LAPSED", holder_name="L. APSED", holder_mailing_address="PO BOX 9",
        site_address=Address.objects.get(label="310 MAIN ST"), occupancy=Occupancy.BUSINESS,
        issued_on=today - timedelta(days=365), expires_on=today - timedelta(days=1)))
    call = services.call_create(call_type=CallType.objects.get(code="ALRBA"), by=alice,
                                location={"address": "310 MAIN ST"},
                                received_at=timezone.now() - timedelta(days=3))

    permit = as_alice.get(f"{CALLS}{call.pk}/").json()["alarm_permit"]

    assert (permit["number"], permit["standing"], permit["standing_today"]) == (
        "AP-LAPSED", "active", "expired")
