"""The 9-1-1 line on the console: a line's ANI/ALI shows at once, F6 fills call entry from it and
saving completes its call; abandoned calls wait in the callback queue with their colour, one
dispatcher claims one, its outcome takes it off every console, and the board counts it."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, live, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def folder(tmp_path) -> Path:
    chosen = os.environ.get("CAD_SCREENSHOT_DIR")
    path = Path(chosen) if chosen else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def api(site, method, path, body=None, expect_status=(200, 201)):
    status, answer = site.first.api(method, path, site.cpd, body)
    assert status in expect_status, (path, status, answer)
    return answer


def ago(seconds: int) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat(timespec="seconds")


def test_a_ringing_line_is_shown_and_f6_fills_call_entry_whose_save_completes_its_call(site, browser_context,
                                                                                     folder):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    [place] = api(site, "GET", "addresses/?q=310%20MAIN%20ST&exact=true")

    line = api(site, "POST", "ali/", {"ani": "8165550142", "class_of_service": "WPH2", "address": "TOWER 14",
                                      "lat": place["lat"], "lon": place["lon"], "uncertainty_m": 12,
                                      "confidence": 90, "position": "P03", "rang_at": ago(9),
                                      "answered_at": ago(2)})

    shown = page.locator("#ali-line")
    expect(shown).to_contain_text("816-555-0142")
    expect(shown).to_contain_text("WPH2")
    expect(shown).to_contain_text("PHASE II · HANDSET LOCATION")
    expect(shown).to_contain_text("±12 m · 90% confidence")
    expect(shown).to_contain_text(line["number"])
    expect(shown).to_have_attribute("data-quality", "good")
    expect(page.locator("#pending-queue")).to_contain_text(line["number"])

    page.keyboard.press("F6")

    expect(page.locator("#entry-completing")).to_contain_text(f"Completing {line['number']}")
    expect(page.locator("#entry-caller-phone")).to_have_value("8165550142")
    expect(page.locator("#entry-location")).to_have_value("310 MAIN ST")
    expect(page.locator("#entry-source")).to_have_value("911_wireless")
    expect(page.locator("#entry-received")).to_be_visible()
    expect(page.locator("#entry-type")).to_be_focused()  # the place is known: the nature is next
    page.screenshot(path=str(folder / "console-ali.png"))
    page.keyboard.type("robbery")
    page.keyboard.press("Tab")
    page.keyboard.type("Jane Roe")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("man with a knife, ran north")
    page.keyboard.press("Alt+Enter")

    expect(page.locator("#cmd-message")).to_contain_text(f"Call {line['number']} saved: ROBBERY at 310 MAIN")
    expect(page.locator("#entry-completing")).to_be_hidden()
    saved = api(site, "GET", f"calls/{line['id']}/")
    assert (saved["call_type"]["code"], saved["priority"], saved["source"]) == ("ROBBERY", 1, "911_wireless")
    assert saved["caller"] == {"name": "Jane Roe", "phone": "8165550142"}
    assert saved["narrative"] == "man with a knife, ran north"
    assert saved["rang_at"] < saved["answered_at"] == saved["received_at"]
    same_number = api(site, "GET", "calls/?status=open&page_size=500")["results"]
    assert [c["number"] for c in same_number if c["caller"]["phone"] == "8165550142"] == [line["number"]]
    expect(page.locator("#ali-line")).to_contain_text("ROBBERY")
    assert page.errors == [], page.errors


def test_a_phase_i_line_says_there_is_no_handset_fix_and_a_rebid_moves_it(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    [tower] = api(site, "GET", "addresses/?q=130%20OAK%20ST&exact=true")
    [handset] = api(site, "GET", "addresses/?q=420%20CEDAR%20ST&exact=true")

    line = api(site, "POST", "ali/", {"ani": "8165550143", "class_of_service": "WPH1", "address": "TOWER 9",
                                      "lat": tower["lat"], "lon": tower["lon"]})

    expect(page.locator("#ali-line")).to_have_attribute("data-quality", "coarse")
    expect(page.locator("#ali-line")).to_contain_text("PHASE I · TOWER AND SECTOR ONLY")
    api(site, "POST", f"ali/{line['ali']['id']}/rebid/", {"class_of_service": "WPH2", "lat": handset["lat"],
                                                           "lon": handset["lon"], "uncertainty_m": 8})
    expect(page.locator("#ali-line")).to_contain_text("REBID 1")
    moved = api(site, "GET", f"calls/{line['id']}/")["location"]["address"]
    assert moved != line["location"]["address"] and "CEDAR ST" in moved
    expect(page.locator("#ali-line")).to_contain_text(moved)
    expect(page.locator("#ali-line")).to_have_attribute("data-quality", "good")
    assert page.errors == [], page.errors


def test_the_callback_queue_colours_the_wait_and_one_dispatcher_works_an_entry(site, browser_context, folder):
    before = api(site, "GET", "stats/today/")["callbacks"]
    alice = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    bob = sign_in(browser_context(), site.first.url, "dispatcher2", "/console/")
    live(alice)
    live(bob)
    red = api(site, "POST", "ali/", {"ani": "8165550161", "class_of_service": "WPH2", "lat": 39.0142,
                                     "lon": -94.2811, "uncertainty_m": 30, "abandoned": True,
                                     "rang_at": ago(330)})
    amber = api(site, "POST", "ali/", {"ani": "8165550162", "class_of_service": "RESD",
                                       "address": "310 OAK ST", "abandoned": True, "rang_at": ago(150)})
    fresh = api(site, "POST", "ali/", {"ani": "8165550163", "class_of_service": "RESD",
                                       "address": "230 5TH AVE", "abandoned": True})
    again = api(site, "POST", "ali/", {"ani": "8165550163", "class_of_service": "RESD",
                                       "address": "230 5TH AVE", "abandoned": True})
    assert again["id"] == fresh["id"] and again["attempts"] == 2

    rows = alice.locator("#callback-queue .cb-row")
    row = {entry["id"]: alice.locator(f'#callback-queue [data-callback-id="{entry["id"]}"]')
           for entry in (red, amber, fresh)}
    expect(row[fresh["id"]]).to_contain_text("×2")
    order = [int(n) for n in rows.evaluate_all("rows => rows.map(r => r.dataset.callbackId)")]
    assert order.index(red["id"]) < order.index(amber["id"]) < order.index(fresh["id"])  # oldest first
    expect(row[red["id"]].locator(".cb-wait")).to_have_attribute("data-level", "over")
    expect(row[amber["id"]].locator(".cb-wait")).to_have_attribute("data-level", "warn")
    expect(row[fresh["id"]].locator(".cb-wait")).to_have_attribute("data-level", "ok")

    row[amber["id"]].get_by_role("button", name="Claim").click()
    expect(row[amber["id"]]).to_contain_text("YOU")
    theirs = bob.locator(f'#callback-queue [data-callback-id="{amber["id"]}"]')
    expect(theirs).to_contain_text("dispatcher1 calling")
    expect(theirs.get_by_role("button", name="Claim")).to_have_count(0)
    command(bob, f"CB {amber['id']}")
    expect(bob.locator("#cmd-message")).to_contain_text("dispatcher1 is calling 8165550162 back")
    alice.screenshot(path=str(folder / "console-callbacks.png"))

    row[amber["id"]].locator(".cb-note").fill("kid playing with the phone")
    row[amber["id"]].get_by_role("button", name="Pocket dial").click()
    expect(row[amber["id"]]).to_have_count(0)
    expect(theirs).to_have_count(0)
    done = api(site, "GET", f"callbacks/{amber['id']}/")
    assert (done["outcome"], done["note"], done["done_by"]) == ("pocket_dial", "kid playing with the phone",
                                                               "dispatcher1")

    # From the command line: CB takes the oldest nobody holds; CB EM opens a call that entry completes.
    command(bob, "CB")
    expect(bob.locator(f'#callback-queue [data-callback-id="{red["id"]}"]')).to_contain_text("YOU")
    command(bob, "CB EM caller whispering, husband has a gun")
    expect(bob.locator("#entry-completing")).to_contain_text("from the 9-1-1 line: callback of 816-555-0161")
    expect(bob.locator("#entry-caller-phone")).to_have_value("8165550161")
    expect(bob.locator("#entry-source")).to_have_value("911_wireless")
    opened = api(site, "GET", f"callbacks/{red['id']}/")["call"]
    expect(bob.locator("#entry-completing")).to_contain_text(opened["number"])
    call = api(site, "GET", f"calls/{opened['id']}/")
    assert (call["status"], call["narrative"]) == ("pending", "caller whispering, husband has a gun")
    expect(alice.locator(f'#callback-queue [data-callback-id="{red["id"]}"]')).to_have_count(0)

    board = sign_in(browser_context(), site.first.url, "supervisor1", "/board/")
    live(board)
    counts = board.locator("#callbacks-today")
    expect(counts.locator('[data-outcome="pocket_dial"] b')).to_have_text(
        str(before["outcomes"]["pocket_dial"] + 1))
    expect(counts.locator('[data-outcome="emergency"] b')).to_have_text(
        str(before["outcomes"]["emergency"] + 1))
    expect(counts.locator('[data-outcome="waiting"]')).to_contain_text("waiting")
    panel, line = board.locator("#goals").bounding_box(), counts.bounding_box()
    assert line["y"] + line["height"] <= panel["y"] + panel["height"], "the counts are cut off the board"
    board.screenshot(path=str(folder / "board-callbacks.png"))
    for page in (alice, bob, board):
        assert page.errors == [], page.errors
