"""A dispatcher runs a name and a plate from the console's command line: the local warrant shows
with its caution codes first, the simulated state system's stolen plate shows marked SIMULATED,
and QA puts a hit on the selected call's chronology. No purpose, nothing sent."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, live, sign_in

pytestmark = pytest.mark.e2e


def test_qp_and_qv_show_the_hits_and_qa_puts_one_on_the_call(site, browser_context, tmp_path):
    status, call = site.first.api("POST", "calls/", site.cpd, {"call_type": "ROBBERY",
                                                               "location": {"address": "660 CEDAR ST"}})
    assert status == 201, call
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    command(page, call["number"])
    expect(page.locator("#detail-number")).to_have_text(call["number"])

    command(page, "QP HOLLOWAY,RAY 1984-07-19")
    expect(page.locator("#cmd-message")).to_contain_text("give the purpose")
    expect(page.locator("#inquiry-panel")).to_have_count(0)

    command(page, "QP HOLLOWAY,RAY 1984-07-19 C armed robbery suspect")
    hit = page.locator("#inquiry-hits li").first
    expect(hit).to_have_attribute("data-type", "warrant")
    expect(hit.locator(".caution")).to_have_text(["ARMED", "VIOLENT"])
    expect(hit).to_contain_text("DC-26-0412")
    expect(hit).to_contain_text("Source: Local records")
    expect(hit.locator(".simulated-mark")).to_have_count(0)
    # The caution codes come first in the hit, before what it is.
    assert hit.evaluate("li => li.querySelector('.cautions').compareDocumentPosition("
                        "li.querySelector('.hit-summary')) & Node.DOCUMENT_POSITION_FOLLOWING")
    page.locator("#inquiry-panel").screenshot(path=str(tmp_path / "inquiry-person.png"))

    command(page, "QA 1")
    expect(page.locator("#cmd-message")).to_contain_text(f"Hit 1 is on {call['number']}'s chronology")
    line = page.locator("#chronology li[data-kind='note']").first
    expect(line).to_contain_text("CAUTION ARMED, VIOLENT")
    expect(line).to_contain_text("DC-26-0412")

    command(page, "QV KS4471 KS C")
    simulated = page.locator("#inquiry-hits li").first
    expect(simulated).to_have_attribute("data-simulated", "true")
    expect(simulated.locator(".simulated-mark")).to_have_text("SIMULATED")
    expect(simulated).to_contain_text("Simulated state system (not a real MULES/NCIC connection)")
    expect(page.locator("#cmd-message")).to_contain_text("SIMULATED")

    # What is typed comes back as text, never as markup.
    command(page, "QP <b>X</b>,Y C")
    expect(page.locator("#cmd-message")).to_contain_text("name")
    assert page.locator("#inquiry-panel b").count() == 0
    assert page.errors == [], page.errors
