"""Street files as they come from real towns: one name on two streets, buildings known only by their
apartments, numbered and saints' streets, names with accents, common places that look like corners."""

import io

import pytest

from calls import services
from calls.models import CallPremiseFlag, CallType
from premises.choices import FlagKind, Occupancy
from premises.models import Address, AlarmPermit, PremiseFlag
from premises.normalize import normalize, split_intersection
from premises.selectors import alarm_permit_for, place_resolve, place_search, premise_flags_for
from premises.services import (
    addresses_import,
    alarm_permit_save,
    common_places_import,
    premise_flag_save,
    read_csv,
)

# Far from the demo city. N PARK ST and S PARK ST are 2 km apart, each a block 100-198; only S PARK ST
# has a point at 150. MAIN ST has a point at 100; MAIN AVE's block 90-198 also holds 100.
TOWN = """LON,LAT,NUMBER,STREET,UNIT,CITY,POSTCODE
-96.0000,41.0200,100,N Park St,,PARKTON,
-96.0010,41.0200,198,N Park St,,PARKTON,
-96.0000,41.0020,100,S Park St,,PARKTON,
-96.0005,41.0020,150,S Park St,,PARKTON,
-96.0010,41.0020,198,S Park St,,PARKTON,
-96.0100,41.0100,100,Main St,,PARKTON,
-96.0110,41.0100,198,Main St,,PARKTON,
-96.0200,41.0300,90,Main Ave,,PARKTON,
-96.0210,41.0300,198,Main Ave,,PARKTON,
-96.0300,41.0400,480,Tower St,,PARKTON,
-96.0303,41.0400,500,Tower St,1,PARKTON,
-96.0303,41.0400,500,Tower St,4,PARKTON,
-96.0306,41.0400,520,Tower St,,PARKTON,
-96.0400,41.0400,700,Loft St,1,PARKTON,
-96.0400,41.0400,700,Loft St,2,PARKTON,
-96.0500,41.0500,100,King St N,,PARKTON,
-96.0510,41.0500,140,King St N,,PARKTON,
-96.0600,41.0600,100,Saint Louis Avenue,,PARKTON,
-96.0700,41.0700,100,La Salle St,,PARKTON,
-96.0800,41.0800,12,Calle José Martí,,PARKTON,
"""


@pytest.fixture
def town(db):
    report = addresses_import(read_csv(io.StringIO(TOWN)))
    assert report.bad_rows == 0


def new_call(by, address: str, code: str = "DISORD"):
    return services.call_create(call_type=CallType.objects.get(code=code), location={"address": address},
                                by=by)


def test_a_number_on_one_of_two_like_named_streets_is_placed_on_the_one_that_has_it(town, alice):
    place = place_resolve("150 park st")

    assert (place.kind, place.address) == ("address", "150 S PARK ST")
    call = new_call(alice, "150 park st")
    assert (call.address, call.location_verified) == ("150 S PARK ST", True)
    assert place_resolve("100 main").address == "100 MAIN ST"


def test_a_number_two_like_named_streets_could_hold_is_not_guessed(town, alice):
    assert place_resolve("160 park st") is None
    assert place_resolve("120 main") is None

    call = new_call(alice, "160 park st")

    assert (call.address, call.location_verified, call.beat) == ("160 PARK ST", False, None)
    offered = {p.address for p in place_search("160 park st")}
    assert offered == {"160 N PARK ST", "160 S PARK ST"}


def unit_flag(label: str, text: str = "Resident threatens officers with a knife") -> PremiseFlag:
    return premise_flag_save(flag=PremiseFlag(address=Address.objects.get(label=label),
                                              kind=FlagKind.OFFICER_SAFETY, text=text), by=None)


@pytest.mark.parametrize("typed", ["500 TOWER ST #4", "500 tower st apt 4", "500 Tower Street Unit 4"])
def test_an_apartment_known_only_by_its_point_gets_its_hazard(town, alice, typed):
    flag = unit_flag("500 TOWER ST #4")

    place = place_resolve(typed)

    assert (place.address, place.address_id) == ("500 TOWER ST #4", flag.address_id)
    call = new_call(alice, typed)
    assert [c.text for c in CallPremiseFlag.objects.filter(call=call)] == [flag.text]


