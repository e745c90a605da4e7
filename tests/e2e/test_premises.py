"""Tried as a new user would: a records clerk flags an address in the admin, a dispatcher taking a
call there sees the flags before saving, a second dispatcher sees them on the call, the confidential
read is on record; and the console's map works with no network at all."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, live, offline, sign_in

pytestmark = pytest.mark.e2e

ADDRESS = "410 ELM ST"
HAZARD = "Resident threatened officers with a machete"
MEDICAL = "Wife uses home oxygen; no open flame"


def add_flag(page, kind: str, text: str, *, confidential: bool = False):
    page.goto(page.url.split("/admin/")[0] + "/admin/premises/premiseflag/add/")
    page.get_by_label("Kind").select_option(kind)
    page.get_by_label("Text").fill(text)
    if confidential:
        page.get_by_label("Confidential").check()
    page.locator(".field-address .select2-selection").click()
    page.locator(".select2-search__field").fill(ADDRESS)
    page.locator(".select2-results__option", has_text=ADDRESS).first.click()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")


def test_flags_reach_the_call_and_the_map_works_offline(site, browser_context):
    clerk = sign_in(browser_context(), site.first.url, "clerk1", "/admin/")
    add_flag(clerk, "officer_safety", HAZARD)
    add_flag(clerk, "medical", MEDICAL, confidential=True)

    # Dispatcher 1 types the address as a caller says it and sees both flags before saving.
    a = sign_in(offline(browser_context()), site.first.url, "dispatcher1", "/console/")
    live(a)
    a.keyboard.press("F2")
    a.keyboard.type("410 elm street")
    option = a.locator("#location-options [role=option]", has_text=ADDRESS).first
    expect(option).to_contain_text("2 FLAGS")
    a.keyboard.press("ArrowDown")
    a.keyboard.press("Enter")
    picked = a.locator("#location-picked")
    expect(picked.locator(".flag")).to_have_count(2)
    expect(picked.locator(".flag").first).to_contain_text(HAZARD)  # officer safety first
    expect(picked.locator(".flag-officer_safety")).to_contain_text("OFFICER SAFETY")
    # The type-ahead names a confidential flag without its text; the call detail reads it.
    expect(picked.locator(".flag-medical")).to_contain_text("CONFIDENTIAL MEDICAL — open the call to read")
    expect(picked).not_to_contain_text(MEDICAL)
    a.keyboard.press("Tab")
    a.keyboard.type("disord")
    a.locator("#type-options [role=option]").first.wait_for()
    a.keyboard.press("ArrowDown")
    a.keyboard.press("Enter")
    a.keyboard.press("Enter")
    expect(a.locator("#entry-location")).to_have_value("")
    detail = a.locator("#call-detail")
    expect(detail.locator("#detail-flags .flag")).to_have_count(2)
    expect(detail.locator("#detail-flags")).to_contain_text(MEDICAL)
    number = detail.get_attribute("data-call-number")
    assert re.fullmatch(r"\d{4}-\d{6}", number or ""), number
    expect(detail.locator("#chronology")).to_contain_text("2 premise flags attached")

    # Dispatcher 2, on the other server when there are two, opens the call and sees them too.
    b = sign_in(browser_context(), site.second.url, "dispatcher2", "/console/")
    live(b)
    expect(b.locator(f'#pending-queue [data-call-number="{number}"]')).to_be_visible()
    command(b, number)
    flags = b.locator("#detail-flags .flag")
    expect(flags).to_have_count(2)
    expect(flags.first).to_contain_text(HAZARD)
    expect(flags.nth(1)).to_contain_text(MEDICAL)
    expect(flags.nth(1)).to_contain_text("CONFIDENTIAL")

    # The confidential read is on record, with the call.
    reads_page = f"/admin/premises/premiseflagread/?q={number}"
    admin = sign_in(browser_context(), site.first.url, "admin", reads_page)
    reads = admin.locator("#result_list tbody tr")
    expect(reads.filter(has_text="dispatcher2")).to_have_count(1)
    expect(reads.filter(has_text="dispatcher2")).to_contain_text("call")
    expect(reads.filter(has_text="dispatcher1")).to_have_count(1)

    # The map (F7), with no network: beat outlines, call and unit markers on a blank background.
    a.keyboard.press("F7")
    expect(a.locator("#map-panel")).to_be_visible()
    expect(a.locator("#map path.beat-outline")).to_have_count(6)
    expect(a.locator("#map path.unit-marker").first).to_be_attached()
    assert a.locator("#map path.unit-marker").count() > 20
    marker = a.locator(f'#map .leaflet-marker-icon.call-marker[data-call-number="{number}"]')
    expect(marker).to_be_visible()
    expect(marker).to_have_attribute("data-selected", "true")
    for layout_id in ("#call-entry", "#pending-title", "#active-title", "#call-detail", "#unit-board"):
        expect(a.locator(layout_id)).to_be_visible()

    # A unit's new position arrives live.
    unit = a.locator('#map path.unit-marker[data-callsign="E3"]')
    expect(unit).to_be_attached()
    before = unit.get_attribute("d")
    _, e3 = site.first.api("GET", "units/?agency=CFD", site.cpd)
    start = next(u["location"] for u in e3 if u["callsign"] == "E3")
    code, moved = site.first.api("POST", "units/E3/location/", site.cpd,
                                 {"lat": start["lat"] + 0.004, "lon": start["lon"] + 0.004})
    assert code == 200, moved
    expect(unit).not_to_have_attribute("d", before or "", timeout=10_000)

    # Another call's marker, chosen from the keyboard, opens that call.
    command(a, "NEW")
    a.keyboard.type("main and 3rd")
    a.locator("#location-options [role=option]").first.wait_for()
    a.keyboard.press("ArrowDown")
    a.keyboard.press("Enter")
    a.keyboard.press("Tab")
    a.keyboard.type("fight")
    a.locator("#type-options [role=option]").first.wait_for()
    a.keyboard.press("ArrowDown")
    a.keyboard.press("Enter")
    a.keyboard.press("Enter")
    expect(detail).not_to_have_attribute("data-call-number", number)
    marker.focus()
    a.keyboard.press("Enter")
    expect(detail).to_have_attribute("data-call-number", number)
    for page in (clerk, a, b, admin):
        assert page.errors == [], page.errors
