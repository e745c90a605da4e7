"""What a console shows while the network is slow and other dispatchers keep working."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, sign_in

pytestmark = pytest.mark.e2e


def new_call(site, address):
    status, call = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "NOISE", "location": {"address": address}})
    assert status == 201, call
    return call


def call_status(site, number):
    status, call = site.first.api("GET", f"calls/{number}/", site.cpd)
    assert status == 200, call
    return call["status"]


def test_the_call_asked_for_is_the_one_shown_even_when_the_shown_one_changes_meanwhile(
    site, browser_context
):
    first, second = new_call(site, "110 OAK ST"), new_call(site, "130 OAK ST")
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    expect(page.locator("#link-status")).to_have_attribute("data-state", "live")
    detail = page.locator("#call-detail")
    page.keyboard.press("F1")
    page.keyboard.type(f"C {second['number']}")
    page.keyboard.press("Enter")
    expect(detail).to_have_attribute("data-call-number", second["number"])

    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 400, "downloadThroughput": -1, "uploadThroughput": -1})
    page.keyboard.press("F1")
    page.keyboard.type(f"C {first['number']}")
    page.keyboard.press("Enter")
    # While the first call loads, another dispatcher writes on the one still shown.
    assert site.first.api("POST", f"calls/{second['id']}/notes/", site.cpd, {"text": "meanwhile"})[0] == 201

    expect(detail).to_have_attribute("data-call-number", first["number"], timeout=10_000)
    page.wait_for_timeout(1500)  # every late answer has arrived by now
    expect(detail).to_have_attribute("data-call-number", first["number"])
    page.keyboard.press("F1")
    page.keyboard.type("N units staging at the corner")
    page.keyboard.press("Enter")
    expect(page.locator("#chronology")).to_contain_text("units staging at the corner")

    _, shown = site.first.api("GET", f"calls/{first['id']}/", site.cpd)
    _, other = site.first.api("GET", f"calls/{second['id']}/", site.cpd)
    assert "units staging at the corner" in [e["text"] for e in shown["chronology"]]
    assert "units staging at the corner" not in [e["text"] for e in other["chronology"]]


def test_a_close_typed_after_a_save_moved_the_selection_asks_which_call_it_means(site, browser_context):
    meant = new_call(site, "150 OAK ST")
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    expect(page.locator("#link-status")).to_have_attribute("data-state", "live")
    detail = page.locator("#call-detail")
    command(page, meant["number"])  # the dispatcher picks the call they will close
    expect(detail).to_have_attribute("data-call-number", meant["number"])

    # A new call is saved meanwhile; the selection moves to it, by the save, not by the dispatcher.
    page.keyboard.press("F2")
    page.keyboard.type("230 5th ave")
    page.keyboard.press("Tab")
    page.keyboard.type("noise")
    page.keyboard.press("Alt+Enter")
    expect(detail).not_to_have_attribute("data-call-number", meant["number"])
    saved = detail.get_attribute("data-call-number")

    command(page, "cl 03")
    page.wait_for_timeout(1000)
    assert call_status(site, saved) == "pending"  # not closed: it is not the call the dispatcher picked
    message = page.locator("#cmd-message")
    expect(message).to_contain_text(f"{saved} NOISE at 230 5TH AVE?")
    expect(message).to_contain_text("Y: yes")
    target = page.locator("#cmd-target")  # the line says which call a command would act on
    expect(target).to_contain_text(saved)
    expect(target).to_have_attribute("data-changed", "true")
    page.keyboard.press("Escape")

    # Named by its number, the call meant is the one closed.
    command(page, f"cl 03 {meant['number']}")
    expect(detail).to_have_attribute("data-call-number", meant["number"])
    expect(detail).to_have_attribute("data-status", "closed")
    assert call_status(site, saved) == "pending"
    assert call_status(site, meant["number"]) == "closed"
    assert page.errors == [], page.errors


def test_y_closes_the_call_the_command_line_asked_about(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    expect(page.locator("#link-status")).to_have_attribute("data-state", "live")
    page.keyboard.press("F2")
    page.keyboard.type("130 oak st")
    page.keyboard.press("Tab")
    page.keyboard.type("noise")
    page.keyboard.press("Alt+Enter")
    detail = page.locator("#call-detail")
    expect(detail).to_have_attribute("data-status", "pending")
    saved = detail.get_attribute("data-call-number")
    expect(page.locator("#cmd")).to_be_focused()  # after a save the keyboard is on the command line
    page.keyboard.type("cl 02")
    page.keyboard.press("Enter")
    expect(page.locator("#cmd-message")).to_contain_text("Y: yes")
    page.keyboard.press("y")
    expect(detail).to_have_attribute("data-status", "closed")
    assert call_status(site, saved) == "closed"