def test_a_call_at_a_building_known_only_by_its_apartments_gets_their_hazards(town, alice):
    flag = unit_flag("500 TOWER ST #4")

    place = place_resolve("500 TOWER ST")

    assert (place.kind, place.address, place.verified) == ("address", "500 TOWER ST", True)
    assert [f.pk for f in premise_flags_for(place)] == [flag.pk]
    call = new_call(alice, "500 tower street")
    assert [c.flag_id for c in CallPremiseFlag.objects.filter(call=call)] == [flag.pk]
    assert premise_flags_for(place_resolve("500 TOWER ST #1")) == []


def test_type_ahead_offers_the_apartment_not_a_neighbour_with_the_unit_tacked_on(town):
    assert [p.address for p in place_search("500 tower st apt 4")] == ["500 TOWER ST #4"]
    assert "500 TOWER ST" in [p.address for p in place_search("500 tower")]


def test_an_apartments_alarm_permit_is_not_shown_on_its_neighbours_alarm(town):
    from django.utils import timezone

    today = timezone.localdate()
    permit = alarm_permit_save(permit=AlarmPermit(
        number="LOFT-1", holder_name="ONE", holder_mailing_address="PO BOX 1",
        site_address=Address.objects.get(label="700 LOFT ST #1"), occupancy=Occupancy.RESIDENTIAL,
        issued_on=today, expires_on=today.replace(year=today.year + 1)))

    assert alarm_permit_for(place_resolve("700 LOFT ST #1")) == permit
    assert alarm_permit_for(place_resolve("700 LOFT ST #2")) is None


@pytest.mark.parametrize("typed, street", [("3rd ave", "3RD AVE"), ("1ST AVE", "1ST AVE"),
                                           ("first avenue", "1ST AVE"), ("2nd", "2ND AVE")])
def test_a_numbered_street_typed_alone_is_found(db, typed, street):
    places = place_search(typed)

    assert places and all(p.kind != "suggestion" for p in places)
    assert all(street in p.address for p in places)


def test_a_bare_number_is_a_house_number():
    from premises.normalize import split_number

    assert split_number("310") == (310, "")
    assert split_number("3RD AVE") == (None, "3RD AVE")


@pytest.mark.parametrize("name", ["BARNES & NOBLE", "BED BATH AND BEYOND", "1ST BAPTIST CHURCH",
                                  "7-ELEVEN", "CAFE AT THE PARK"])
def test_a_common_place_with_and_at_or_a_number_in_its_name_is_found(db, name):
    common_places_import([{"NAME": name, "LAT": "39.012", "LON": "-94.285"}])

    assert place_resolve(name.lower()).name == name
    assert place_search(name)[0].name == name


def test_a_trailing_directional_is_the_same_street_as_a_leading_one(town):
    place = place_resolve("120 N KING ST")

    assert place is not None and place.address == "120 KING ST N"
    assert place_search("120 n king st")[0].address == "120 KING ST N"


@pytest.mark.parametrize("typed", ["100 st louis ave", "100 saint louis avenue", "100 St. Louis Ave"])
def test_saint_is_written_st(town, typed):
    assert place_resolve(typed).address == "100 ST LOUIS AVE"


def test_a_word_that_looks_like_a_suffix_inside_a_name_is_kept(town):
    assert normalize("La Salle Street") == "LA SALLE ST"
    assert place_resolve("100 la salle st").address == "100 LA SALLE ST"
    assert normalize("Main Street North") == "MAIN ST N"
    assert normalize("Park Avenue South") == "PARK AVE S"


def test_accented_letters_are_kept_without_their_accents(town):
    assert normalize("Calle José Martí") == "CALLE JOSE MARTI"
    assert place_resolve("12 calle jose marti").address == "12 CALLE JOSE MARTI"


def test_a_half_number_is_not_a_corner(db):
    assert split_intersection("123 1/2 MAIN ST") is None
    assert split_intersection("main/3rd") == ("MAIN", "3RD")

    place = place_resolve("311 1/2 Main St")

    assert place.address == "311 1/2 MAIN ST"
    assert (place.lat, place.lon) == (place_resolve("311 MAIN ST").lat, place_resolve("311 MAIN ST").lon)
