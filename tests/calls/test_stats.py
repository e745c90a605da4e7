"""The board's figures: 90th percentiles against each priority's goals, and calls per hour."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import Call
from calls.selectors.stats import day_bounds, figures_for_day, percentile_90


def test_the_90th_percentile_is_nearest_rank_not_an_average():
    assert percentile_90([]) is None
    assert percentile_90([5]) == 5
    assert percentile_90(list(range(1, 11))) == 9
    assert percentile_90([1] * 9 + [1000]) == 1


def make_call(as_alice, *, received_ago, dispatched_after=None, onscene_after=None, priority=1):
    call = as_alice.post("/api/v1/calls/", {"call_type": "ROBBERY", "location": {"address": "310 MAIN ST"},
                                            "priority": priority}, format="json").json()
    received = timezone.now() - received_ago
    if received_ago < timedelta(days=1):  # keep "today" today, even just after midnight
        received = max(received, day_bounds(timezone.localdate())[0])
    def after(seconds):
        return received + timedelta(seconds=seconds) if seconds is not None else None

    Call.objects.filter(pk=call["id"]).update(
        received_at=received, dispatched_at=after(dispatched_after), onscene_at=after(onscene_after))
    return call


@pytest.fixture
def quiet_day(db):
    Call.objects.all().delete()


def test_goal_compliance_per_priority_for_today(as_alice, quiet_day):
    # Nine P1 calls dispatched in 30 s and on scene in 200 s, one dispatched in 100 s, on scene in 400 s.
    for _ in range(9):
        make_call(as_alice, received_ago=timedelta(minutes=5), dispatched_after=30, onscene_after=200)
    make_call(as_alice, received_ago=timedelta(minutes=5), dispatched_after=100, onscene_after=400)
    make_call(as_alice, received_ago=timedelta(minutes=5), priority=3)  # still holding

    figures = as_alice.get("/api/v1/stats/today/").json()

    p1 = next(p for p in figures["priorities"] if p["level"] == 1)
    assert p1["calls"] == 10
    assert (p1["dispatch_goal_seconds"], p1["response_goal_seconds"]) == (60, 300)
    assert p1["processing_p90"] == 30
    assert p1["processing_within_goal_pct"] == 90.0
    assert p1["response_p90"] == 200
    assert p1["response_within_goal_pct"] == 90.0
    p3 = next(p for p in figures["priorities"] if p["level"] == 3)
    assert (p3["calls"], p3["processing_p90"], p3["processing_within_goal_pct"]) == (1, None, None)
    assert figures["calls_today"] == 11
    assert sum(h["count"] for h in figures["per_hour"]) == 11
    assert len(figures["per_hour"]) == 24
    this_hour = timezone.localtime(Call.objects.first().received_at).hour
    assert figures["per_hour"][this_hour]["count"] == 11


def test_yesterdays_calls_and_linked_duplicates_do_not_count(as_alice, quiet_day):
    make_call(as_alice, received_ago=timedelta(days=1, hours=1), dispatched_after=30)
    master = make_call(as_alice, received_ago=timedelta(minutes=1))
    duplicate = make_call(as_alice, received_ago=timedelta(seconds=30))
    assert as_alice.post(f"/api/v1/calls/{duplicate['id']}/link/", {"master": master["number"]},
                         format="json").status_code == 200

    assert figures_for_day()["calls_today"] == 1


def test_the_board_figures_are_for_center_staff_only(as_sheriff_token, anonymous, as_carol):
    assert as_sheriff_token.get("/api/v1/stats/today/").status_code == 403
    assert anonymous.get("/api/v1/stats/today/").status_code == 401
    assert as_carol.get("/api/v1/stats/today/").status_code == 200


def test_a_call_still_waiting_past_its_goal_counts_as_missed(as_alice, quiet_day):
    make_call(as_alice, received_ago=timedelta(minutes=5), dispatched_after=30, onscene_after=200)
    make_call(as_alice, received_ago=timedelta(minutes=20))  # never sent: 20 min and counting
    make_call(as_alice, received_ago=timedelta(seconds=10))  # just in: within both goals, not counted

    p1 = next(p for p in figures_for_day()["priorities"] if p["level"] == 1)

    assert p1["calls"] == 3
    assert p1["processing_within_goal_pct"] == 50.0
    assert p1["processing_p90"] >= 20 * 60
    assert p1["response_within_goal_pct"] == 50.0
