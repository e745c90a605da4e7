"""Two dispatchers and a supervisor, each in a browser of their own, working one shift.

With Redis the three are on two different server processes; dispatcher B's connection runs
through a proxy whose cable the test pulls while A keeps working.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, live, sign_in
from tests.e2e.proxy import CuttableProxy

pytestmark = pytest.mark.e2e

def server_state(site):
    """What the server says, through the API, as a partner program would read it."""
    _, units = site.first.api("GET", "units/", site.cpd)
    _, calls = site.first.api("GET", "calls/?status=open&page_size=500", site.cpd)
    return ({u["callsign"]: u["status"] for u in units},
            {c["number"]: c["status"] for c in calls["results"]})


def pending_numbers(site):
    _, calls = site.first.api("GET", "calls/?status=pending&page_size=500", site.cpd)
    return {c["number"] for c in calls["results"]}




def enter_call_by_keyboard(page, address, call_type):
    page.keyboard.press("F2")
    expect(page.locator("#entry-location")).to_be_focused()
    page.keyboard.type(address)
    page.locator("#location-options [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#entry-type")).to_be_focused()
    page.keyboard.type(call_type)
    page.locator("#type-options [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")


def unit(page, callsign):
    return page.locator(f'#unit-board [data-callsign="{callsign}"]')


def test_two_dispatchers_and_a_supervisor_see_one_truth(site, browser_context):
    proxy = CuttableProxy(site.second.port)
    a = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    b = sign_in(browser_context(), proxy.url, "dispatcher2", "/console/")
    board = sign_in(browser_context(viewport={"width": 1920, "height": 1080}), site.second.url,
                    "supervisor1", "/board/")
    for page in (a, b, board):
        live(page)
    holding = board.locator("#holding-total")
    police = board.locator('#units-available [data-discipline="police"] .count')
    holding_before = int(holding.inner_text())
    police_before = police.inner_text()
    before = pending_numbers(site)

    # A takes a robbery call without touching the mouse.
    enter_call_by_keyboard(a, "310 main street", "robbery")
    expect(a.locator("#entry-location")).to_have_value("")
    new = pending_numbers(site) - before
    assert len(new) == 1, new
    number = new.pop()

    # B sees it waiting, without reloading; so does the supervisor's count.
    expect(b.locator(f'#pending-queue [data-call-number="{number}"]')).to_be_visible()
    expect(holding).to_have_text(str(holding_before + 1))

    # A sends 1A12 from the command line (the new call is the selected one).
    expect(a.locator("#call-detail")).to_have_attribute("data-call-number", number)
    command(a, "D 1A12")
    expect(a.locator("#cmd-message")).not_to_contain_text(re.compile("error|not", re.I))
    expect(unit(b, "1A12")).to_have_attribute("data-status", "dispatched")
    expect(b.locator(f'#pending-queue [data-call-number="{number}"]')).to_have_count(0)
    expect(b.locator("#active-calls")).to_contain_text(number)
    expect(holding).to_have_text(str(holding_before))
    expect(police).not_to_have_text(police_before)

    # B's cable is pulled while A keeps working; B must end up exactly where the server is.
    proxy.cut()
    expect(b.locator("#link-status")).not_to_have_attribute("data-state", "live", timeout=15_000)
    command(a, "ER 1A12")
    command(a, "OS 1A12")
    command(a, "N suspect fled north on foot")
    enter_call_by_keyboard(a, "main and 3rd", "fight")
    expect(a.locator("#entry-location")).to_have_value("")
    expect(a.locator("#call-detail")).not_to_have_attribute("data-call-number", number)  # the new call
    second = a.locator("#call-detail").get_attribute("data-call-number")
    command(a, "D 1A11")
    expect(unit(a, "1A11")).to_have_attribute("data-status", "dispatched")
    expect(unit(b, "1A12")).to_have_attribute("data-status", "dispatched")  # B is behind
    proxy.restore()
    live(b)

    units, calls = server_state(site)
    for callsign, status in units.items():
        expect(unit(b, callsign)).to_have_attribute("data-status", status)
    pending = {n for n, s in calls.items() if s == "pending"}
    shown = set(b.locator("#pending-queue [data-call-number]").evaluate_all(
        "rows => rows.map(r => r.dataset.callNumber)"))
    assert shown == pending
    assert calls[second] == "dispatched"
    for n, status in calls.items():
        if status != "pending":
            expect(b.locator("#active-calls")).to_contain_text(n)
    expect(board.locator("#alerts")).to_be_attached()
    expect(board.locator("#calls-today")).not_to_have_text("0", timeout=15_000)  # the figures follow too

    b.locator(f'#active-calls [data-call-number="{number}"]').first.click()
    expect(b.locator("#call-detail")).to_contain_text("suspect fled north on foot")
    expect(b.locator("#recommendations")).not_to_contain_text("Finding units")
    for page in (a, b, board):
        assert page.errors == [], page.errors
    proxy.close()
