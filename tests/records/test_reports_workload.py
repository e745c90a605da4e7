"""GET reports/workload/: calls, busy time and utilisation, the minutes with no unit free, the peak."""

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from django.db.models import Sum
from django.utils import timezone

from cad.models import Agency, Discipline
from calls.choices import CallStatus
from calls.models import Assignment, Call, CallType
from premises.models import Beat
from records.models import CommittedLevel, OpenCallsDay, WorkloadChange
from records.reports.query import ReportQuery, report_query
from records.reports.workload import no_unit_free_seconds, peak_concurrent_calls
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


# The running counts against a plain computation: at each moment, count what is open.

QUIET = "2024-03-05"  # a day no other test's calls are on


def _moment_counts(intervals: list[tuple[datetime, datetime | None]], since: datetime, until: datetime):
    """Each stretch between two consecutive times of `intervals` (and the range's ends), with how many
    of the half-open intervals [start, end) cover it, counted one by one."""
    points = sorted({since, until} | {t for pair in intervals for t in pair if t and since < t < until})
    for begin, end in pairwise(points):
        yield (
            begin,
            end,
            sum(1 for start, stop in intervals if start <= begin and (stop is None or begin < stop)),
        )


def _expected_no_unit_free(since: datetime, until: datetime) -> dict[str, float]:
    staffed = list(Unit.objects.exclude(agency__kind=Agency.Kind.PARTNER).select_related("discipline"))
    seconds = {}
    for code in {u.discipline.code for u in staffed}:
        units = [u.pk for u in staffed if u.discipline.code == code]
        committed = list(
            Assignment.objects.filter(unit_id__in=units).values_list("dispatched_at", "cleared_at")
        )
        seconds[code] = sum(
            (end - begin).total_seconds()
            for begin, end, n in _moment_counts(committed, since, until)
            if n >= len(units)
        )
    return seconds


def _expected_peak(since: datetime, until: datetime) -> dict:
    calls = [
        (max(received, since), closed)
        for received, closed in Call.objects.filter(master__isnull=True).values_list(
            "received_at", "closed_at"
        )
        if received < until and (closed is None or closed > since)
    ]
    best, when = 0, None
    for begin, _, n in _moment_counts(calls, since, until):
        if n > best:
            best, when = n, begin
    return {"count": best, "at": when.isoformat() if when else None}


def _busy_day(seed: int, day: date = date(2024, 3, 5), *, leave_open: bool = True) -> ReportQuery:
    """A day of calls and units sent at random times, many on whole minutes (so moves tie and fall on
    the stretches' edges), some begun the day before or left open past it; units are over-committed
    as seed_history does, and a partner's unit works too."""
    r = random.Random(seed)
    query = report_query("workload", {"from": day.isoformat(), "to": day.isoformat()})
    since = query.since
    units = [
        u for u in Unit.objects.filter(discipline__code__in=["animal_control", "behavioral_health", "ems"])
    ]
    units += list(Unit.objects.filter(callsign="S21"))
    call_type = CallType.objects.get(code="WELFARE")
    beats = list(Beat.objects.all()[:4]) + [None]

    def moment(low: float, high: float) -> datetime:
        seconds = r.uniform(low, high) * 3600
        return since + timedelta(seconds=round(seconds / 60) * 60 if r.random() < 0.5 else seconds)

    calls = []
    for n in range(60):
        received = moment(-3, 24.5)
        closed = None if r.random() < 0.05 else received + timedelta(minutes=r.choice([0, 5, 30, 90, 240]))
        calls.append(
            Call.objects.create(
                number=f"{day.year}-8{seed:02d}{n:03d}",
                call_type=call_type,
                priority_id=3,
                status=CallStatus.CLOSED,
                received_at=received,
                entered_at=received,
                closed_at=closed,
                beat=r.choice(beats),
                master=calls[0] if n % 17 == 16 else None,
            )
        )
    for unit in units:
        left_open = False
        for _ in range(r.randint(3, 12)):
            dispatched = moment(-2, 24.5)
            cleared = dispatched + timedelta(minutes=r.choice([0.5, 5, 17, 45, 120, 300]))
            if leave_open and not left_open and r.random() < 0.1:
                cleared, left_open = None, True
            Assignment.objects.create(
                call=r.choice(calls),
                unit=unit,
                status="available",
                dispatched_at=dispatched,
                cleared_at=cleared,
            )
    # One unit clears at the very moment another of its discipline is sent.
    first = Assignment.objects.filter(
        unit__discipline__code="animal_control", cleared_at__isnull=False
    ).first()
    Assignment.objects.create(
        call=calls[0],
        unit=Unit.objects.filter(discipline__code="animal_control").exclude(pk=first.unit_id).first(),
        status="available",
        dispatched_at=first.cleared_at,
        cleared_at=first.cleared_at + timedelta(minutes=20),
    )
    return query


