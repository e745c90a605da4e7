"""A unit's emergency: on two consoles (of two server processes) and the board within a second of
the dispatcher relaying it, sounding again and again, first in the alert bar; a dispatcher cannot
acknowledge it; the supervisor does, from the board, and it leaves every screen and falls silent."""

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, emergency_shown_after, live, sign_in

pytestmark = pytest.mark.e2e

# Counts the tones the page starts (headless Chromium plays them to no speaker).
COUNT_TONES = """
window.__tones = 0;
const Real = window.AudioContext;
window.AudioContext = class extends Real {
  createOscillator() {
    const tone = super.createOscillator();
    const start = tone.start.bind(tone);
    tone.start = (...args) => { window.__tones += 1; return start(...args); };
    return tone;
  }
};
"""


def listening(context):
    context.add_init_script(COUNT_TONES)
    return context


def tones(page) -> int:
    return page.evaluate("window.__tones")


def test_an_emergency_reaches_two_consoles_and_the_board_within_a_second_until_a_supervisor_acks(
        site, browser_context):
    a = sign_in(listening(browser_context()), site.first.url, "dispatcher1", "/console/")
    b = sign_in(listening(browser_context()), site.second.url, "dispatcher2", "/console/")
    board = sign_in(listening(browser_context(viewport={"width": 1920, "height": 1080})), site.second.url,
                    "supervisor1", "/board/")
    for page in (a, b, board):
        live(page)

    started = time.monotonic()
    command(a, "EMER 1a12")
    shown = emergency_shown_after(started, a, b, board)
    print(f"emergency on screen after (s): {shown}")
    assert max(shown.values()) < 1.0, shown

    emergency = b.locator('#alert-list [data-kind="emergency"]')
    expect(emergency).to_contain_text("EMERGENCY")
    expect(emergency).to_contain_text("1A12")
    expect(b.locator("#alert-list .alert").first).to_have_attribute("data-kind", "emergency")
    expect(board.locator('#safety-list [data-kind="emergency"]')).to_contain_text("1A12")
    # It sounds, and sounds again while nobody acknowledges it.
    for page in (a, b, board):
        heard = tones(page)
        assert heard > 0
        deadline = time.monotonic() + 5
        while tones(page) <= heard and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        assert tones(page) > heard

    # A dispatcher's acknowledgement is refused, and it stays.
    b.locator('#alert-list [data-kind="emergency"] button', has_text="Acknowledge").click()
    expect(b.locator("#cmd-message")).to_contain_text("Only a supervisor acknowledges an emergency")
    expect(a.locator('#alert-list [data-kind="emergency"]')).to_have_count(1)

    board.locator('#safety-list [data-kind="emergency"] button', has_text="Acknowledge").click()
    for page in (a, b):
        expect(page.locator('#alert-list [data-kind="emergency"]')).to_have_count(0)
    # (A demo unit's own status check may come due meanwhile: only the emergency has to go.)
    expect(board.locator('#safety-list [data-kind="emergency"]')).to_have_count(0)
    quiet = {page: tones(page) for page in (a, b, board)}
    time.sleep(3)  # longer than the siren's interval
    assert {page: tones(page) for page in (a, b, board)} == quiet

    _, alerts = site.first.api("GET", "alerts/?state=all", site.cpd)
    done = [x for x in alerts if x["kind"] == "emergency" and x["unit"] == "1A12"]
    assert len(done) == 1 and done[0]["acknowledged_by"] == "supervisor1", done
    for page in (a, b, board):
        assert page.errors == [], page.errors
