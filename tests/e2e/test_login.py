import pytest

from cad.demo import demo_password

pytestmark = pytest.mark.e2e


def sign_in(page, base, username, password):
    page.goto(f"{base}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_dispatcher_signs_in_from_the_front_page(page, live_server, seeded_transactional_db):
    sign_in(page, live_server.url, "dispatcher1", demo_password()[0])
    page.get_by_text("Signed in as dispatcher1").wait_for()
    assert "dispatcher" in page.locator("main").inner_text()


def test_five_wrong_passwords_lock_the_account(page, live_server, seeded_transactional_db):
    for _ in range(5):
        sign_in(page, live_server.url, "dispatcher2", "not-the-password")
    sign_in(page, live_server.url, "dispatcher2", demo_password()[0])
    page.get_by_text("Account locked").wait_for()
    assert "Signed in" not in page.content()
