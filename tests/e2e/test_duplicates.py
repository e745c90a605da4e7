"""A second call about the same crash, entered 2 minutes later 50 m away, is offered as a
duplicate in call entry; one keystroke saves and links it; the master's chronology shows it."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, live, sign_in

pytestmark = pytest.mark.e2e

METRE = 1 / 111_195  # degrees of latitude




def first_crash(site, *, lat, lon, minutes_ago=2, **extra):
    received = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()
    status, call = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "MVAINJY", "location": {"lat": lat, "lon": lon}, "received_at": received,
        "caller": {"name": "First Caller"}, "narrative": "two cars, one on its roof", **extra,
    })
    assert status == 201, call
    return call


def test_a_second_call_50_m_away_is_offered_and_one_keystroke_links_it(site, browser_context):
    # 6TH AVE / CEDAR ST is at 39.019, -94.2775; the first caller was 50 m south of it.
    master = first_crash(site, lat=39.019 - 50 * METRE, lon=-94.2775)
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)

    page.keyboard.press("F2")
    page.keyboard.type("cedar and 6th")
    page.locator("#location-options [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#entry-location")).to_have_value("CEDAR ST / 6TH AVE")
    page.locator("#entry-type").focus()
    page.keyboard.type("MVAINJY")
    page.locator("#entry-caller-name").fill("Jane")
    page.locator("#entry-caller-phone").fill("816-555-0101")
    page.locator("#entry-narrative").fill("second caller, same crash")

    offer = page.locator(f'#entry-duplicates [data-duplicate-of="{master["number"]}"]')
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("POSSIBLE DUPLICATE")
    expect(offer).to_contain_text(f'{master["number"]} MVAINJY, 50 m, 2 min ago')
    short = master["number"].split("-")[1].lstrip("0").zfill(3)
    expect(page.locator("#entry-save-duplicate")).to_contain_text(f"Save as duplicate of {short}")

    page.keyboard.press("Alt+d")

    expect(page.locator("#cmd-message")).to_contain_text(f"linked as a duplicate of {short}")
    expect(page.locator("#detail-number")).to_have_text(master["number"])
    told = page.locator('#chronology [data-kind="duplicate_added"]')
    expect(told).to_contain_text("caller Jane 816-555-0101: 'second caller, same crash'")
    expect(page.locator("#entry-duplicates")).to_be_hidden()
    expect(page.locator("#entry-location")).to_have_value("")

    status, detail = site.first.api("GET", f'calls/{master["id"]}/', site.cpd)
    assert status == 200
    [second] = detail["duplicates"]
    status, linked = site.first.api("GET", f"calls/{second}/", site.cpd)
    assert (linked["status"], linked["master"]) == ("closed", master["number"])
    assert linked["disposition"]["code"] == "22"
    assert linked["caller"] == {"name": "Jane", "phone": "816-555-0101"}
    assert page.errors == []


def test_an_open_calls_detail_offers_its_duplicates_and_link_and_reopen_undo(site, browser_context):
    # 2ND AVE / MAPLE ST is at 39.0172, -94.2875.
    master = first_crash(site, lat=39.0172, lon=-94.2875, minutes_ago=3)
    second = first_crash(site, lat=39.0172 + 40 * METRE, lon=-94.2875, minutes_ago=0,
                         caller={"name": "Lee", "phone": "816-555-0199"}, narrative="smoke from the hood")
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)

    command(page, f'C {second["number"]}')
    expect(page.locator("#detail-number")).to_have_text(second["number"])
    offered = page.locator(f'#detail-duplicates [data-duplicate-of="{master["number"]}"]')
    expect(offered).to_contain_text("40 m, 3 min earlier")
    short = master["number"].split("-")[1].lstrip("0").zfill(3)
    expect(offered.locator("button")).to_have_text(f'Link {second["number"]} as duplicate of {short}')

    command(page, f"LINK {master['number']}")
    expect(page.locator("#detail-head")).to_contain_text(f'Duplicate of {master["number"]}')
    expect(page.locator("#detail-duplicates")).to_be_hidden()
    status, detail = site.first.api("GET", f'calls/{master["id"]}/', site.cpd)
    assert "caller Lee 816-555-0199: 'smoke from the hood'" in detail["chronology"][-1]["text"]

    command(page, "RO")
    expect(page.locator("#detail-head")).not_to_contain_text("Duplicate of")
    expect(offered).to_be_visible()  # open again, so the master is offered again
    status, detail = site.first.api("GET", f'calls/{master["id"]}/', site.cpd)
    assert detail["duplicates"] == []
    assert detail["chronology"][-1]["text"] == f'Duplicate {second["number"]} unlinked and reopened'
    assert page.errors == []


def test_an_address_typed_and_left_with_tab_offers_duplicates_and_flags_too(site, browser_context):
    status, master = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "ROBBERY", "location": {"address": "310 MAIN ST"}, "caller": {"name": "Clerk"},
        "received_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()})
    assert status == 201, master
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)

    # The fastest path: type the address as the caller says it and Tab on, never touching the list.
    page.keyboard.press("F2")
    page.keyboard.type("312 main")
    page.keyboard.press("Tab")
    page.keyboard.type("robbery")
    page.keyboard.press("Tab")
    offer = page.locator(f'#entry-duplicates [data-duplicate-of="{master["number"]}"]')
    expect(offer).to_contain_text("POSSIBLE DUPLICATE")
    expect(page.locator("#location-picked")).to_contain_text("✓ 312 MAIN ST")
    page.locator("#entry-clear").click()

    page.keyboard.press("F2")
    page.keyboard.type("511 elm")
    page.keyboard.press("Tab")
    expect(page.locator("#location-picked .flag-officer_safety")).to_contain_text("OFFICER SAFETY")
    assert page.errors == [], page.errors
