"""An officer goes quiet on a traffic stop: every console and the board must say so, once."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_a_unit_overdue_for_its_check_alerts_every_console_and_the_board_once(site, browser_context):
    site.manage("shell", "-c", (
        "from calls.models import CallType, StatusCheckRule; "
        "StatusCheckRule.objects.update_or_create(status='onscene', "
        "call_type=CallType.objects.get(code='TSTOP'), defaults={'interval_seconds': 3})"))
    a = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    b = sign_in(browser_context(), site.second.url, "dispatcher2", "/console/")
    board = sign_in(browser_context(viewport={"width": 1920, "height": 1080}), site.second.url,
                    "supervisor1", "/board/")
    for page in (a, b, board):
        expect(page.locator("#link-status")).to_have_attribute("data-state", "live", timeout=15_000)

    status, call = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "TSTOP", "location": {"address": "520 PINE ST"}, "narrative": "grey sedan, 2 occupants"})
    assert status == 201, call
    assert site.first.api("POST", f"calls/{call['id']}/dispatch/", site.cpd, {"units": ["3A11"]})[0] == 200
    assert site.first.api("POST", "units/3A11/status/", site.cpd, {"status": "onscene"})[0] == 200

    # Three seconds on scene without a check: the alert, once, on both consoles and the board.
    check = '#alert-list [data-kind="status_check"]'
    for page in (a, b):
        expect(page.locator(check)).to_have_count(1, timeout=15_000)
        expect(page.locator(check)).to_contain_text("3A11")
    safety = board.locator("#safety-list li")
    expect(safety).to_have_count(1)
    expect(safety).to_contain_text("3A11")
    # Nobody answers: it escalates, louder on the board.
    expect(safety).to_have_attribute("data-escalated", "yes", timeout=15_000)
    expect(b.locator(check)).to_have_attribute("data-escalated", "yes")

    a.keyboard.press("F1")
    a.keyboard.type("CHK 3A11")
    a.keyboard.press("Enter")

    for page in (a, b):
        expect(page.locator(check)).to_have_count(0)
    expect(board.locator("#safety-alerts")).to_be_hidden()
    _, alerts = site.first.api("GET", "alerts/?state=all", site.cpd)
    checks = [x for x in alerts if x["kind"] == "status_check" and x["unit"] == "3A11"]
    assert len(checks) == 1, checks  # two servers' schedulers, one alert
    assert checks[0]["acknowledged_by"] == "dispatcher1"
    _, detail = site.first.api("GET", f"calls/{call['id']}/", site.cpd)
    texts = [entry["text"] for entry in detail["chronology"]]
    assert any("without a status check" in t for t in texts)
    assert any(t.startswith("Escalated to the supervisor") for t in texts)
    assert any("3A11 OK" in t for t in texts)
    for page in (a, b, board):
        assert page.errors == [], page.errors


def test_a_call_past_its_goal_stays_on_the_board_until_a_dispatcher_acknowledges_it(site, browser_context):
    from datetime import UTC, datetime, timedelta

    received = (datetime.now(UTC) - timedelta(minutes=2)).isoformat()
    status, call = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "ROBBERY", "location": {"address": "330 ELM ST"}, "received_at": received})
    assert status == 201, call
    console = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    board = sign_in(browser_context(viewport={"width": 1920, "height": 1080}), site.second.url,
                    "supervisor1", "/board/")
    row = board.locator(f'#alerts [data-call-number="{call["number"]}"][data-alert="dispatch"]')
    expect(row).to_contain_text("NOT SENT", timeout=15_000)
    bar = console.locator('#alert-list [data-kind="dispatch_goal"]', has_text=call["number"])
    expect(bar).to_have_count(1, timeout=15_000)

    assert site.first.api("POST", f"calls/{call['id']}/dispatch/", site.cpd, {"units": ["4A12"]})[0] == 200
    expect(row).to_contain_text("SENT LATE")  # sent, but nobody has acknowledged the breach yet

    bar.get_by_role("button", name="Acknowledge (ACK)").click()
    expect(row).to_have_count(0)
    expect(bar).to_have_count(0)
    _, alerts = site.first.api("GET", "alerts/?state=all", site.cpd)
    mine = [a for a in alerts if a["call"] == call["id"] and a["kind"] == "dispatch_goal"]
    assert [a["acknowledged_by"] for a in mine] == ["dispatcher1"]


def test_a_dispatch_goal_alert_reads_as_words_with_no_stray_null(site, browser_context):
    from datetime import UTC, datetime, timedelta

    received = (datetime.now(UTC) - timedelta(minutes=3)).isoformat()
    status, call = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "FIGHT", "location": {"address": "130 OAK ST"}, "received_at": received})
    assert status == 201, call
    console = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    bar = console.locator('#alert-list [data-kind="dispatch_goal"]', has_text=call["number"])
    expect(bar).to_have_count(1, timeout=15_000)
    expect(bar).to_contain_text("DISPATCH GOAL")
    expect(bar.get_by_role("button", name=f"Open {call['number']}")).to_be_visible()
    assert "null" not in bar.inner_text()
    site.first.api("POST", f"calls/{call['id']}/close/", site.cpd, {"disposition": "02"})