def _no_unit_free(first: str, last: str) -> dict[str, float]:
    query = report_query("workload", {"from": first, "to": last})
    return {code: round(s, 3) for code, s in no_unit_free_seconds(query).items() if s}


def _expected(first: str, last: str) -> dict[str, float]:
    query = report_query("workload", {"from": first, "to": last})
    return {code: round(s, 3) for code, s in _expected_no_unit_free(query.since, query.until).items() if s}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_minutes_with_no_unit_free_are_those_of_every_moment_counted(db, seed):
    _busy_day(seed)
    expected = _expected(QUIET, QUIET)
    assert expected and "police" not in expected  # sixteen police units: never all out at once here
    assert _no_unit_free(QUIET, QUIET) == pytest.approx(expected, abs=0.01)
    assert CommittedLevel.objects.filter(day=QUIET).exists()  # the day is over: kept
    assert _no_unit_free(QUIET, QUIET) == pytest.approx(expected, abs=0.01)  # read from what was kept
    # Three days, the busy one in the middle: units still out at midnight count on into the next day.
    assert _no_unit_free("2024-03-04", "2024-03-06") == pytest.approx(
        _expected("2024-03-04", "2024-03-06"), abs=0.01
    )


def test_a_kept_day_is_a_whole_day_of_each_discipline(db):
    _busy_day(1)
    _no_unit_free(QUIET, QUIET)
    kept = CommittedLevel.objects.filter(day=QUIET).values_list("discipline__code").annotate(s=Sum("seconds"))
    assert {code: round(s, 3) for code, s in kept} == {
        code: 86400.0
        for code in Unit.objects.exclude(agency__kind="partner").values_list("discipline__code", flat=True)
    }


def test_a_kept_day_is_made_again_when_its_assignments_change(db):
    _busy_day(5)
    assert _no_unit_free(QUIET, QUIET) == pytest.approx(_expected(QUIET, QUIET), abs=0.01)
    ac1, ac2 = Unit.objects.filter(discipline__code="animal_control").order_by("callsign")
    call = Call.objects.filter(received_at__date=QUIET).first()
    since = report_query("workload", {"from": QUIET, "to": QUIET}).since
    changes = [
        # A correction of the times a unit was sent and cleared.
        lambda: Assignment.objects.filter(unit=ac1, cleared_at__isnull=False).update(
            dispatched_at=since + timedelta(hours=1), cleared_at=since + timedelta(hours=20)
        ),
        # A unit sent later, as the services and a bulk load write them.
        lambda: Assignment.objects.bulk_create(
            [
                Assignment(
                    call=call,
                    unit=ac2,
                    status="available",
                    dispatched_at=since + timedelta(hours=h),
                    cleared_at=since + timedelta(hours=h, minutes=50),
                )
                for h in (2, 5, 9)
            ]
        ),
        # One removed.
        lambda: Assignment.objects.filter(unit=ac2).order_by("dispatched_at").first().delete(),
        # A unit moved to another discipline: every kept day counts it there now.
        lambda: Unit.objects.filter(pk=ac2.pk).update(discipline=Discipline.objects.get(code="ems")),
        # An agency that becomes a partner: its units are no longer the center's to staff.
        lambda: Agency.objects.filter(units__discipline__code="behavioral_health").update(kind="partner"),
    ]
    for change in changes:
        change()
        assert WorkloadChange.objects.exists()
        assert _no_unit_free(QUIET, QUIET) == pytest.approx(_expected(QUIET, QUIET), abs=0.01)
        assert not WorkloadChange.objects.exists()


