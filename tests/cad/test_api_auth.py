"""Agency tokens, the agency_token command, and the API reference pages."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from cad.models import Agency, AgencyToken
from cad.services import agency_token_create

UNITS = "/api/v1/units/"


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def cpd_key(db) -> str:
    _, key = agency_token_create(agency=Agency.objects.get(code="CPD"), label="RMS")
    return key


def test_a_valid_token_works(cpd_key):
    response = with_token(cpd_key).get(UNITS)

    assert response.status_code == 200
    assert "1A12" in {u["callsign"] for u in response.json()}


def test_a_used_token_shows_when_it_was_last_used(cpd_key):
    with_token(cpd_key).get(UNITS)

    assert AgencyToken.objects.get(label="RMS").last_used_at is not None


def test_a_wrong_key_is_401(cpd_key):
    response = with_token(cpd_key[:-4] + "XXXX").get(UNITS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token \u00e9t\u00e9"])
def test_a_malformed_token_header_is_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    assert client.get(UNITS).status_code == 401


def test_a_revoked_token_is_401(cpd_key):
    AgencyToken.objects.filter(label="RMS").update(revoked_at=timezone.now())

    assert with_token(cpd_key).get(UNITS).status_code == 401


def test_a_token_stops_working_when_its_agency_account_is_disabled(cpd_key):
    account = Agency.objects.get(code="CPD").service_user
    account.is_active = False
    account.save()

    assert with_token(cpd_key).get(UNITS).status_code == 401


def test_only_the_hash_of_a_key_is_stored(cpd_key):
    token = AgencyToken.objects.get(label="RMS")

    assert token.key_hash == hashlib.sha256(cpd_key.encode()).hexdigest()
    stored = [str(value) for value in AgencyToken.objects.filter(pk=token.pk).values().get().values()]
    assert not any(cpd_key in value for value in stored)
    assert cpd_key.startswith(token.prefix) and len(token.prefix) < len(cpd_key) // 2


def test_the_agency_token_command_prints_a_key_that_works(db):
    out = StringIO()

    call_command("agency_token", "CPD", stdout=out)

    key = out.getvalue().strip()
    assert len(key) >= 32 and "\n" not in key
    assert with_token(key).get(UNITS).status_code == 200
    assert AgencyToken.objects.filter(agency__code="CPD", prefix=key[:8]).exists()


def test_the_agency_token_command_takes_the_code_in_any_case(db):
    out = StringIO()

    call_command("agency_token", "dcso", stdout=out)

    assert with_token(out.getvalue().strip()).get(UNITS).status_code == 200


def test_the_agency_token_command_names_an_unknown_agency(db):
    with pytest.raises(CommandError) as error:
        call_command("agency_token", "NOPE", stdout=StringIO())

    assert "NOPE" in str(error.value)
    assert "CPD" in str(error.value)
    assert not AgencyToken.objects.exists()


def test_the_schema_describes_the_api(as_carol):
    response = as_carol.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ["/api/v1/calls/", "/api/v1/calls/{id}/dispatch/", "/api/v1/units/",
                 "/api/v1/units/{callsign}/status/", "/api/v1/addresses/"]:
        assert path in schema["paths"], path
    assert "agencyToken" in schema["components"]["securitySchemes"]


def test_the_api_reference_page_answers(as_alice):
    response = as_alice.get("/api/docs/")

    assert response.status_code == 200
    assert b"/api/schema/" in response.content


def test_the_schema_answers_a_token_holder(as_cpd_token):
    assert as_cpd_token.get("/api/schema/").status_code == 200


def test_anonymous_is_refused_the_schema(db, anonymous):
    assert anonymous.get("/api/schema/").status_code == 401


def test_anonymous_is_sent_from_the_api_reference_to_sign_in(db, anonymous):
    response = anonymous.get("/api/docs/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/api/docs/"
