"""The unit terminal on an officer's phone: the dispatch reaches it, its taps reach the consoles,
its traffic stop starts the officer-safety clock."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import live, sign_in

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True}


def terminal(site, browser_context, username, callsign, url=None):
    """An officer's phone, signed in and signed on to `callsign`, live, the unit available (the
    browser tests share a site: another may have left the unit on a call)."""
    status, _ = site.first.api("POST", f"units/{callsign}/status/", site.cpd, {"status": "available"})
    assert status in (200, 409), status  # 409: available already
    page = sign_in(browser_context(**PHONE), url or site.first.url, username, "/unit/")
    expect(page.locator("#sign-on:visible, #terminal:visible")).to_have_count(1)
    if page.locator("#terminal").is_visible():  # still on from an earlier test
        page.locator("#sign-off").tap()
    page.locator(f'#unit-picks [data-callsign="{callsign}"]').tap()
    page.locator("#sign-on-button").tap()
    expect(page.locator("#unit-callsign")).to_have_text(callsign)
    live(page)
    return page


def console_unit(page, callsign):
    return page.locator(f'#unit-board [data-callsign="{callsign}"]')


def test_a_dispatch_reaches_the_unit_terminal_within_a_second_with_the_premise_hazards(site, browser_context):
    phone = terminal(site, browser_context, "officer1", "4A11")
    expect(phone.locator("#no-call")).to_be_visible()
    status, call = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "FIGHT", "location": {"address": "511 ELM ST"}, "narrative": "<i>two men</i> fighting"})
    assert status == 201, call
    sent = time.monotonic()
    assert site.first.api("POST", f"calls/{call['id']}/dispatch/", site.cpd, {"units": ["4A11"]})[0] == 200
    expect(phone.locator("#call-number")).to_have_text(call["number"], timeout=1_000)
    assert time.monotonic() - sent < 1.0
    expect(phone.locator("#traffic-stop")).to_be_hidden()  # a unit on a call starts no other
    expect(phone.locator("#message")).to_be_hidden()
    flags = phone.locator("#call-flags li")
    expect(flags.first).to_have_attribute("data-kind", "officer_safety")
    expect(flags.first).to_contain_text("OFFICER SAFETY")
    expect(phone.locator("#call-address")).to_have_text("511 ELM ST")
    # On the map: the call, red, where the street file puts 511 ELM ST.
    expect(phone.locator("#call-map path.call-point")).to_have_count(1)
    assert call["location"]["lat"] is not None
    # What a caller said is shown as text, never as markup.
    expect(phone.locator("#call-narrative")).to_have_text("<i>two men</i> fighting")
    assert phone.locator("#call-narrative i").count() == 0
    # A note from the console arrives as a new chronology line.
    noted = site.first.api("POST", f"calls/{call['id']}/notes/", site.cpd, {"text": "caller says knife"})
    assert noted[0] == 201
    expect(phone.locator("#chronology")).to_contain_text("caller says knife")
    # Large touch targets; nothing wider than the phone.
    for button in phone.locator("#status-buttons button").all():
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.errors == [], phone.errors


def test_en_route_and_on_scene_tapped_on_the_terminal_appear_on_two_consoles_at_once(site, browser_context):
    a = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    b = sign_in(browser_context(), site.second.url, "dispatcher2", "/console/")
    phone = terminal(site, browser_context, "officer2", "4A12", url=site.second.url)
    for page in (a, b):
        live(page)
    status, call = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "SUSP", "location": {"address": "310 MAIN ST"}})
    assert status == 201, call
    assert site.first.api("POST", f"calls/{call['id']}/dispatch/", site.cpd, {"units": ["4A12"]})[0] == 200
    expect(phone.locator("#call-number")).to_have_text(call["number"])

    # Only what the unit may do next is offered.
    expect(phone.locator('#status-buttons [data-status="transporting"]')).to_have_count(0)
    phone.locator('#status-buttons [data-status="enroute"]').tap()
    for page in (a, b):
        expect(console_unit(page, "4A12")).to_have_attribute("data-status", "enroute", timeout=1_000)
    expect(phone.locator("#unit-status")).to_have_attribute("data-status", "enroute")
    phone.locator('#status-buttons [data-status="onscene"]').tap()
    for page in (a, b):
        expect(console_unit(page, "4A12")).to_have_attribute("data-status", "onscene", timeout=1_000)
    expect(phone.locator("#history li").first).to_contain_text("On scene")
    # A note typed on the phone, with the keyboard, reaches the call's chronology.
    phone.locator("#note-text").fill("one detained")
    phone.locator("#note-text").press("Tab")
    phone.keyboard.press("Enter")
    expect(phone.locator("#chronology")).to_contain_text("one detained")
    _, detail = site.first.api("GET", f"calls/{call['id']}/", site.cpd)
    assert any(e["text"] == "one detained" and e["unit"] == "4A12" for e in detail["chronology"])
    for page in (a, b, phone):
        assert page.errors == [], page.errors


def test_a_traffic_stop_started_on_the_terminal_raises_its_status_check_on_time(site, browser_context):
    site.manage("shell", "-c", (
        "from calls.models import CallType, StatusCheckRule; "
        "StatusCheckRule.objects.update_or_create(status='onscene', "
        "call_type=CallType.objects.get(code='TSTOP'), defaults={'interval_seconds': 4})"))
    console = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(console)
    # The phone says where it is: the stop is there, not at the unit's last known location.
    here = {"latitude": 39.0122, "longitude": -94.2872}
    located = {**PHONE, "geolocation": here, "permissions": ["geolocation"]}
    phone = terminal(site, lambda **_: browser_context(**located), "officer3", "5A11")
    expect(phone.locator("#traffic-stop-here")).to_be_hidden()
    phone.locator("#traffic-stop").tap()
    phone.locator("#traffic-stop-here").tap()
    started = time.monotonic()
    expect(phone.locator("#unit-status")).to_have_attribute("data-status", "onscene")
    expect(phone.locator("#call-type")).to_contain_text("TSTOP")
    _, unit = next((200, u) for u in site.first.api("GET", "units/", site.cpd)[1] if u["callsign"] == "5A11")
    assert unit["status"] == "onscene" and unit["call_number"]
    _, stop = site.first.api("GET", f"calls/{unit['call']}/", site.cpd)
    assert (stop["location"]["lat"], stop["location"]["lon"]) == (39.0122, -94.2872), stop["location"]

    # (Other tests' units on the shared site may be due their own checks: only 5A11's counts here.)
    check = console.locator('#alert-list [data-kind="status_check"]', has_text="5A11")
    expect(check).to_have_count(1, timeout=15_000)
    expect(phone.locator("#alerts")).to_contain_text("without a status check")
    waited = time.monotonic() - started
    # Four seconds on scene, the timers looking every second: not before, and not long after.
    assert 3.5 <= waited <= 7.5, waited
    for page in (console, phone):
        assert page.errors == [], page.errors


def test_an_officer_who_signs_off_is_back_at_signing_on(site, browser_context):
    phone = terminal(site, browser_context, "officer4", "5A12")
    phone.locator("#sign-off").tap()
    expect(phone.locator("#sign-on")).to_be_visible()
    expect(phone.locator("#unit-picks [data-callsign='5A12']")).to_be_visible()
    assert phone.errors == [], phone.errors


def test_with_the_link_cut_a_status_change_is_queued_then_applied_once_when_it_returns(site, browser_context):
    phone = terminal(site, browser_context, "officer4", "6A11")
    status, call = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "SUSP", "location": {"address": "320 MAIN ST"}})
    assert status == 201, call
    assert site.first.api("POST", f"calls/{call['id']}/dispatch/", site.cpd, {"units": ["6A11"]})[0] == 200
    expect(phone.locator("#call-number")).to_have_text(call["number"])

    cut = "**/api/v1/terminal/**"
    phone.route(cut, lambda route: route.abort("internetdisconnected"))
    phone.locator('#status-buttons [data-status="enroute"]').tap()
    link = phone.locator("#link-status")
    expect(link).to_have_attribute("data-state", "offline")
    expect(link).to_contain_text("1 change waiting to be sent")
    expect(link).to_contain_text(re.compile(r"Data as of \d\d:\d\d:\d\d \(\d+ s old\)"))
    expect(phone.locator("#queued-list li")).to_have_count(1)
    expect(phone.locator("#queued-list li")).to_contain_text("En route")
    phone.wait_for_timeout(2_500)  # retried meanwhile, and still cut
    _, units = site.first.api("GET", "units/", site.cpd)
    assert next(u for u in units if u["callsign"] == "6A11")["status"] == "dispatched"

    phone.unroute(cut)
    expect(phone.locator("#queued")).to_be_hidden(timeout=5_000)
    expect(phone.locator("#unit-status")).to_have_attribute("data-status", "enroute")
    expect(link).to_have_attribute("data-state", "live")
    phone.reload()  # the queue is kept by the browser: nothing is sent again
    live(phone)
    expect(phone.locator("#history li", has_text="En route")).to_have_count(1)
    _, units = site.first.api("GET", "units/", site.cpd)
    assert next(u for u in units if u["callsign"] == "6A11")["status"] == "enroute"
    assert phone.errors == [], phone.errors


def test_with_the_link_cut_a_message_and_a_traffic_stop_are_queued_then_applied_once(site, browser_context):
    tapped_at = {"latitude": 39.0131, "longitude": -94.2869}  # where the phone was when the stop was tapped
    located = {**PHONE, "geolocation": tapped_at, "permissions": ["geolocation"]}
    phone = terminal(site, lambda **_: browser_context(**located), "officer1", "T1")
    text = f"plate KS-4471, two occupants ({time.time():.0f})"

    cut = ["**/api/v1/terminal/**", "**/api/v1/inquiries/**"]
    for path in cut:
        phone.route(path, lambda route: route.abort("internetdisconnected"))
    phone.locator("#message-text").fill(text)
    phone.locator("#message-form button").tap()
    phone.locator("#traffic-stop").tap()
    phone.locator("#traffic-stop-here").tap()
    link = phone.locator("#link-status")
    expect(link).to_have_attribute("data-state", "offline")
    expect(link).to_contain_text("2 changes waiting to be sent")
    waiting = phone.locator("#queued-list li")
    expect(waiting).to_have_count(2)
    expect(waiting.nth(0)).to_contain_text(f"Message: {text}")
    expect(waiting.nth(1)).to_contain_text("Traffic stop")

    # An inquiry is never kept for later: it says so, plainly.
    form = phone.locator("#inquiry-form")
    form.locator('[name="last"]').fill("Holloway")
    form.locator('[name="first"]').fill("Ray")
    form.locator("#inquiry-purpose").select_option("C")
    form.locator("button[type=submit]").tap()
    expect(phone.locator("#message")).to_have_text(
        "No link: an inquiry needs the connection; nothing was sent.")
    expect(phone.locator("#inquiry-answer")).to_be_hidden()

    phone.wait_for_timeout(2_500)  # retried meanwhile, and still cut
    _, units = site.first.api("GET", "units/", site.cpd)
    assert next(u for u in units if u["callsign"] == "T1")["status"] == "available"
    assert not [m for m in messages(site) if m["text"] == text]

    # The car has moved on by the time the link returns: the stop is where it was tapped.
    phone.context.set_geolocation({"latitude": 39.0200, "longitude": -94.2800})
    for path in cut:
        phone.unroute(path)
    expect(phone.locator("#queued")).to_be_hidden(timeout=5_000)
    expect(phone.locator("#unit-status")).to_have_attribute("data-status", "onscene")
    expect(phone.locator("#call-type")).to_contain_text("TSTOP")
    expect(phone.locator("#message-list li").first).to_contain_text(text)
    expect(link).to_have_attribute("data-state", "live")
    phone.reload()  # the queue is kept by the browser: nothing is sent again
    live(phone)
    expect(phone.locator("#queued")).to_be_hidden()
    phone.wait_for_timeout(1_500)

    _, units = site.first.api("GET", "units/", site.cpd)
    unit = next(u for u in units if u["callsign"] == "T1")
    assert unit["status"] == "onscene" and unit["call"], unit
    _, stop = site.first.api("GET", f"calls/{unit['call']}/", site.cpd)
    assert (stop["location"]["lat"], stop["location"]["lon"]) == (39.0131, -94.2869), stop["location"]
    _, active = site.first.api("GET", "calls/?status=active", site.cpd)
    stops = [c for c in results(active) if c["call_type"]["code"] == "TSTOP"
             and "T1" in [u["callsign"] for u in c["units"]]]
    assert [c["id"] for c in stops] == [stop["id"]], stops
    assert len([m for m in messages(site) if m["text"] == text]) == 1
    assert phone.errors == [], phone.errors


def results(answer):
    return answer["results"] if isinstance(answer, dict) else answer


def messages(site):
    status, answer = site.first.api("GET", "messages/", site.cpd)
    assert status == 200, answer
    return results(answer)
