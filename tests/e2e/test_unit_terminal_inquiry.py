"""An officer runs a name and a plate from the phone: the demo's wanted man with his caution codes
first, the simulated state system's stolen plate marked SIMULATED; no purpose, nothing sent."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_unit_terminal import terminal

pytestmark = pytest.mark.e2e


def test_an_officer_runs_a_name_and_a_plate_from_the_phone(site, browser_context):
    phone = terminal(site, browser_context, "officer2", "6A12")
    form = phone.locator("#inquiry-form")
    form.locator('[name="last"]').fill("Holloway")
    form.locator('[name="first"]').fill("Ray")
    form.locator('[name="dob"]').fill("1984-07-19")
    form.locator("button[type=submit]").tap()
    expect(phone.locator("#message")).to_contain_text("Give the purpose")
    expect(phone.locator("#inquiry-answer")).to_be_hidden()

    form.locator("#inquiry-purpose").select_option("C")
    form.locator("button[type=submit]").tap()
    hit = phone.locator("#inquiry-hits li").first
    expect(hit.locator(".caution")).to_have_text(["ARMED", "VIOLENT"])
    expect(hit).to_contain_text("DC-26-0412")
    expect(hit).to_contain_text("Source: Local records")

    form.locator("#inquiry-kind").select_option("vehicle")
    form.locator('[name="plate"]').fill("KS-4471")
    form.locator('[name="state"]').fill("ks")
    form.locator("button[type=submit]").tap()
    simulated = phone.locator("#inquiry-hits li").first
    expect(simulated.locator(".simulated-mark")).to_have_text("SIMULATED")
    expect(simulated).to_contain_text("Simulated state system (not a real MULES/NCIC connection)")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.errors == [], phone.errors
