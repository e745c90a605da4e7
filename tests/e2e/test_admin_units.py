"""A supervisor changes a unit in the admin while a dispatcher's console is open: the console shows
the unit as it now is at once, without a reload (a stale console is the one thing this CAD must
never show). With Redis the admin and the console are on different server processes."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import live, sign_in

pytestmark = pytest.mark.e2e


def test_a_units_capabilities_and_station_changed_in_the_admin_reach_an_open_console(site, browser_context):
    console = sign_in(browser_context(), site.second.url, "dispatcher1", "/console/")
    live(console)
    tile = console.locator('#unit-board [data-callsign="2A12"]')
    expect(tile).to_have_attribute("title", re.compile("Police HQ"))
    expect(tile).not_to_have_attribute("title", re.compile("k9"))

    admin = sign_in(browser_context(), site.first.url, "supervisor1", "/admin/units/unit/?q=2A12")
    admin.get_by_role("link", name="2A12").click()
    admin.get_by_label("Capabilities").fill('["patrol", "k9"]')
    admin.get_by_label("Station").select_option(label="Fire Station 3")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("changed successfully")

    expect(tile).to_have_attribute("title", re.compile("patrol, k9 · Fire Station 3"))
    expect(tile).to_have_attribute("data-status", "available")  # the rest of it as it was

    # A unit added in the admin appears on the open console too, available.
    admin.goto(f"{site.first.url}/admin/units/unit/add/")
    admin.get_by_label("Callsign").fill("2a19")
    admin.get_by_label("Agency").select_option(label="CPD Demo City Police Department")
    admin.get_by_label("Unit type").select_option(label="Patrol car")
    admin.get_by_label("Discipline").select_option(label="Police")
    admin.get_by_label("Capabilities").fill('["patrol"]')
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("added successfully")
    added = console.locator('#unit-board [data-callsign="2A19"]')
    expect(added).to_have_attribute("data-status", "available")
    assert console.errors == [], console.errors
