"""A call with a long history opens as fast as a fresh one: the detail shows the latest entries, and
the dispatcher reads the earlier ones a page at a time."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, live, sign_in

pytestmark = pytest.mark.e2e


def test_the_earlier_entries_of_a_long_call_are_read_on_demand(site, browser_context):
    status, call = site.first.api("POST", "calls/", site.cpd, {"call_type": "FSTRU",
                                                               "location": {"address": "650 CEDAR ST"}})
    assert status == 201, call
    for n in range(70):
        status, _ = site.first.api("POST", f"calls/{call['id']}/notes/", site.cpd, {"text": f"update {n}"})
        assert status == 201
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    command(page, call["number"])
    entries = page.locator("#chronology li[data-entry]")
    expect(entries).to_have_count(50)
    expect(entries.first).to_contain_text("update 69")  # newest first
    expect(page.locator("#chronology")).not_to_contain_text("update 19")
    page.locator("#chronology-earlier").click()
    expect(entries).to_have_count(71)  # 70 notes and the call's creation
    expect(entries.last).to_contain_text("FSTRU P1 at 650 CEDAR ST")
    expect(page.locator("#chronology-earlier")).to_have_count(0)
    # A new note arrives live; the earlier entries stay read.
    site.first.api("POST", f"calls/{call['id']}/notes/", site.cpd, {"text": "roof venting"})
    expect(entries.first).to_contain_text("roof venting")
    expect(entries).to_have_count(72)
    assert page.errors == [], page.errors
