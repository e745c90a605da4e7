"""Alarm permits: an alarm call at a site shows its permit, or that it has none."""

from datetime import timedelta

from django.utils import timezone

from premises.choices import Occupancy, PermitStatus
from premises.models import AlarmPermit
from premises.selectors import alarm_permit_for, place_at, place_resolve
from premises.services import alarm_permit_save

ADDRESSES = "/api/v1/addresses/"


def permit(number: str, **fields) -> AlarmPermit:
    today = timezone.localdate()
    values = {"holder_name": "A. HOLDER", "holder_mailing_address": "PO BOX 1",
              "occupancy": Occupancy.BUSINESS, "issued_on": today - timedelta(days=10),
              "expires_on": today + timedelta(days=355)}
    return alarm_permit_save(permit=AlarmPermit(number=number, **{**values, **fields}))


def test_the_demo_business_permit_is_found_at_its_site(db):
    found = alarm_permit_for(place_resolve("171 oak street"))

    assert found.number == "AP-2026-0001" and found.occupancy == "business"
    assert found.standing(timezone.localdate()) == "active"


def test_expired_and_suspended_permits_show_as_such(db):
    today = timezone.localdate()
    assert alarm_permit_for(place_resolve("451 PINE ST")).standing(today) == "expired"
    assert alarm_permit_for(place_resolve("250 7TH AVE")).standing(today) == "suspended"


def test_a_site_without_a_permit_has_none(db):
    assert alarm_permit_for(place_resolve("310 MAIN ST")) is None
    assert alarm_permit_for(place_resolve("MAIN ST / 3RD AVE")) is None


def test_a_valid_permit_wins_over_an_old_one_at_the_same_site(db):
    site = place_resolve("311 ELM ST")
    today = timezone.localdate()
    permit("OLD-1", site_address_id=site.address_id, issued_on=today - timedelta(days=800),
           expires_on=today - timedelta(days=400))
    permit("NEW-1", site_address_id=site.address_id)
    permit("REV-1", site_address_id=site.address_id, status=PermitStatus.REVOKED)

    assert alarm_permit_for(site).number == "NEW-1"
    assert alarm_permit_for(site, on=today - timedelta(days=500)).number == "OLD-1"


def test_a_permit_given_by_text_and_point_is_found_by_either(db):
    exact = place_resolve("130 ELM ST")
    permit("TXT-1", site_text="130 elm street", site_lat=exact.lat, site_lon=exact.lon)

    assert alarm_permit_for(place_resolve("130 ELM ST")).number == "TXT-1"
    assert alarm_permit_for(place_at(exact.lat + 0.0001, exact.lon)).number == "TXT-1"


def test_the_lookup_carries_the_permit(as_alice):
    match = as_alice.get(ADDRESSES, {"q": "171 oak st"}).json()[0]
    assert match["alarm_permit"]["number"] == "AP-2026-0001"
    assert match["alarm_permit"]["standing"] == "active"
    assert match["alarm_permit"]["company_phone"] == "816-555-0100"
    none = as_alice.get(ADDRESSES, {"q": "310 main st"}).json()[0]
    assert none["alarm_permit"] is None
