"""What a console shows while the network is slow and other dispatchers keep working."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def new_call(site, address):
    status, call = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "NOISE", "location": {"address": address}})
    assert status == 201, call
    return call


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
