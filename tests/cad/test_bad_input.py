"""Odd input a fuzzer or a tired integrator sends: always a 4xx with a reason, never a 500."""

import json

import pytest


@pytest.mark.parametrize("path", [
    "/api/v1/calls/?since=0001-01-01T00:00:00%2B23:00",
    "/api/v1/calls/?received_after=0001-01-01T00:00:00%2B23:00",
    "/api/v1/calls/?since=garbage",
    "/api/v1/calls/?page=0",
    "/api/v1/calls/?page=-1",
    "/api/v1/calls/?page=abc",
    "/api/v1/calls/?page_size=100000",
    "/api/v1/calls/?call_type=%00",
    "/api/v1/addresses/?q=%00%00",
])
def test_odd_query_parameters_are_a_client_error(as_alice, path):
    response = as_alice.get(path)
    assert response.status_code in (200, 400), response.content
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/api/v1/units/%00/", "/api/v1/call-types/%00/",
                                  "/api/v1/dispositions/%00/", "/admin/calls/call/?status=%00"])
def test_nul_bytes_in_a_path_or_query_are_a_400(as_alice, admin_user, path):
    as_alice.force_login(admin_user)
    assert as_alice.get(path).status_code == 400


@pytest.mark.parametrize("offset", ["%2B16:00", "-16:00", "%2B23:59"])
def test_a_time_with_an_offset_postgresql_refuses_is_still_understood(as_alice, offset):
    response = as_alice.get(f"/api/v1/calls/?since=2026-11-21T00:00:00{offset}")
    assert response.status_code == 200


@pytest.mark.parametrize("path", [
    "/api/v1/calls/-1/", "/api/v1/calls/99999999999999999999999/", "/api/v1/calls/1/chronology/",
    "/api/v1/calls/%D9%A3/",
])
def test_unknown_api_paths_answer_404_in_json(as_alice, path):
    response = as_alice.get(path)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_unit_is_found_whatever_the_case_of_its_callsign(as_alice):
    assert as_alice.get("/api/v1/units/1a12/").json()["callsign"] == "1A12"


def test_text_that_grows_when_upper_cased_still_fits(as_alice):
    response = as_alice.post("/api/v1/calls/", {"call_type": "ROBBERY", "location": {"address": "ß" * 200}},
                             format="json")
    assert response.status_code == 201
    assert len(response.json()["location"]["address"]) == 200


def test_a_nul_disposition_is_refused(as_alice, alice):
    call = as_alice.post("/api/v1/calls/", {"call_type": "ROBBERY", "location": {"address": "310 MAIN ST"}},
                         format="json").json()
    response = as_alice.post(f"/api/v1/calls/{call['id']}/close/", {"disposition": "\u0000"}, format="json")
    assert response.status_code == 400
    assert "disposition" in response.json()


@pytest.mark.parametrize("master", ["²", "٣", "1" * 30])
def test_a_master_given_in_odd_digits_is_refused(as_alice, master):
    call = as_alice.post("/api/v1/calls/", {"call_type": "ROBBERY", "location": {"address": "310 MAIN ST"}},
                         format="json").json()
    response = as_alice.post(f"/api/v1/calls/{call['id']}/link/", {"master": master}, format="json")
    assert response.status_code == 400
    assert "master" in response.json()


def test_json_nested_too_deep_is_a_400(as_alice):
    body = "[" * 5000 + "]" * 5000
    response = as_alice.post("/api/v1/calls/", body, content_type="application/json")
    assert response.status_code == 400


def test_a_body_too_large_is_a_400_in_json(as_alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = as_alice.post("/api/v1/calls/", json.dumps({"narrative": "x" * 5000}),
                             content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("code", ["\u0000", "ROB\u0000BERY", "Ｒobbery", "x" * 500])
def test_an_odd_call_type_is_refused(as_alice, code):
    response = as_alice.post("/api/v1/calls/", {"call_type": code, "location": {"address": "310 MAIN ST"}},
                             format="json")
    assert response.status_code == 400
    assert "call_type" in response.json()


def test_an_address_with_many_suite_numbers_still_fits(as_alice):
    response = as_alice.post("/api/v1/calls/", {"call_type": "ROBBERY",
                                                "location": {"address": "310 MAIN ST" + " #1" * 60}},
                             format="json")
    assert response.status_code == 201
    assert len(response.json()["location"]["address"]) <= 200
