"""A supplement added to an open call reaches the dispatcher's console live, marked as a supplement
with who added it and the line it corrects."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, live, sign_in

pytestmark = pytest.mark.e2e


def test_a_supplement_added_through_the_api_shows_on_the_console_marked(site, browser_context):
    status, call = site.first.api("POST", "calls/", site.cpd, {"call_type": "DISORD",
                                                               "location": {"address": "230 OAK ST"}})
    assert status == 201, call
    created = call["chronology"][0]
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    command(page, call["number"])
    expect(page.locator("#chronology li[data-entry]")).to_have_count(len(call["chronology"]))

    status, entry = site.first.api("POST", f"calls/{call['id']}/supplements/", site.cpd,
                                   {"text": "<b>Caller</b> is the owner", "corrects": created["id"]})
    assert status == 201, entry

    line = page.locator(f'#chronology li[data-entry="{entry["id"]}"]')
    expect(line).to_be_visible()
    expect(line.locator(".k")).to_have_text("SUPPLEMENT")
    expect(line).to_have_attribute("data-kind", "supplement")
    expect(line.locator(".t")).to_contain_text("corrects ")
    expect(line.locator(".t")).to_contain_text(" CREATED: <b>Caller</b> is the owner")  # text, never HTML
    expect(line.locator(".by")).not_to_be_empty()
    assert page.errors == [], page.errors
