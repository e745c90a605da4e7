"""Closing a call by the disposition's words, as a dispatcher says it, not only by its APCO code."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, live, sign_in

pytestmark = pytest.mark.e2e


def new_call(site, address):
    status, call = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "ALRBA", "location": {"address": address}})
    assert status == 201, call
    return call


def test_cl_arrest_closes_with_03_and_cl_false_alarm_offers_a_pick_list(site, browser_context):
    arrest, alarm = new_call(site, "120 OAK ST"), new_call(site, "140 OAK ST")
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    detail = page.locator("#call-detail")

    command(page, arrest["number"])
    command(page, "cl arrest")
    expect(detail).to_have_attribute("data-status", "closed")
    expect(page.locator("#detail-head")).to_contain_text("Disp 03 Arrest")
    said = page.locator("#cmd-message")
    expect(said).to_contain_text(f"Closed {arrest['number']} with disposition 03 Arrest")

    command(page, alarm["number"])
    command(page, "cl false alarm")
    picks = page.locator("#cmd-picks [role=option]")
    expect(picks).to_have_count(2)  # 17 (weather, power, animal: not billed) and FAB (billable)
    expect(picks.nth(0)).to_contain_text("17 False Alarm caused by")
    expect(picks.nth(1)).to_contain_text("FAB False Alarm, No Cause Found (billable)")
    expect(detail).to_have_attribute("data-status", "pending")  # several fit: nothing closed yet
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(detail).to_have_attribute("data-status", "closed")
    expect(page.locator("#detail-head")).to_contain_text("Disp FAB")
    _, closed = site.first.api("GET", f"calls/{alarm['id']}/", site.cpd)
    assert closed["disposition"]["code"] == "FAB"
    assert page.errors == [], page.errors
