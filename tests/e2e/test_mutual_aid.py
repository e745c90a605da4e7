"""Mutual aid in the console: with every city engine busy, the dispatcher asks the fire districts
of the recommendation's mutual-aid lines with one key (Alt+A); a district's program accepts with
its engine over the API and the console shows it live, the engine dispatched on the call; the other
declines and the console says why. A request made from the form waits with a running time and can
be cancelled."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, live, sign_in

pytestmark = pytest.mark.e2e

CITY_ENGINES = ["E1", "E2", "E3"]


def new_fire(site, address):
    status, call = site.first.api("POST", "calls/", site.cpd,
                                  {"call_type": "FSTRU", "location": {"address": address}})
    assert status == 201, call
    return call


def set_status(site, callsigns, status):
    for callsign in callsigns:
        code, body = site.first.api("POST", f"units/{callsign}/status/", site.cpd, {"status": status})
        assert code == 200, body


def open_call(page, number):
    command(page, number)
    expect(page.locator("#call-detail")).to_have_attribute("data-call-number", number)


def requests_of(site, call_id, token):
    status, page = site.first.api("GET", f"mutual-aid/?call={call_id}", token)
    assert status == 200, page
    return {r["agency"]: r for r in page["results"]}


def test_a_district_accepting_shows_live_with_its_engine_dispatched(site, browser_context, tmp_path):
    page = sign_in(browser_context(viewport={"width": 1600, "height": 1000}), site.first.url, "dispatcher1",
                   "/console/")
    live(page)
    nfpd, sfpd = site.token("NFPD"), site.token("SFPD")
    call = new_fire(site, "650 CEDAR ST")
    try:
        set_status(site, CITY_ENGINES, "out_of_service")
        open_call(page, call["number"])
        expect(page.locator('#recommendations [data-mutual-aid="true"]')).to_have_count(2)
        expect(page.locator("#recommend-ask-aid")).to_be_visible()

        page.keyboard.press("Alt+a")  # one key: ask the partners of the mutual-aid lines

        rows = page.locator("#mutual-aid-list [data-mutual-aid]")
        expect(rows).to_have_count(2)
        nfpd_row = page.locator('#mutual-aid-list [data-agency="NFPD"]')
        sfpd_row = page.locator('#mutual-aid-list [data-agency="SFPD"]')
        expect(nfpd_row).to_have_attribute("data-state", "pending")
        expect(nfpd_row).to_contain_text("1 × engine")
        expect(nfpd_row.locator(".aid-waiting")).to_have_text(re.compile(r"^\d\d:\d\d$"))
        asked = requests_of(site, call["id"], site.cpd)
        assert {a: (r["capability"], r["count"], r["state"]) for a, r in asked.items()} == {
            "NFPD": ("engine", 1, "pending"), "SFPD": ("engine", 1, "pending")}
        # The district sees its request, with what it needs to decide, before it may see the call.
        mine = requests_of(site, call["id"], nfpd)
        assert list(mine) == ["NFPD"] and mine["NFPD"]["call"]["location"]["address"] == "650 CEDAR ST"
        assert site.first.api("GET", f"calls/{call['id']}/", nfpd)[0] == 404

        # Through the other server where there are two: the console hears it across processes.
        status, accepted = site.second.api("POST", f"mutual-aid/{mine['NFPD']['id']}/accept/", nfpd,
                                          {"units": ["E51"]})
        assert status == 200, accepted
        status, declined = site.second.api("POST", f"mutual-aid/{asked['SFPD']['id']}/decline/", sfpd,
                                          {"reason": "E61 committed to a barn fire"})
        assert status == 200, declined

        expect(nfpd_row).to_have_attribute("data-state", "accepted")
        expect(nfpd_row.locator(".aid-units")).to_have_text("E51")
        expect(page.locator('#detail-units [data-unit="E51"]')).to_have_attribute("data-status", "dispatched")
        expect(sfpd_row).to_have_attribute("data-state", "declined")
        expect(sfpd_row.locator(".aid-reason")).to_have_text("E61 committed to a barn fire")
        expect(page.locator("#chronology")).to_contain_text("NFPD accepted mutual aid (1 × engine) with E51")
        expect(page.locator("#cmd-message")).to_contain_text("SFPD declined mutual aid")
        assert site.first.api("GET", f"calls/{call['id']}/", nfpd)[0] == 200
        # The README's picture (make screenshots writes it to docs/screenshots).
        folder = os.environ.get("CAD_SCREENSHOT_DIR") or tmp_path
        page.locator("#call-detail").screenshot(path=f"{folder}/console-mutual-aid.png")
        assert not page.errors, page.errors
    finally:
        set_status(site, CITY_ENGINES, "available")
        site.first.api("POST", "units/E51/status/", site.cpd, {"status": "available"})
        site.first.api("POST", f"calls/{call['id']}/close/", site.cpd, {"disposition": "02"})


def test_a_request_from_the_form_waits_with_a_running_time_and_is_cancelled(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    call = new_fire(site, "430 ELM ST")
    try:
        open_call(page, call["number"])
        page.locator("#mutual-aid-agency").focus()
        page.locator("#mutual-aid-agency").select_option("NFPD")
        page.locator("#mutual-aid-capability").select_option("medic")
        page.locator("#mutual-aid-note").fill("patient care, 2nd patient")
        page.locator("#mutual-aid-go").click()

        row = page.locator('#mutual-aid-list [data-agency="NFPD"]')
        expect(row).to_have_attribute("data-state", "pending")
        expect(row).to_contain_text("1 × medic")
        expect(row).to_contain_text("patient care, 2nd patient")
        waiting = row.locator(".aid-waiting")
        expect(waiting).to_have_text(re.compile(r"^00:0[1-9]$"), timeout=5000)
        first = waiting.inner_text()
        expect(waiting).not_to_have_text(first, timeout=5000)  # the clock runs while the district decides

        # The command line asks too; asking the same district again for the same thing waits instead.
        command(page, "MA NFPD MEDIC")
        expect(page.locator("#cmd-message")).to_contain_text("has not answered yet")

        row.locator("button.aid-cancel").click()
        expect(row).to_have_attribute("data-state", "cancelled")
        expect(row.locator(".aid-cancel")).to_have_count(0)
        assert requests_of(site, call["id"], site.cpd)["NFPD"]["state"] == "cancelled"
        assert not page.errors, page.errors
    finally:
        site.first.api("POST", f"calls/{call['id']}/close/", site.cpd, {"disposition": "02"})
