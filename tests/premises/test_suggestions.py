"""Misspelled streets get "did you mean" (one measure, scored in Python on every database, pg_trgm
only narrowing the rows on PostgreSQL); common places are found by name or alias."""

import pytest

from premises.models import CommonPlace, Street
from premises.selectors import place_resolve, place_search, street_suggestions
from premises.selectors.lookup import _similar

ADDRESSES = "/api/v1/addresses/"


def test_a_misspelled_street_suggests_the_real_one_with_the_number_placed(db):
    suggestions = place_search("310 maim st")

    assert suggestions[0].kind == "suggestion" and suggestions[0].address == "310 MAIN ST"
    assert suggestions[0].verified is False
    exact = place_resolve("310 MAIN ST")
    assert (suggestions[0].lat, suggestions[0].lon) == (exact.lat, exact.lon)
    assert "MAPLE ST" in {s.address.split(" ", 1)[1] for s in suggestions}


@pytest.mark.parametrize("typed, expected", [
    ("CEDR ST", "CEDAR ST"), ("ceder street", "CEDAR ST"), ("PINEE", "PINE ST"), ("MAPEL ST", "MAPLE ST"),
])
def test_street_suggestions_rank_the_closest_spelling_first(db, typed, expected):
    assert street_suggestions(typed)[0].name == expected


def test_a_misspelled_street_in_a_corner_suggests_the_corner(db):
    suggestions = place_search("maim st / 3rd ave")

    assert [s.address for s in suggestions][:1] == ["MAIN ST / 3RD AVE"]
    assert suggestions[0].kind == "suggestion" and suggestions[0].lat is not None


def test_suggestions_never_stand_in_for_a_resolved_location(db):
    assert place_resolve("310 maim st") is None


def test_nothing_alike_suggests_nothing(db):
    assert place_search("310 zzyzx rd") == []
    assert place_search("qqq") == []


def test_the_api_answers_suggestions_as_matches_of_kind_suggestion(as_alice):
    matches = as_alice.get(ADDRESSES, {"q": "120 oakk street"}).json()

    assert matches and matches[0]["kind"] == "suggestion"
    assert matches[0]["address"] == "120 OAK ST"
    assert matches[0]["verified"] is False and matches[0]["beat"] == "1"
    assert matches[0]["premise_flags"] == [] and matches[0]["alarm_permit"] is None


def test_a_common_place_is_found_by_name_and_by_alias(db):
    by_name = place_search("city hall")
    by_alias = place_resolve("High School")

    assert by_name[0].kind == "place" and by_name[0].name == "CITY HALL"
    assert by_name[0].address == "410 MAIN ST" and by_name[0].address_id is not None
    assert by_alias.name == "DEMO CITY HIGH SCHOOL" and by_alias.address == "650 CEDAR ST"
    assert by_alias.lat == place_resolve("650 CEDAR ST").lat


def test_a_misspelled_common_place_is_suggested(db):
    assert place_search("CITY HAL")[0].name == "CITY HALL"
    assert place_search("mercy hospitl")[0].name == "MERCY HOSPITAL"


# What a caller says and a call taker types, with the first answer call entry must offer: the same
# on PostgreSQL (CI) and SQLite (`make test` without DATABASE_URL), the place or a suggestion of it.
FIRST_ANSWERS = [
    ("1st ave & main st", "intersection", "1ST AVE / MAIN ST"),
    ("main and 1st", "intersection", "MAIN ST / 1ST AVE"),
    ("first and main", "intersection", "1ST AVE / MAIN ST"),
    ("mian and 3rd", "suggestion", "MAIN ST / 3RD AVE"),
    ("3rd ave and mian", "suggestion", "3RD AVE / MAIN ST"),
    ("310 mian", "suggestion", "310 MAIN ST"),
    ("420 ceder", "suggestion", "420 CEDAR ST"),
]


@pytest.mark.parametrize("typed, kind, first", FIRST_ANSWERS)
def test_the_first_answer_is_the_place_or_a_suggestion_of_it_on_either_database(db, typed, kind, first):
    found = place_search(typed)
    assert found, typed
    assert (found[0].kind, found[0].address) == (kind, first)
    if kind == "suggestion":
        assert found[0].lat is not None  # a suggestion of a place, not only of a street
        assert place_resolve(first) is not None  # and accepting it gives a verified location


@pytest.mark.parametrize("typed, kind, first", FIRST_ANSWERS)
def test_the_api_answers_the_same_first(as_alice, typed, kind, first):
    matches = as_alice.get(ADDRESSES, {"q": typed}).json()
    assert (matches[0]["kind"], matches[0]["address"]) == (kind, first)


@pytest.mark.parametrize("typed", ["MIAN", "CEDER ST", "MAPEL", "ELN", "PYNE ST", "3TH AVE", "OKA"])
def test_narrowing_the_rows_on_postgresql_never_changes_the_answer(db, typed):
    narrowed = _similar(Street.objects.all(), "name", typed, 5)
    every = _similar(Street.objects.all(), "name", typed, 5, narrowed=False)
    assert [s.name for s in narrowed] == [s.name for s in every]


def test_narrowing_common_places_never_changes_the_answer_either(db):
    for typed in ("CITY HAL", "MERCY HOSPITL", "QUICKSTOP", "HIGH SCOOL"):
        narrowed = _similar(CommonPlace.objects.all(), "key", typed, 5)
        every = _similar(CommonPlace.objects.all(), "key", typed, 5, narrowed=False)
        assert [p.key for p in narrowed] == [p.key for p in every]
