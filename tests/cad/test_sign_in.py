"""After signing in, each person lands where their work is; a page they asked for wins."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

PASSWORD = "a-password-for-these-tests-1"


def signed_in(client, username: str, next_page: str | None = None):
    user = get_user_model().objects.get(username=username)
    user.set_password(PASSWORD)
    user.save()
    path = "/accounts/login/" + (f"?next={next_page}" if next_page else "")
    return client.post(path, {"username": username, "password": PASSWORD})


@pytest.mark.parametrize("username", ["dispatcher1", "supervisor1"])
@pytest.mark.parametrize("next_page", [None, "/"])
def test_dispatchers_and_supervisors_land_on_the_console(client, username, next_page):
    response = signed_in(client, username, next_page)
    assert response.status_code == 302
    assert response["Location"] == "/console/"


def test_a_records_clerk_lands_on_the_home_page(client):
    assert signed_in(client, "clerk1")["Location"] == "/"


def test_a_page_asked_for_wins(client):
    assert signed_in(client, "supervisor1", "/board/")["Location"] == "/board/"


def test_a_dispatcher_already_signed_in_is_sent_to_the_console(client):
    signed_in(client, "dispatcher1")
    response = client.get("/accounts/login/")
    assert response.status_code == 302 and response["Location"] == "/console/"
