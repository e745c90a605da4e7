"""A dispatcher shares a call with a partner agency from the console, then relays it: the partner's
program sees it at once, sends its own engine, notes it; the console and the board show the call
relayed, with the partner's unit and its note marked with its agency."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, live, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def leave_the_site_as_found(site):
    """The site is shared by the session's browser tests: the engine goes back in service and the
    calls are closed, whatever this test got to."""
    yield
    nfpd = site.token("NFPD")
    site.first.api("POST", "units/E51/status/", nfpd, {"status": "available"})
    status, calls = site.first.api("GET", "calls/?status=open&page_size=500", site.cpd)
    for call in calls.get("results", []) if status == 200 else []:
        if call["call_type"]["code"] == "FSTRU" and call["location"]["address"] == "620 CEDAR ST":
            site.first.api("POST", f"calls/{call['id']}/close/", site.cpd, {"disposition": "02"})


def test_a_call_shared_then_relayed_from_the_console(site, browser_context, tmp_path):
    nfpd = site.token("NFPD")
    status, call = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "FSTRU", "location": {"address": "620 CEDAR ST"}, "narrative": "Smoke from a shed"})
    assert status == 201, call
    assert site.first.api("GET", f"calls/{call['id']}/", nfpd)[0] == 404
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    command(page, call["number"])
    expect(page.locator("#detail-number")).to_have_text(call["number"])

    # The button: a partner from the list, a note, Share.
    page.locator("#share-agency").select_option("NFPD")
    page.locator("#share-note").fill("North side of the district line")
    page.locator("#share-go").click()
    shares = page.locator("#share-list li")
    expect(shares).to_have_count(1)
    expect(shares.first).to_contain_text("SHARED WITH NFPD")
    expect(shares.first).to_contain_text("North side of the district line")
    row = page.locator(f"#pending-queue [data-call-number='{call['number']}']")
    expect(row.locator(".share-mark")).to_have_text("SHARED NFPD")
    status, seen = site.first.api("GET", f"calls/{call['id']}/", nfpd)
    assert status == 200 and [s["agency"] for s in seen["shared_with"]] == ["NFPD"]
    # Shared, not relayed: its program may not send units yet.
    assert site.first.api("POST", f"calls/{call['id']}/dispatch/", nfpd, {"units": ["E51"]})[0] == 403

    # The command line: relay it; the partner takes the call and sends its engine.
    command(page, "RL NFPD Their engine is closer")
    expect(page.locator("#cmd-message")).to_contain_text(f"{call['number']} relayed to NFPD")
    expect(shares.first).to_contain_text("RELAYED TO NFPD")
    status, sent = site.first.api("POST", f"calls/{call['id']}/dispatch/", nfpd, {"units": ["E51"]})
    assert status == 200, sent
    site.first.api("POST", "units/E51/status/", nfpd, {"status": "enroute"})
    site.first.api("POST", f"calls/{call['id']}/notes/", nfpd, {"text": "E51 on the way, 4 minutes"})
    active = page.locator(f"#active-calls [data-call-number='{call['number']}']")
    expect(active.locator(".share-mark")).to_have_text("RELAYED NFPD")
    expect(active.locator(".c-units")).to_contain_text("E51")
    expect(page.locator("#detail-units tr[data-unit='E51']")).to_have_attribute("data-status", "enroute")
    note = page.locator("#chronology li[data-kind='note']").first
    expect(note).to_contain_text("E51 on the way, 4 minutes")
    expect(note.locator(".by-agency")).to_have_text(" [NFPD]")
    expect(page.locator("#chronology li[data-kind='relayed']")).to_contain_text("Relayed to NFPD")
    expect(page.locator("#detail-head .share-mark")).to_have_text("RELAYED NFPD")
    page.screenshot(path=str(tmp_path / "share-console.png"), full_page=True)
    page.locator("#share-box").scroll_into_view_if_needed()
    page.locator("#share-box").screenshot(path=str(tmp_path / "share-box.png"))

    board = sign_in(browser_context(), site.first.url, "supervisor1", "/board/")
    live(board)
    expect(board.locator(f"#active-list tr[data-call-number='{call['number']}'] .share-mark")).to_have_text(
        "RELAYED NFPD")
    board.screenshot(path=str(tmp_path / "share-board.png"))

    # Ending the relay: the mark goes from the lists; the partner, whose engine is on it, keeps it.
    page.locator("#share-list button.share-end").click()
    expect(shares).to_have_count(0)
    expect(active.locator(".share-mark")).to_have_count(0)
    assert site.first.api("GET", f"calls/{call['id']}/", nfpd)[0] == 200
    command(page, "UNSH NFPD")
    expect(page.locator("#cmd-message")).to_contain_text("is not shared with NFPD")
    command(page, "SH")
    expect(page.locator("#cmd-message")).to_contain_text("SH: give the partner agency")
    # The form relays too.
    page.locator("#share-agency").select_option("SFPD")
    page.locator("#share-kind").select_option("relay")
    expect(page.locator("#share-go")).to_have_text("Relay")
    page.locator("#share-go").click()
    expect(shares.first).to_contain_text("RELAYED TO SFPD")
    expect(page.locator("#share-go")).to_have_text("Share")
    page.locator("#share-box").screenshot(path=str(tmp_path / "share-box-relay.png"))
    assert page.errors == [] and board.errors == [], (page.errors, board.errors)

