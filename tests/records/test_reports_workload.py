"""GET reports/workload/: calls, busy time and utilisation, the minutes with no unit free, the peak."""

from datetime import UTC, datetime

from calls.models import Call
from tests.records.reports_data import at, call_made
from units.models import Unit, UnitStatusChange

URL = "/api/v1/reports/workload/"
DAY = {"from": "2025-06-10", "to": "2025-06-10"}


def two_animal_calls() -> None:
    # AC1 busy 9:00:30–9:30:30, AC2 9:10:30–9:40:30: both of the city's animal units busy for 20 minutes.
    call_made(code="ANIMAL", priority=4, unit="AC1", busy=1800, beat="2")
    call_made(code="ANIMAL", priority=4, unit="AC2", busy=1800, beat="5", received=at(600))


def test_utilisation_is_committed_time_over_on_duty_time(as_sam, db):
    two_animal_calls()
    # AC2 went off duty at 18:00: 18 hours on duty that day.
    UnitStatusChange.objects.create(
        unit=Unit.objects.get(callsign="AC2"),
        from_status="available",
        to_status="off_duty",
        at=datetime(2025, 6, 10, 18, tzinfo=UTC),
    )
    answer = as_sam.get(URL, {**DAY, "by": "unit"})
    assert answer.status_code == 200, answer.content
    units = {row["unit"]: row for row in answer.json()["rows"]}
    assert (units["AC1"]["calls"], units["AC1"]["busy_hours"], units["AC1"]["on_duty_hours"]) == (
        1,
        0.5,
        24.0,
    )
    assert units["AC1"]["utilisation"] == round(0.5 / 24, 4)
    assert units["AC2"]["on_duty_hours"] == 18.0
    assert units["AC2"]["utilisation"] == round(0.5 / 18, 4)
    assert units["1A11"]["utilisation"] == 0.0
    assert "S21" not in units  # a partner's unit is not the center's to staff


def test_the_minutes_with_no_unit_of_a_discipline_free(as_carol, db):
    two_animal_calls()
    disciplines = {row["discipline"]: row for row in as_carol.get(URL, DAY).json()["disciplines"]}
    assert disciplines["animal_control"]["minutes_no_unit_available"] == 20.0
    assert disciplines["animal_control"]["busy_hours"] == 1.0
    assert disciplines["police"]["minutes_no_unit_available"] == 0.0


def test_peak_concurrent_calls_and_the_beat_hour_grid(as_sam, db):
    two_animal_calls()
    call_made(received=at(3 * 3600), busy=60, beat="2")  # 12:00, alone
    answer = as_sam.get(URL, DAY).json()
    assert answer["peak_concurrent_calls"] == {"count": 2, "at": at(600).isoformat()}
    grid = answer["beat_hour"]
    counts = dict(zip(grid["beats"], grid["counts"], strict=True))
    assert counts["2"][9] == 1 and counts["2"][12] == 1 and counts["5"][9] == 1
    assert sum(map(sum, grid["counts"])) == Call.objects.filter(received_at__date="2025-06-10").count() == 3


def test_calls_and_busy_time_by_hour_and_by_call_type(as_sam, db):
    two_animal_calls()
    by_hour = {row["hour"]: row for row in as_sam.get(URL, {**DAY, "by": "hour"}).json()["rows"]}
    assert len(by_hour) == 24
    assert (by_hour[9]["calls"], by_hour[9]["units_sent"], by_hour[9]["busy_hours"]) == (2, 2, 1.0)
    assert by_hour[10]["calls"] == 0
    by_type = {row["call_type"]: row for row in as_sam.get(URL, {**DAY, "by": "call_type"}).json()["rows"]}
    assert by_type["ANIMAL"]["calls"] == 2 and by_type["ANIMAL"]["busy_share"] == 1.0
    by_weekday = as_sam.get(URL, {**DAY, "by": "weekday"}).json()["rows"]
    assert [(row["name"], row["calls"]) for row in by_weekday if row["calls"]] == [("Tuesday", 2)]


def test_an_unknown_breakdown_is_a_400(as_sam):
    answer = as_sam.get(URL, {**DAY, "by": "moon"})
    assert answer.status_code == 400 and "by" in answer.json()
