"""How typed words become the street file's spelling, and intersections however they are written."""

import pytest

from premises.normalize import normalize, similarity, split_intersection, unit_key
from premises.selectors import place_resolve, place_search


@pytest.mark.parametrize("typed, expected", [
    ("123 north main street", "123 N MAIN ST"),
    ("123 N. Main St.", "123 N MAIN ST"),
    ("500 Southwest Oak Boulevard", "500 SW OAK BLVD"),
    ("7 elm road", "7 ELM RD"), ("7 elm drive", "7 ELM DR"), ("7 elm lane", "7 ELM LN"),
    ("7 elm court", "7 ELM CT"), ("7 elm place", "7 ELM PL"), ("7 elm avenue", "7 ELM AVE"),
    ("Third Avenue", "3RD AVE"), ("first ave", "1ST AVE"), ("twelfth st", "12TH ST"),
    ("Thirteenth St", "13TH ST"), ("twentieth st", "20TH ST"), ("Twenty-First Avenue", "21ST AVE"),
    ("thirty second st", "32ND ST"), ("3d ave", "3RD AVE"), ("11th ave", "11TH AVE"),
    ("  main   &   3rd ", "MAIN & 3RD"),
])
def test_it_spells_words_the_way_the_street_file_does(typed, expected):
    assert normalize(typed) == expected


@pytest.mark.parametrize("typed", ["MAIN / 3RD", "main & 3rd", "MAIN AND 3RD AVE", "main at third",
                                   "Main St @ Third Avenue"])
def test_an_intersection_splits_into_its_two_streets(typed):
    a, b = split_intersection(typed)
    assert a.startswith("MAIN") and b.startswith("3RD")


def test_a_street_with_and_in_the_middle_of_a_word_is_not_an_intersection():
    assert split_intersection("310 SANDY LN") is None
    assert split_intersection("ANDOVER ST") is None


def test_units_are_written_one_way():
    assert [unit_key(u) for u in ("Apt. 4", "apartment 4", "#4", "4", "Suite 200", "")] == [
        "APT 4", "APT 4", "#4", "#4", "STE 200", ""]


def test_similarity_is_pg_trgm_s_measure():
    assert similarity("MAIN ST", "MAIN ST") == 1
    assert similarity("MAIM ST", "MAIN ST") == pytest.approx(0.6)
    assert similarity("NOWHERE BLVD", "MAIN ST") == 0


@pytest.mark.parametrize("typed", ["MAIN AND 3RD AVE", "3rd ave / main st", "MAIN & THIRD", "main / 3",
                                   "Third Avenue and Main Street"])
def test_every_way_of_writing_a_corner_resolves_to_the_same_point(db, typed):
    reference = place_resolve("MAIN ST / 3RD AVE")
    place = place_resolve(typed)

    assert place is not None and place.kind == "intersection"
    assert (place.lat, place.lon, place.beat) == (reference.lat, reference.lon, reference.beat)
    assert set(place.address.split(" / ")) == {"MAIN ST", "3RD AVE"}


def test_a_corner_is_named_in_the_order_it_was_typed(db):
    assert place_search("3rd ave & main")[0].address == "3RD AVE / MAIN ST"
    assert place_search("main & 3rd ave")[0].address == "MAIN ST / 3RD AVE"