def test_today_is_counted_afresh_beside_the_kept_days(db):
    today = timezone.localdate()
    yesterday = (today - timedelta(days=1)).isoformat()
    _busy_day(6, day=today - timedelta(days=1), leave_open=False)
    _busy_day(7, day=today, leave_open=False)
    expected = _expected(yesterday, today.isoformat())
    assert _no_unit_free(yesterday, today.isoformat()) == pytest.approx(expected, abs=0.01)
    assert not CommittedLevel.objects.filter(day=today).exists()
    assert CommittedLevel.objects.filter(day=yesterday).exists()
    unit = Unit.objects.filter(discipline__code="ems").first()
    Assignment.objects.create(
        call=Call.objects.filter(received_at__date=today).first(),
        unit=unit,
        status="available",
        dispatched_at=timezone.now() - timedelta(days=1, hours=2),
        cleared_at=timezone.now() - timedelta(hours=1),
    )
    assert _no_unit_free(yesterday, today.isoformat()) == pytest.approx(
        _expected(yesterday, today.isoformat()), abs=0.01
    )


def _peak(first: str, last: str) -> tuple[dict, dict]:
    """The report's peak and the one counted moment by moment, for the days from `first` to `last`."""
    query = report_query("workload", {"from": first, "to": last})
    return peak_concurrent_calls(query), _expected_peak(query.since, query.until)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_peak_of_calls_open_at_once_is_that_of_every_moment_counted(db, seed):
    _busy_day(seed)
    found, expected = _peak(QUIET, QUIET)
    assert expected["count"] > 1 and found == expected
    assert OpenCallsDay.objects.filter(day=QUIET).exists()
    assert _peak(QUIET, QUIET)[0] == expected  # read from what was kept
    found, expected = _peak("2024-03-04", "2024-03-06")
    assert found == expected


def test_a_calls_midnight_is_counted_as_a_report_from_that_midnight_counts_it(db):
    midnight = report_query("workload", {"from": QUIET, "to": QUIET}).since
    call_type = CallType.objects.get(code="WELFARE")
    for n, (received, closed) in enumerate(
        [(-3600, 0), (0, 3600), (-7200, 3600), (0, 0), (-600, 1800)]  # seconds from midnight
    ):
        Call.objects.create(
            number=f"2024-870{n:03d}",
            call_type=call_type,
            priority_id=3,
            status=CallStatus.CLOSED,
            received_at=midnight + timedelta(seconds=received),
            entered_at=midnight + timedelta(seconds=received),
            closed_at=midnight + timedelta(seconds=closed),
        )
    found, expected = _peak("2024-03-04", QUIET)  # both days made in one sweep, the midnight between
    assert found == expected
    found, expected = _peak(QUIET, QUIET)  # the day kept from that sweep, now a range's first day
    assert found == expected == {"count": 3, "at": midnight.isoformat()}


