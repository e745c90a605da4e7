"""GET addresses/?q=: what a call-taker types, and the places it finds."""

import pytest

ADDRESSES = "/api/v1/addresses/"


def lookup(client, q: str) -> list[dict]:
    response = client.get(ADDRESSES, {"q": q})
    assert response.status_code == 200, response.content
    return response.json()


def only(matches: list[dict]) -> dict:
    assert len(matches) == 1, matches
    return matches[0]


def test_it_finds_an_address_typed_in_lower_case_with_street_spelled_out(as_alice):
    match = only(lookup(as_alice, "310 main street"))

    assert match["address"] == "310 MAIN ST"
    assert match["beat"] == "1"
    assert match["verified"] is True
    assert isinstance(match["lat"], float) and isinstance(match["lon"], float)


def test_it_offers_every_address_that_starts_with_what_was_typed(as_carol):
    addresses = {m["address"] for m in lookup(as_carol, "310 m")}

    assert addresses == {"310 MAIN ST", "310 MAPLE ST"}


def test_a_street_name_alone_offers_its_intersections_and_addresses(as_alice):
    matches = lookup(as_alice, "maple")

    assert matches
    assert all("MAPLE ST" in m["address"] for m in matches)
    assert {m["kind"] for m in matches} == {"intersection", "address"}


@pytest.mark.parametrize("q", ["main and third", "3RD AVE / MAIN ST", "Main St & 3rd Ave", "main @ 3rd"])
def test_it_finds_one_intersection_however_it_is_typed(as_alice, q):
    match = only(lookup(as_alice, q))
    reference = only(lookup(as_alice, "MAIN ST / 3RD AVE"))

    assert match["kind"] == "intersection"
    assert set(match["address"].split(" / ")) == {"MAIN ST", "3RD AVE"}
    assert (match["lat"], match["lon"], match["beat"]) == (
        reference["lat"], reference["lon"], reference["beat"])


def test_an_intersection_is_named_in_the_order_it_was_typed(as_alice):
    assert only(lookup(as_alice, "main and third"))["address"] == "MAIN ST / 3RD AVE"
    assert only(lookup(as_alice, "3RD AVE / MAIN ST"))["address"] == "3RD AVE / MAIN ST"


def test_it_places_a_number_missing_from_the_file_between_its_neighbours(as_alice):
    below = only(lookup(as_alice, "111 MAIN ST"))
    above = only(lookup(as_alice, "130 MAIN ST"))

    match = only(lookup(as_alice, "125 main"))

    assert match["address"] == "125 MAIN ST"
    assert match["kind"] == "interpolated"
    assert match["beat"] == "1"
    assert min(below["lon"], above["lon"]) < match["lon"] < max(below["lon"], above["lon"])
    assert min(below["lat"], above["lat"]) < match["lat"] < max(below["lat"], above["lat"])


def test_a_number_outside_every_block_finds_nothing(as_alice):
    assert lookup(as_alice, "9999 MAIN ST") == []


def test_a_street_that_does_not_exist_finds_nothing(as_alice):
    assert lookup(as_alice, "310 nowhere blvd") == []
    assert lookup(as_alice, "nowhere and third") == []


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "m"}, {"q": "main", "limit": "lots"}])
def test_a_missing_or_one_letter_query_is_400(as_alice, query):
    response = as_alice.get(ADDRESSES, query)

    assert response.status_code == 400
    assert set(response.json()) <= {"q", "limit"} and response.json()


def test_it_returns_no_more_than_the_limit(as_alice):
    assert len(lookup(as_alice, "main")) == 10
    assert len(as_alice.get(ADDRESSES, {"q": "main", "limit": 3}).json()) == 3


def test_anonymous_gets_401(db, anonymous):
    assert anonymous.get(ADDRESSES, {"q": "310 main"}).status_code == 401


def test_a_partner_token_gets_403(as_sheriff_token):
    assert as_sheriff_token.get(ADDRESSES, {"q": "310 main"}).status_code == 403


@pytest.mark.parametrize("client", ["as_alice", "as_sam", "as_carol", "as_cpd_token"])
def test_center_staff_and_the_center_token_may_look_up(db, request, client):
    response = request.getfixturevalue(client).get(ADDRESSES, {"q": "310 main"})

    assert response.status_code == 200
    assert response.json()[0]["address"] == "310 MAIN ST"




def test_exact_answers_the_place_a_call_saved_there_gets_with_its_flags(as_alice):
    typed = as_alice.get(ADDRESSES, {"q": "511 elm", "exact": "true"}).json()
    assert [(m["kind"], m["address"], m["verified"]) for m in typed] == [("address", "511 ELM ST", True)]
    assert [f["kind"] for f in typed[0]["premise_flags"]] == ["officer_safety"]
    interpolated = as_alice.get(ADDRESSES, {"q": "312 main", "exact": "true"}).json()
    assert [(m["kind"], m["address"]) for m in interpolated] == [("interpolated", "312 MAIN ST")]


def test_exact_answers_nothing_for_what_would_be_kept_as_typed(as_alice):
    assert as_alice.get(ADDRESSES, {"q": "420 ceder", "exact": "true"}).json() == []
    assert as_alice.get(ADDRESSES, {"q": "main st", "exact": "true"}).json() == []
