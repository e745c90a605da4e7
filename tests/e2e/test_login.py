import pytest
from playwright.sync_api import expect

from cad.demo import demo_password
from tests.e2e.conftest import live
from tests.servers import PASSWORD

pytestmark = pytest.mark.e2e


def sign_in(page, base, username, password):
    page.goto(f"{base}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_dispatcher_who_opens_the_site_lands_on_the_console_ready_for_a_call(site, browser_context):
    page = browser_context().new_page()
    sign_in(page, site.first.url, "dispatcher1", PASSWORD)
    expect(page).to_have_url(f"{site.first.url}/console/")
    expect(page.locator(".console-top .who")).to_have_text("dispatcher1")
    live(page)
    page.keyboard.press("F2")  # the next key is already call taking: no links to find first
    expect(page.locator("#entry-location")).to_be_focused()


def test_a_records_clerk_lands_on_the_home_page(page, live_server, seeded_transactional_db):
    sign_in(page, live_server.url, "clerk1", demo_password()[0])
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_text("Signed in as clerk1").wait_for()
    assert "records_clerk" in page.locator("main").inner_text()


def test_five_wrong_passwords_lock_the_account(page, live_server, seeded_transactional_db):
    for _ in range(5):
        sign_in(page, live_server.url, "dispatcher2", "not-the-password")
    sign_in(page, live_server.url, "dispatcher2", demo_password()[0])
    page.get_by_text("Account locked").wait_for()
    assert "Signed in" not in page.content()
