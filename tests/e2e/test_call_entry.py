"""Call entry at a dispatcher's typing speed: what is picked is what was typed."""

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import live, sign_in

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

    # Enter waits for the list of what is typed now and takes its first match, never the old one.
    expect(location).to_have_value("310 OAK ST")
    assert "310 OAK ST" not in first_for_31
    expect(page.locator("#location-picked")).to_contain_text("✓ 310 OAK ST")


def test_a_call_type_typed_fast_is_the_one_picked(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    expect(page.locator("#link-status")).to_have_attribute("data-state", "live")
    page.locator("#entry-type").focus()
    page.keyboard.type("sho")
    expect(page.locator("#type-options [role=option]").first).to_contain_text("SHOOT")
    page.keyboard.type("p")
    page.keyboard.press("Enter")
    expect(page.locator("#entry-type")).to_have_value("SHOPLIFT")


def saved_calls(site) -> set[str]:
    _, calls = site.first.api("GET", "calls/?page_size=500", site.cpd)
    return {c["number"] for c in calls["results"]}


def test_a_call_is_received_when_call_taking_starts_and_entered_when_saved(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    page.keyboard.press("F2")
    expect(page.locator("#entry-received")).to_be_visible()  # the stamp shows while the call is taken
    page.wait_for_timeout(4000)  # the caller talks before the call taker types a word
    page.keyboard.type("230 5th ave")
    page.keyboard.press("Tab")
    page.keyboard.type("noise")
    page.keyboard.press("Alt+Enter")

    expect(page.locator("#detail-entered")).to_contain_text("(+00:0")
    number = page.locator("#call-detail").get_attribute("data-call-number")
    _, call = site.first.api("GET", f"calls/{number}/", site.cpd)
    waited = datetime.fromisoformat(call["entered_at"]) - datetime.fromisoformat(call["received_at"])
    assert waited >= timedelta(seconds=4), waited
    assert page.locator("#detail-received").inner_text() != page.locator("#detail-entered").inner_text()


def test_enter_in_an_open_list_with_nothing_highlighted_never_saves(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    before = saved_calls(site)
    page.keyboard.press("F2")
    page.keyboard.press("Tab")
    page.keyboard.type("robbery")  # the type first, as a caller may blurt it out
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#entry-location")).to_be_focused()
    page.keyboard.type("310 main st")
    options = page.locator("#location-options [role=option]")
    expect(options.first).to_contain_text("310 MAIN ST")
    assert page.locator("#location-options [aria-selected=true]").count() == 0

    page.keyboard.press("Enter")  # stray: the list is open and nothing is highlighted

    page.wait_for_timeout(1000)
    assert saved_calls(site) == before  # no half-empty call
    location = page.locator("#entry-location")
    expect(location).to_have_value("310 MAIN ST")  # the first match, picked, as a place
    expect(page.locator("#location-picked")).to_contain_text("✓ 310 MAIN ST")
    page.keyboard.press("Enter")  # a second stray Enter, list closed: still nothing saved
    page.keyboard.type("wel")  # the rest of the typing goes where it belongs, not into a blank form
    expect(location).to_be_focused()
    page.wait_for_timeout(1000)
    assert saved_calls(site) == before
    expect(page.locator("#cmd-message")).not_to_contain_text("saved")


def test_a_misspelled_address_asks_did_you_mean_before_saving(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    page.keyboard.press("F2")
    page.keyboard.type("420 ceder")
    page.keyboard.press("Tab")
    expect(page.locator("#location-picked")).to_contain_text("did you mean 420 CEDAR ST?")
    page.keyboard.type("noise")
    page.keyboard.press("Alt+Enter")

    question = page.locator("#entry-confirm")
    expect(question).to_be_visible()
    expect(question).to_contain_text("420 CEDER is not in the street file. Did you mean 420 CEDAR ST?")
    expect(question).to_be_focused()
    page.keyboard.press("Enter")  # one key takes the suggestion

    detail = page.locator("#call-detail")
    expect(detail.locator(".d-address")).to_have_text("420 CEDAR ST")
    expect(detail).not_to_contain_text("UNVERIFIED")
    _, call = site.first.api("GET", f"calls/{detail.get_attribute('data-call-number')}/", site.cpd)
    assert call["location"]["verified"] and call["location"]["beat"]

    # The other key keeps the words as typed: the call is saved unverified, as the dispatcher chose.
    page.keyboard.press("F2")
    page.keyboard.type("310 mian")
    page.keyboard.press("Tab")
    page.keyboard.type("noise")
    page.keyboard.press("Alt+Enter")
    expect(question).to_contain_text("Did you mean 310 MAIN ST?")
    page.keyboard.press("k")
    expect(detail.locator(".d-address")).to_have_text("310 MIAN")
    expect(detail).to_contain_text("UNVERIFIED LOCATION")
    assert page.errors == [], page.errors


def test_a_picked_suggestion_is_the_verified_place_it_names(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    page.keyboard.press("F2")
    page.keyboard.type("mian and 3rd")
    option = page.locator("#location-options [role=option]").first
    expect(option).to_contain_text("did you mean")
    expect(option).to_contain_text("MAIN ST / 3RD AVE")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    picked = page.locator("#location-picked")
    expect(picked).to_contain_text("✓ MAIN ST / 3RD AVE · intersection · beat")
    expect(picked).not_to_contain_text("UNVERIFIED")


def test_back_in_the_location_at_once_the_list_still_comes(site, browser_context):
    # Tab away and Shift+Tab straight back, then type: the list for what is typed must come, not be
    # closed by the leaving of a moment before (it was, when the keys came faster than 120 ms).
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    page.locator("#entry-location").focus()
    page.evaluate("""() => {
        document.getElementById("entry-type").focus();
        document.getElementById("entry-location").focus();
    }""")
    page.keyboard.type("310 main st")
    expect(page.locator("#location-options [role=option]").first).to_contain_text("310 MAIN ST")
    page.wait_for_timeout(400)  # past the moment the leaving would have closed it
    expect(page.locator("#location-options [role=option]").first).to_contain_text("310 MAIN ST")
