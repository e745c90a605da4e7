from calls import services
from calls.models import CallType
from premises.demo import grid_point
from premises.selectors import place_at, place_resolve, place_search


def test_an_apartment_is_placed_at_its_building(db):
    for typed in ("310 Main St Apt 4", "310 main street #4", "310 MAIN ST APARTMENT 4"):
        place = place_resolve(typed)
        assert place is not None, typed
        assert place.address in ("310 MAIN ST APT 4", "310 MAIN ST #4")
        assert place.beat.code == "1" and place.verified


def test_type_ahead_keeps_the_suite(db):
    assert place_search("310 main st suite 200")[0].address == "310 MAIN ST STE 200"


def test_a_call_at_an_apartment_gets_coordinates_and_beat(alice):
    call = services.call_create(call_type=CallType.objects.get(code="CARDIAC"),
                                location={"address": "310 Main St Apt 4"}, by=alice)
    assert (call.address, call.beat.code, call.location_verified) == ("310 MAIN ST APT 4", "1", True)
    assert call.lat is not None


def test_coordinates_out_of_town_are_not_named_after_a_city_address(db):
    place = place_at(39.2, -94.5)
    assert place.address == "39.200000, -94.500000"
    assert place.beat is None


def test_coordinates_beside_a_house_are_named_after_it(db):
    exact = place_resolve("310 MAIN ST")
    assert place_at(exact.lat, exact.lon).address == "310 MAIN ST"
    middle_of_a_block = grid_point(2.5, 0.5)  # about 90 m from the nearest house
    assert place_at(*middle_of_a_block).address.startswith("near ")


def test_street_names_that_begin_like_a_suite_are_not_split(db):
    from premises.normalize import normalize, split_unit

    for name in ("8 S STEVENS", "100 N FLORES", "12 E UNITY", "5 APTOS WAY"):
        assert split_unit(normalize(name)) == (normalize(name), "")
    assert split_unit(normalize("310 Main St Apt4")) == ("310 MAIN ST", "APT 4")
    assert place_resolve("310 MAIN ST #").address == "310 MAIN ST"