def test_the_peak_follows_a_call_corrected_reopened_or_removed(db):
    _busy_day(8)
    assert _peak(QUIET, QUIET)[0] == _peak(QUIET, QUIET)[1]
    calls = Call.objects.filter(received_at__date=QUIET, master__isnull=True).order_by("received_at")
    since = report_query("workload", {"from": QUIET, "to": QUIET}).since
    changes = [
        # A correction: one call received earlier and closed later than it was.
        lambda: calls.filter(pk=calls[3].pk).update(
            received_at=since + timedelta(hours=1), closed_at=since + timedelta(hours=23)
        ),
        # Reopened and closed again later the next day.
        lambda: calls.filter(pk=calls[5].pk).update(closed_at=since + timedelta(hours=30)),
        # Marked a duplicate of another: no longer counted.
        lambda: calls.filter(pk=calls[7].pk).update(master=calls[0]),
        # Calls added at once, as a bulk load does.
        lambda: Call.objects.bulk_create(
            [
                Call(
                    number=f"2024-871{n:03d}",
                    call_type=calls[0].call_type,
                    priority_id=3,
                    status=CallStatus.CLOSED,
                    received_at=since + timedelta(hours=12, minutes=n),
                    entered_at=since + timedelta(hours=12, minutes=n),
                    closed_at=since + timedelta(hours=14),
                )
                for n in range(40)
            ]
        ),
    ]
    for change in changes:
        change()
        assert WorkloadChange.objects.filter(counts="calls").exists()
        found, expected = _peak(QUIET, QUIET)
        assert found == expected
        assert _peak("2024-03-04", "2024-03-06")[0] == _peak("2024-03-04", "2024-03-06")[1]


def test_todays_calls_are_counted_afresh_beside_the_kept_days(db):
    today = timezone.localdate()
    _busy_day(9, day=today - timedelta(days=1), leave_open=False)
    _busy_day(10, day=today, leave_open=False)
    found, expected = _peak((today - timedelta(days=1)).isoformat(), today.isoformat())
    assert found == expected
    assert not OpenCallsDay.objects.filter(day=today).exists()


def test_calls_and_busy_time_by_hour_and_beat_are_those_of_the_calls_and_units_sent(as_sam, db):
    query = _busy_day(4)
    calls = Call.objects.filter(received_at__gte=query.since, received_at__lt=query.until)
    by_hour = Counter(c.received_at.astimezone(timezone.get_current_timezone()).hour for c in calls)
    by_beat = Counter(c.beat.code if c.beat else None for c in calls.select_related("beat"))
    sent = Assignment.objects.filter(dispatched_at__gte=query.since, dispatched_at__lt=query.until)
    busy = defaultdict(float)
    for a in sent:
        if a.cleared_at:
            busy[a.dispatched_at.astimezone(timezone.get_current_timezone()).hour] += (
                a.cleared_at - a.dispatched_at
            ).total_seconds()
    answer = as_sam.get(URL, {"from": QUIET, "to": QUIET, "by": "hour"}).json()
    assert {row["hour"]: row["calls"] for row in answer["rows"] if row["calls"]} == dict(by_hour)
    assert {row["hour"]: row["busy_hours"] for row in answer["rows"] if row["busy_hours"]} == {
        hour: round(s / 3600, 2) for hour, s in busy.items() if round(s / 3600, 2)
    }
    assert sum(row["units_sent"] for row in answer["rows"]) == sent.count()
    grid = answer["beat_hour"]
    assert [sum(column) for column in zip(*grid["counts"], strict=True)] == [by_hour[h] for h in range(24)]
    beats = {
        row["beat"]: row["calls"]
        for row in as_sam.get(URL, {"from": QUIET, "to": QUIET, "by": "beat"}).json()["rows"]
    }
    assert {beat: n for beat, n in beats.items() if n} == dict(by_beat)
    staffed_animal = sent.filter(unit__discipline__code="animal_control", cleared_at__isnull=False)
    animal = next(row for row in answer["disciplines"] if row["discipline"] == "animal_control")
    assert animal["busy_hours"] == round(
        sum((a.cleared_at - a.dispatched_at).total_seconds() for a in staffed_animal) / 3600, 2
    )
