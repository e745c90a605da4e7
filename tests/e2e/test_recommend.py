"""The call detail recommends the plan's units, nearest first, and REC sends them."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

CITY_ENGINES = ["E1", "E2", "E3"]


def open_call(page, number):
    page.keyboard.press("F1")
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    expect(page.locator("#call-detail")).to_have_attribute("data-call-number", number)


def new_fire(site, address="430 ELM ST"):
    body = {"call_type": "FSTRU", "location": {"address": address}}
    status, call = site.first.api("POST", "calls/", site.cpd, body)
    assert status == 201, call
    return call


def set_status(site, callsigns, status):
    for callsign in callsigns:
        code, body = site.first.api("POST", f"units/{callsign}/status/", site.cpd, {"status": status})
        assert code == 200, body


def test_a_structure_fire_shows_its_plan_nearest_first_and_rec_sends_it(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    expect(page.locator("#link-status")).to_have_attribute("data-state", "live")
    call = new_fire(site)
    open_call(page, call["number"])

    items = page.locator("#recommendations [data-recommend]")
    expect(items).to_have_count(5)
    _, expected = site.first.api("GET", f"calls/{call['id']}/recommendations/", site.cpd)
    ranked = [u["callsign"] for u in expected["units"]]
    etas = [u["eta_seconds"] for u in expected["units"]]
    assert etas == sorted(etas)
    assert [items.nth(i).get_attribute("data-recommend") for i in range(5)] == ranked
    capabilities = sorted(u["capability"] for u in expected["units"])
    assert capabilities == ["chief", "engine", "engine", "ladder", "medic"]
    for i, unit in enumerate(expected["units"]):
        expect(items.nth(i)).to_contain_text(unit["reason"])
        assert unit["reason"].split(",")[0].endswith(unit["capability"])
    expect(page.locator("#recommendations")).to_contain_text("FSTRU plan: 2 × engine, 1 × ladder")

    page.keyboard.press("F1")
    page.keyboard.type("REC")
    page.keyboard.press("Enter")
    for callsign in ranked:
        row = page.locator(f'#detail-units [data-unit="{callsign}"]')
        expect(row).to_have_attribute("data-status", "dispatched")
    expect(page.locator("#recommendations")).to_contain_text("The plan is filled.")
    assert not page.errors

    set_status(site, ranked, "available")
    assert site.first.api("POST", f"calls/{call['id']}/close/", site.cpd, {"disposition": "02"})[0] == 200


def test_with_every_city_engine_busy_a_fire_districts_engine_comes_as_mutual_aid(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    expect(page.locator("#link-status")).to_have_attribute("data-state", "live")
    call = new_fire(site, "650 CEDAR ST")
    open_call(page, call["number"])
    city = page.locator('#recommendations [data-recommend^="E"][data-mutual-aid="false"]')
    expect(city).to_have_count(2)
    try:
        set_status(site, CITY_ENGINES, "out_of_service")
        # The unit events refresh the recommendation by themselves.
        aid = page.locator('#recommendations [data-mutual-aid="true"]')
        expect(aid).to_have_count(2)
        callsigns = sorted(aid.nth(i).get_attribute("data-recommend") for i in range(2))
        assert callsigns == ["E51", "E61"]
        expect(aid.first).to_contain_text("MUTUAL AID")
        expect(aid.first).to_contain_text("mutual aid from")
        expect(city).to_have_count(0)
        # REC E puts them in the dispatch line to edit before sending.
        page.keyboard.press("F1")
        page.keyboard.type("REC E")
        page.keyboard.press("Enter")
        line = page.locator("#dispatch-units")
        expect(line).to_have_value(re.compile(r"\bE51\b"))
        expect(line).to_have_value(re.compile(r"\bE61\b"))
        assert not page.errors
    finally:
        set_status(site, CITY_ENGINES, "available")
        site.first.api("POST", f"calls/{call['id']}/close/", site.cpd, {"disposition": "02"})


def test_a_domestic_at_a_flagged_address_gets_a_cover_officer_and_a_shooting_its_plan(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    expect(page.locator("#link-status")).to_have_attribute("data-state", "live")
    status, call = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "DVA", "location": {"address": "511 ELM ST"}, "narrative": "rifle in the house"})
    assert status == 201, call
    open_call(page, call["number"])

    recommended = page.locator("#recommendations")
    expect(recommended.locator("[data-recommend]")).to_have_count(3)  # two officers and the cover
    cover = recommended.locator("[data-recommend]", has_text="+1 police: officer-safety flag at this address")
    expect(cover).to_have_count(1)
    expect(recommended).to_contain_text("DVA plan; +1 police: officer-safety flag at this address")

    status, shooting = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "SHOOT", "location": {"address": "150 ELM ST"}})
    assert status == 201, shooting
    open_call(page, shooting["number"])
    expect(recommended).to_contain_text("SHOOT plan: 3 × patrol, 1 × medic")
    expect(recommended).not_to_contain_text("No plan for")
    expect(recommended.locator("[data-recommend]")).to_have_count(4)
    for done in (call, shooting):
        site.first.api("POST", f"calls/{done['id']}/close/", site.cpd, {"disposition": "02"})
    assert not page.errors
