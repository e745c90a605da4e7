"""The API reference and the schema answer every client sensibly: a bad token is a 401 however the
client asks (it was a 500 for Accept: application/json, text/plain and ?format=json)."""

import pytest

ACCEPTS = ["application/json", "text/plain", "text/html", "*/*", "application/xml"]


@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_bad_token_on_the_api_reference_is_a_401_whatever_the_client_accepts(client, db, accept):
    response = client.get("/api/docs/", HTTP_AUTHORIZATION="Token bad", HTTP_ACCEPT=accept)
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/api/docs/?format=json", "/api/docs/?format=openapi", "/api/docs/?script"])
def test_a_bad_token_with_a_format_asked_for_is_a_401_too(client, db, path):
    assert client.get(path, HTTP_AUTHORIZATION="Token bad").status_code == 401


@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_bad_token_on_the_schema_is_a_401_or_a_406_never_a_500(client, db, accept):
    # The schema is data: asked for in a form it does not come in, 406 says so before any login.
    expected = 401 if accept in ("application/json", "*/*") else 406
    response = client.get("/api/schema/", HTTP_AUTHORIZATION="Token bad", HTTP_ACCEPT=accept)
    assert response.status_code == expected


def test_the_reference_is_a_page_with_its_script_apart(client, alice):
    client.force_login(alice)
    page = client.get("/api/docs/", HTTP_ACCEPT="application/json")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "<script>" not in page.content.decode()  # the start-up script is fetched, not inline
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
