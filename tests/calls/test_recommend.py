"""Recommendation: the call type's plan filled with the nearest available units, each with its reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls import services
from calls.models import CallType, Priority, ResponsePlan, ResponsePlanLine
from calls.selectors.recommend import plan_for, recommend
from premises.demo import grid_point
from units.models import Station, Unit
from units.services import unit_status_set

FIRE_AT = "410 ELM ST"  # beat 2, between Fire Station 2 and Fire Station 3


@pytest.fixture
def fresh(db):
    """Every unit reported its place just now, around its home beat as seeded."""
    Unit.objects.update(location_at=timezone.now())


def new_call(alice, code, address=FIRE_AT, **kwargs):
    return services.call_create(call_type=CallType.objects.get(code=code), location={"address": address},
                                by=alice, **kwargs)


def put(callsign, avenue, street, *, ago=timedelta(0)):
    lat, lon = grid_point(avenue, street)
    Unit.objects.filter(callsign=callsign).update(last_lat=lat, last_lon=lon,
                                                  location_at=timezone.now() - ago)


def busy(*callsigns):
    Unit.objects.filter(callsign__in=callsigns).update(status="out_of_service")


def by_callsign(recommendation):
    return {u.callsign: u for u in recommendation.units}


def test_a_structure_fire_gets_two_engines_a_ladder_a_chief_and_a_medic(alice, fresh):
    result = recommend(new_call(alice, "FSTRU"))
    assert result.plan.source == "type"
    assert [(line.capability, line.count) for line in result.plan.lines] == [
        ("engine", 2), ("ladder", 1), ("chief", 1), ("medic", 1)]
    assert sorted(u.capability for u in result.units) == ["chief", "engine", "engine", "ladder", "medic"]
    assert not result.unfilled
    assert not any(u.mutual_aid for u in result.units)
    etas = [u.eta_seconds for u in result.units]
    assert etas == sorted(etas)
    for unit in result.units:
        assert unit.position == "location"
        assert "from its location just now" in unit.reason
        assert unit.reason.split(",")[0] in (f"nearest {unit.capability}", f"next nearest {unit.capability}")


def test_the_nearest_engine_is_first_and_its_reason_says_how_far(alice, fresh):
    put("E3", 4, 3)  # 410 ELM ST is on ELM ST (street 2) east of 4TH AVE (avenue 3)
    put("E1", 0, 5)
    put("E2", 6, 3)
    result = recommend(new_call(alice, "FSTRU"))
    engines = [u for u in result.units if u.capability == "engine"]
    assert [u.callsign for u in engines] == ["E3", "E2"]
    assert engines[0].distance_m < 500
    assert engines[0].reason.startswith(f"nearest engine, {round(engines[0].distance_m, -1)} m, <1 min")
    assert "E1" not in by_callsign(result)


def test_travel_time_uses_the_road_factor_and_the_unit_types_speed(alice, fresh, settings):
    put("E3", 4, 3)
    settings.CAD_ROAD_FACTOR = 1.0
    settings.CAD_UNIT_SPEEDS_KMH = {"engine": 36}  # 10 m/s
    engine = by_callsign(recommend(new_call(alice, "FSTRU")))["E3"]
    assert engine.eta_seconds == pytest.approx(engine.distance_m / 10, abs=1)
    settings.CAD_ROAD_FACTOR = 2.0
    engine = by_callsign(recommend(new_call(alice, "FSTRU")))["E3"]
    assert engine.eta_seconds == pytest.approx(engine.distance_m / 5, abs=1)


def test_a_plan_for_the_calls_priority_wins_over_the_types_plan(alice, fresh):
    routine = recommend(new_call(alice, "FALL"))
    assert routine.plan.source == "type"
    assert [u.capability for u in routine.units] == ["medic"]
    urgent = recommend(new_call(alice, "FALL", priority=Priority.objects.get(level=1)))
    assert urgent.plan.source == "priority"
    assert urgent.plan.priority == 1
    assert sorted(u.capability for u in urgent.units) == ["engine", "medic"]


def test_every_call_type_of_the_demo_has_a_plan(alice, fresh):
    fallbacks = [code for code in CallType.objects.filter(active=True).values_list("code", flat=True)
                 if plan_for(new_call(alice, code)).source == "fallback"]
    assert fallbacks == []
    assert CallType.objects.filter(active=True).count() == 75


def test_a_shooting_gets_its_own_plan_not_the_fallback(alice, fresh):
    result = recommend(new_call(alice, "SHOOT"))
    assert result.plan.description == "SHOOT plan"
    assert sorted(u.capability for u in result.units) == ["medic", "patrol", "patrol", "patrol"]


def test_a_type_without_a_plan_gets_one_unit_of_each_of_its_disciplines(alice, fresh):
    ResponsePlan.objects.filter(call_type__code="GASLEAKI").delete()  # a type the center added later
    result = recommend(new_call(alice, "GASLEAKI"))  # fire only, no plan
    assert result.plan.source == "fallback"
    assert "one unit of each discipline (fire)" in result.plan.description
    assert [(line.capability, line.match) for line in result.plan.lines] == [("fire", "discipline")]
    assert len(result.units) == 1
    assert Unit.objects.get(callsign=result.units[0].callsign).discipline.code == "fire"


def test_a_stale_location_falls_back_to_the_station_and_says_so(alice, fresh):
    put("E3", 4, 2, ago=timedelta(minutes=40))
    busy("E1", "E2")
    unit = by_callsign(recommend(new_call(alice, "FSTRU")))["E3"]
    assert unit.position == "station"
    assert "location stale (40 min): from Fire Station 3" in unit.reason


def test_without_a_location_or_a_station_the_home_beats_centre_is_used(alice, fresh):
    Unit.objects.filter(callsign="E3").update(last_lat=None, last_lon=None, location_at=None, station=None)
    unit = by_callsign(recommend(new_call(alice, "FSTRU")))["E3"]
    assert unit.position == "beat"
    assert "no location: from beat 5 centre" in unit.reason
    assert unit.distance_m is not None


def test_a_fresh_location_says_how_old_it_is(alice, fresh):
    put("E3", 4, 2, ago=timedelta(minutes=2))
    assert "from its location 2 min ago" in by_callsign(recommend(new_call(alice, "FSTRU")))["E3"].reason


def test_units_equally_far_go_to_the_one_from_the_calls_beat(alice, fresh):
    # Both stale, both placed at Police HQ: the same distance to the second.
    for callsign in ("1A11", "2A11", "3A11"):
        put(callsign, 3, 3, ago=timedelta(hours=2))
    call = new_call(alice, "ROBBERY")
    assert call.beat.code == "2"
    result = recommend(call, units=Unit.objects.filter(callsign__in=["1A11", "2A11", "3A11"]))
    assert [u.callsign for u in result.units] == ["2A11", "1A11"]
    assert result.units[0].in_call_beat and result.units[0].reason.endswith("; in beat 2")
    assert result.units[0].eta_seconds == result.units[1].eta_seconds


def test_a_unit_fills_only_one_line(alice, fresh):
    ResponsePlan.objects.filter(call_type__code="DISORD").delete()
    plan = ResponsePlan.objects.create(call_type=CallType.objects.get(code="DISORD"))
    ResponsePlanLine.objects.create(plan=plan, capability="supervisor", count=1, position=0)
    ResponsePlanLine.objects.create(plan=plan, capability="patrol", count=2, position=1)
    result = recommend(new_call(alice, "DISORD"), units=Unit.objects.filter(callsign__in=["1S10", "1A11"]))
    assert [(u.callsign, u.capability) for u in sorted(result.units, key=lambda u: u.capability)] == [
        ("1A11", "patrol"), ("1S10", "supervisor")]
    assert [(u.capability, u.wanted, u.found, u.text) for u in result.unfilled] == [
        ("patrol", 2, 1, "plan asks 2 × patrol, 1 found")]


def test_partner_engines_are_offered_as_mutual_aid_only_when_the_citys_are_busy(alice, fresh):
    call = new_call(alice, "FSTRU")
    assert not any(u.mutual_aid for u in recommend(call).units)
    busy("E2", "E3")
    result = recommend(call)
    engines = [u for u in result.units if u.capability == "engine"]
    assert [(u.callsign, u.mutual_aid) for u in engines][0] == ("E1", False)
    assert engines[1].mutual_aid and engines[1].agency in ("NFPD", "SFPD")
    assert engines[1].reason.startswith(f"mutual aid from {engines[1].agency}")
    assert "the center is 1 engine short" in engines[1].reason
    assert result.units[-1].mutual_aid  # mutual aid listed after the center's own
    assert not result.unfilled


def test_a_line_nobody_can_fill_is_reported(alice, fresh):
    busy("W1")
    result = recommend(new_call(alice, "WATERMAIN"))
    assert result.units == []
    assert [u.text for u in result.unfilled] == ["plan asks 1 × water, 0 found"]


def test_a_robberys_recommendation_changes_when_a_nearer_unit_becomes_available(alice, fresh):
    call = new_call(alice, "ROBBERY", address="150 ELM ST")
    put("1A11", 0.5, 2)
    other = new_call(alice, "FIGHT", address="310 MAIN ST")
    services.call_dispatch(call=other, units=[Unit.objects.get(callsign="1A11")], by=alice)
    before = recommend(call)
    assert "1A11" not in by_callsign(before)
    unit_status_set(unit=Unit.objects.get(callsign="1A11"), status="available", by=alice)
    put("1A11", 0.5, 2)
    after = recommend(call)
    assert after.units[0].callsign == "1A11"
    assert after.units[0].reason.startswith("nearest patrol")
    assert [u.callsign for u in after.units][1] == [u.callsign for u in before.units][0]


def test_units_already_on_the_call_count_toward_the_plan(alice, fresh):
    call = new_call(alice, "ROBBERY")
    services.call_dispatch(call=call, units=[Unit.objects.get(callsign="2A11")], by=alice)
    result = recommend(call)
    assert result.assigned == ["2A11"]
    assert result.plan.lines[0].assigned == 1
    assert len(result.units) == 1 and result.units[0].callsign != "2A11"


def test_a_call_without_coordinates_is_ranked_without_distance(alice, fresh):
    call = new_call(alice, "ROBBERY")
    call.lat = call.lon = None
    result = recommend(call)
    assert not result.located
    assert len(result.units) == 2
    assert all(u.eta_seconds is None and u.distance_m is None for u in result.units)
    assert "distance unknown (the call has no coordinates)" in result.units[0].reason
    assert all(u.in_call_beat for u in result.units)


def test_it_reads_units_in_a_fixed_number_of_queries(alice, fresh, django_assert_max_num_queries):
    call = new_call(alice, "FSTRU")
    station = Station.objects.get(name="Fire Station 1")
    template = Unit.objects.get(callsign="E1")
    Unit.objects.bulk_create(
        Unit(callsign=f"X{n}", agency=template.agency, unit_type="engine", discipline=template.discipline,
             capabilities=["engine"], station=station if n % 2 else None, home_beat=template.home_beat,
             last_lat=39.01 + n * 1e-4, last_lon=-94.29, location_at=timezone.now() - timedelta(hours=n % 3))
        for n in range(200))
    with django_assert_max_num_queries(6):
        result = recommend(call)
    assert len(result.units) == 5


def test_a_unit_that_fits_two_lines_leaves_the_other_to_a_unit_that_fits_only_one(alice, fresh):
    """E1 carries ALS and is nearest: taking it for ALS would leave the engine line to mutual aid
    while a city medic is free for ALS."""
    plan = ResponsePlan.objects.create(call_type=CallType.objects.get(code="SEIZURE"),
                                       priority=Priority.objects.get(level=1))
    ResponsePlanLine.objects.create(plan=plan, capability="als", count=1, position=0)
    ResponsePlanLine.objects.create(plan=plan, capability="engine", count=1, position=1)
    Unit.objects.filter(callsign="E1").update(capabilities=["engine", "als"])
    busy("E2", "E3")
    put("E1", 4, 3)  # right at the call

    result = recommend(new_call(alice, "SEIZURE", priority=Priority.objects.get(level=1)))

    units = by_callsign(result)
    assert units["E1"].capability == "engine"
    assert [u.capability for u in result.units if u.callsign.startswith("M")] == ["als"]
    assert not any(u.mutual_aid for u in result.units)
    assert result.unfilled == []


FLAGGED = "511 ELM ST"  # seed_demo's officer-safety flag


def test_an_officer_safety_flag_adds_a_cover_officer_and_says_why(alice, fresh):
    plain = recommend(new_call(alice, "DVA", address="150 ELM ST"))
    flagged = recommend(new_call(alice, "DVA", address=FLAGGED))

    assert [u.capability for u in plain.units] == ["patrol", "patrol"]
    assert sorted(u.capability for u in flagged.units) == ["patrol", "patrol", "police"]
    [cover] = [u for u in flagged.units if u.capability == "police"]
    assert cover.reason.startswith("+1 police: officer-safety flag at this address; nearest police unit")
    assert flagged.plan.lines[-1].reason == "+1 police: officer-safety flag at this address"
    assert flagged.plan.description == "DVA plan; +1 police: officer-safety flag at this address"


def test_cover_comes_to_calls_of_any_discipline(alice, fresh):
    result = recommend(new_call(alice, "CARDIAC", address=FLAGGED))
    assert sorted(u.capability for u in result.units) == ["engine", "medic", "police"]


def test_which_flags_ask_for_cover_and_how_much_is_the_centers_setting(alice, fresh, settings):
    settings.CAD_COVER_FOR_FLAGS = {"officer_safety": 2}
    result = recommend(new_call(alice, "ROBBERY", address=FLAGGED))
    assert [line.count for line in result.plan.lines if line.reason] == [2]
    assert sum(u.capability == "police" for u in result.units) == 2
    assert all(u.reason.startswith("+2 police") for u in result.units if u.capability == "police")
    settings.CAD_COVER_FOR_FLAGS = {"medical": 1}
    assert len(recommend(new_call(alice, "ROBBERY", address=FLAGGED)).units) == 2


def test_an_officer_already_on_the_call_counts_toward_the_cover_too(alice, fresh):
    call = new_call(alice, "ROBBERY", address=FLAGGED)
    services.call_dispatch(call=call, units=list(Unit.objects.filter(callsign__in=["2A11", "2A12", "3A11"])),
                           by=alice)
    result = recommend(call)
    assert result.units == [] and result.unfilled == []
    assert result.plan.lines[-1].assigned == 1
