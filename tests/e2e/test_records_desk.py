"""A records clerk corrects a closed call at the desk: opens it in the admin, adds a supplement through
the form, and prints the record, as a page and as a PDF, with the supplement in both."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.test_security_headers import signed_in, violations

pytestmark = pytest.mark.e2e

SUPPLEMENT = "Caller's name is Ruiz-Lee, not Ruiz <as told to clerk1>."


def test_a_clerk_adds_a_supplement_to_a_closed_call_and_prints_it_as_a_pdf(site, browser_context):
    status, call = site.first.api("POST", "calls/", site.cpd, {
        "call_type": "DISORD", "location": {"address": "230 5TH AVE"},
        "caller": {"name": "Dana Ruiz", "phone": "816-555-0142"}})
    assert status == 201, call
    status, closed = site.first.api("POST", f"calls/{call['id']}/close/", site.cpd, {"disposition": "02"})
    assert status == 200 and closed["status"] == "closed", closed

    clerk = signed_in(browser_context, site, "clerk1", "/admin/calls/call/")
    clerk.get_by_role("link", name=call["number"]).click()
    form = clerk.locator("#add-supplement")
    expect(form).to_be_visible()
    form.get_by_label("Supplement").fill(SUPPLEMENT)
    form.get_by_label("Corrects").select_option(label=next(
        o for o in form.get_by_label("Corrects").locator("option").all_inner_texts() if "Call created" in o))
    form.get_by_role("button", name="Add supplement").click()

    expect(clerk.locator(".messagelist")).to_contain_text(f"Supplement added to {call['number']}")
    chronology = clerk.locator("#chronology-group")
    expect(chronology).to_contain_text("SUPPLEMENT · corrects")
    expect(chronology).to_contain_text(SUPPLEMENT)
    assert violations(clerk) == [], violations(clerk)

    clerk.get_by_role("link", name="Print record").click()
    expect(clerk.locator("h1")).to_contain_text(call["number"])
    supplement = clerk.locator(".chronology tr.supplement")
    expect(supplement).to_contain_text(SUPPLEMENT)  # the typed <…> is text, not markup
    expect(supplement).to_contain_text("clerk1")
    expect(clerk.locator(".toolbar")).to_be_visible()
    clerk.emulate_media(media="print")
    expect(clerk.locator(".toolbar")).to_be_hidden()  # no buttons or navigation on paper
    printed = PdfReader(io.BytesIO(clerk.pdf(format="Letter"))).pages  # what the browser's Print gives
    on_paper = " ".join(" ".join(page.extract_text() for page in printed).split())
    assert "not Ruiz <as told to clerk1>." in on_paper and f"page 1 of {len(printed)}" in on_paper
    assert "Back to the call" not in on_paper
    clerk.emulate_media(media="screen")
    assert violations(clerk) == [], violations(clerk)  # the page runs under the CSP: no inline script

    pdf_url = clerk.get_by_role("link", name="PDF").get_attribute("href")
    answer = clerk.request.get(f"{site.first.url}{pdf_url}")
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.body())).pages)
    assert call["number"] in text
    assert SUPPLEMENT in text
    assert "SUPPLEMENT · corrects" in text
    assert "printed by clerk1 at" in text
    assert clerk.errors == [], clerk.errors
