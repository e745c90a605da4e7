"""Call entry at a dispatcher's typing speed: what is picked is what was typed."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_enter_before_the_lookup_answers_never_picks_from_the_old_list(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    expect(page.locator("#link-status")).to_have_attribute("data-state", "live")
    location = page.locator("#entry-location")
    page.keyboard.press("F2")
    page.keyboard.type("31")
    page.locator("#location-options [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")  # highlight the first match for "31"
    first_for_31 = page.locator("#location-options [role=option]").first.inner_text()

    page.keyboard.type("0 oak street")  # faster than the look-up's debounce…
    page.keyboard.press("Enter")  # …so the list on screen is still the one for "31"

    expect(location).to_have_value("310 oak street")
    expect(page.locator("#location-options [role=option]").first).to_contain_text("310 OAK ST")
    assert "310 OAK ST" not in first_for_31
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(location).to_have_value("310 OAK ST")


def test_a_call_type_typed_fast_is_the_one_picked(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    expect(page.locator("#link-status")).to_have_attribute("data-state", "live")
    page.locator("#entry-type").focus()
    page.keyboard.type("sho")
    expect(page.locator("#type-options [role=option]").first).to_contain_text("SHOOT")
    page.keyboard.type("p")
    page.keyboard.press("Enter")
    expect(page.locator("#entry-type")).to_have_value("SHOPLIFT")
