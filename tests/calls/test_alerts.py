"""The server's clocks: goal alerts, officer-safety status checks, escalation, acknowledgement."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from cad.models import Event
from calls import services
from calls.models import Alert, CallType, ChronologyEntry
from calls.services import alert_acknowledge, timers_check
from calls.tasks import timers_check as timers_task
from tests.conftest import token_client
from units.models import Unit
from units.services import unit_check, unit_status_set

ALERTS = "/api/v1/alerts/"


def robbery(alice, address="310 MAIN ST", code="ROBBERY"):
    return services.call_create(call_type=CallType.objects.get(code=code), location={"address": address},
                                by=alice)


def later(seconds):
    return timezone.now() + timedelta(seconds=seconds)


def on_scene(call, callsign, alice):
    unit = Unit.objects.get(callsign=callsign)
    services.call_dispatch(call=call, units=[unit], by=alice)
    unit_status_set(unit=unit, status="onscene", by=alice)
    unit.refresh_from_db()
    return unit


@pytest.fixture(autouse=True)
def quiet_floor(db):
    """No open calls or alerts left by other tests' data; units all available."""
    Alert.objects.all().delete()


def test_a_call_waiting_past_its_dispatch_goal_raises_one_alert_however_often_the_clock_looks(alice):
    call = robbery(alice)  # P1: dispatch goal 60 s, response goal 300 s

    assert timers_check(now=later(30)).raised == 0
    assert timers_check(now=later(61)).raised == 1
    assert timers_check(now=later(90)).raised == 0
    alert = Alert.objects.get(call=call)
    assert alert.kind == Alert.Kind.DISPATCH_GOAL
    assert "1 min dispatch goal" in alert.text
    assert ChronologyEntry.objects.filter(call=call, kind="alert", text__startswith="Alert:").count() == 1
    assert Event.objects.filter(event="alert.raised", call_id=call.pk).count() == 1


def test_no_unit_on_scene_by_the_response_goal_is_a_second_alert_and_arrival_in_time_is_none(alice):
    late = robbery(alice)
    on_time = robbery(alice, "320 MAIN ST")
    services.call_dispatch(call=late, units=[Unit.objects.get(callsign="1A11")], by=alice)
    on_scene(on_time, "1A12", alice)

    timers_check(now=later(301))

    kinds = set(Alert.objects.filter(call=late).values_list("kind", flat=True))
    assert kinds == {Alert.Kind.RESPONSE_GOAL}  # it was dispatched in time, not reached in time
    assert not Alert.objects.filter(call=on_time).exists()


def test_a_scheduler_that_was_stopped_raises_what_came_due_meanwhile_once(alice):
    first, second = robbery(alice), robbery(alice, "320 MAIN ST")

    # Nothing ran for ten minutes; then two schedulers start at once.
    raised = timers_check(now=later(600)).raised + timers_check(now=later(600)).raised

    assert raised == 4  # dispatch and response goal for each call, once
    assert Alert.objects.filter(call__in=[first, second]).count() == 4


def test_a_unit_left_on_scene_past_its_interval_raises_exactly_one_alert(alice):
    unit = on_scene(robbery(alice), "1A12", alice)
    Alert.objects.all().delete()  # the call's own goal alerts are not the point here

    assert timers_check(now=unit.status_since + timedelta(minutes=14)).raised == 0
    later_on = unit.status_since + timedelta(minutes=15, seconds=1)
    raised = timers_check(now=later_on).raised + timers_check(now=later_on + timedelta(seconds=5)).raised

    alert = Alert.objects.get(kind=Alert.Kind.STATUS_CHECK)
    assert raised == 1
    assert alert.unit == unit
    assert "1A12 on scene 15 min without a status check" in alert.text


def test_a_traffic_stop_is_checked_sooner_than_other_calls(alice):
    unit = on_scene(robbery(alice, code="TSTOP"), "2A11", alice)

    timers_check(now=unit.status_since + timedelta(minutes=10, seconds=1))

    assert Alert.objects.filter(kind=Alert.Kind.STATUS_CHECK, unit=unit).count() == 1


def test_a_check_answers_the_alert_and_starts_the_clock_again(alice, as_alice):
    call = robbery(alice)
    unit = on_scene(call, "1A12", alice)
    timers_check(now=unit.status_since + timedelta(minutes=16))
    alert = Alert.objects.get(kind=Alert.Kind.STATUS_CHECK)

    response = as_alice.post("/api/v1/units/1A12/check/")

    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.acknowledged_by == alice
    unit.refresh_from_db()
    assert ChronologyEntry.objects.filter(call=call, kind="status_check", text__contains="1A12 OK").exists()
    # The next check is due 15 minutes after this one, not at once.
    assert timers_check(now=unit.checked_at + timedelta(minutes=14)).raised == 0
    assert timers_check(now=unit.checked_at + timedelta(minutes=15, seconds=1)).raised == 1


def test_a_new_status_starts_a_new_stint(alice):
    call = robbery(alice)
    unit = on_scene(call, "1A12", alice)
    unit_check(unit=unit, by=alice)
    unit_status_set(unit=unit, status="transporting", by=alice)
    unit.refresh_from_db()
    assert unit.checked_at is None


def test_an_unanswered_status_check_escalates_once_after_a_minute(alice, settings):
    settings.CAD_STATUS_CHECK_ESCALATE_SECONDS = 60
    unit = on_scene(robbery(alice), "1A12", alice)
    due = unit.status_since + timedelta(minutes=15, seconds=1)
    timers_check(now=due)

    assert timers_check(now=due + timedelta(seconds=59)).escalated == 0
    assert timers_check(now=due + timedelta(seconds=61)).escalated == 1
    assert timers_check(now=due + timedelta(seconds=90)).escalated == 0
    alert = Alert.objects.get(kind=Alert.Kind.STATUS_CHECK)
    assert alert.escalated_at is not None
    assert Event.objects.filter(event="alert.escalated").count() == 1


def test_acknowledging_ends_the_alert_and_says_who_in_the_chronology(alice, as_alice):
    call = robbery(alice)
    timers_check(now=later(61))
    alert = Alert.objects.get(call=call)

    assert [a["id"] for a in as_alice.get(ALERTS).json()] == [alert.pk]
    response = as_alice.post(f"{ALERTS}{alert.pk}/acknowledge/")
    again = as_alice.post(f"{ALERTS}{alert.pk}/acknowledge/")

    assert response.status_code == 200
    assert response.json()["acknowledged_by"] == "dispatcher1"
    assert again.status_code == 409
    assert as_alice.get(ALERTS).json() == []
    assert [a["id"] for a in as_alice.get(f"{ALERTS}?state=all").json()] == [alert.pk]
    assert ChronologyEntry.objects.filter(call=call, text__startswith="Alert acknowledged", by=alice).exists()
    assert Event.objects.filter(event="alert.acknowledged").count() == 1


def test_who_may_see_and_acknowledge_alerts(alice, as_carol, anonymous, db):
    robbery(alice)
    timers_check(now=later(61))
    alert = Alert.objects.get()

    assert as_carol.get(ALERTS).status_code == 200
    assert as_carol.post(f"{ALERTS}{alert.pk}/acknowledge/").status_code == 403
    assert anonymous.get(ALERTS).status_code == 401
    assert token_client("DCSO").get(ALERTS).status_code == 403
    assert token_client("CPD").post(f"{ALERTS}{alert.pk}/acknowledge/").status_code == 200


def test_the_periodic_task_is_the_same_check(alice):
    robbery(alice)
    Unit.objects.update()  # nothing else due
    result = timers_task.apply().get()
    assert result == {"raised": 0, "escalated": 0}  # a fresh call is inside its goals


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")
def test_two_schedulers_racing_raise_each_breach_once(seeded_transactional_db):
    from django.contrib.auth import get_user_model

    alice = get_user_model().objects.get(username="dispatcher1")
    calls = [robbery(alice, f"{n}10 MAIN ST") for n in range(1, 6)]
    barrier = threading.Barrier(4)
    when = later(600)

    def scheduler(_):
        try:
            barrier.wait()
            return timers_check(now=when).raised
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        raised = list(pool.map(scheduler, range(4)))

    assert sum(raised) == 10
    assert Alert.objects.filter(call__in=calls).count() == 10
    assert Event.objects.filter(event="alert.raised").count() == 10


def test_an_acknowledged_alert_cannot_be_acknowledged_by_a_service_twice(alice):
    from cad.exceptions import Conflict

    robbery(alice)
    timers_check(now=later(61))
    alert = Alert.objects.get()
    alert_acknowledge(alert=alert, by=alice)
    with pytest.raises(Conflict):
        alert_acknowledge(alert=alert, by=alice)


def test_acknowledging_without_a_check_lets_the_next_missed_interval_alert_again(alice):
    unit = on_scene(robbery(alice, code="TSTOP"), "1A12", alice)
    start = unit.status_since
    timers_check(now=start + timedelta(minutes=10, seconds=1))
    alert_acknowledge(alert=Alert.objects.get(kind=Alert.Kind.STATUS_CHECK), by=alice)  # ACK, not CHK

    assert timers_check(now=start + timedelta(minutes=15)).raised == 0  # within the second interval
    assert timers_check(now=start + timedelta(minutes=20, seconds=1)).raised == 1
    assert "20 min without a status check" in Alert.objects.filter(
        kind=Alert.Kind.STATUS_CHECK, acknowledged_at__isnull=True).get().text


def test_a_status_change_answers_the_check_and_nothing_escalates(alice):
    unit = on_scene(robbery(alice), "1A12", alice)
    due = unit.status_since + timedelta(minutes=15, seconds=1)
    timers_check(now=due)
    alert = Alert.objects.get(kind=Alert.Kind.STATUS_CHECK)

    unit_status_set(unit=unit, status="available", by=alice)

    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert timers_check(now=due + timedelta(seconds=90)).escalated == 0
    assert Event.objects.filter(event="alert.acknowledged").count() == 1


def test_a_reopened_call_is_timed_from_its_reopening_once_per_life(alice):
    from calls.models import Disposition

    call = robbery(alice)
    on_scene(call, "1A12", alice)
    unit_status_set(unit=Unit.objects.get(callsign="1A12"), status="available", by=alice)
    services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=alice)
    services.call_reopen(call=call, by=alice, reason="caller says they came back")
    call.refresh_from_db()
    Alert.objects.all().delete()

    assert timers_check(now=call.reopened_at + timedelta(seconds=30)).raised == 0
    assert timers_check(now=call.reopened_at + timedelta(seconds=61)).raised == 1
    assert timers_check(now=call.reopened_at + timedelta(seconds=90)).raised == 0
    assert Alert.objects.get().kind == Alert.Kind.DISPATCH_GOAL


def test_a_held_queue_costs_few_queries_once_its_alerts_are_raised(alice, django_assert_max_num_queries):
    for n in range(30):
        robbery(alice, f"{(n % 8 + 1) * 100 + 10} MAIN ST")
    timers_check(now=later(600))

    with django_assert_max_num_queries(10):
        assert timers_check(now=later(605)).raised == 0


def test_a_call_sent_or_closed_after_the_clock_read_it_is_no_longer_late(alice, monkeypatch):
    from calls.models import Disposition
    from calls.services import alerts

    sent, closed = robbery(alice, "110 MAIN ST"), robbery(alice, "210 MAIN ST")
    read = alerts._goal_breaches(later(400))  # both past both goals, as the clock saw them
    services.call_dispatch(call=sent, units=[Unit.objects.get(callsign="1A12")], by=alice)
    services.call_close(call=closed, disposition=Disposition.objects.get(code="02"), by=alice)
    monkeypatch.setattr(alerts, "_goal_breaches", lambda now: read)

    assert timers_check(now=later(400)).raised == 1
    assert list(Alert.objects.values_list("call", "kind")) == [(sent.pk, Alert.Kind.RESPONSE_GOAL)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")
def test_calls_closing_while_the_clock_raises_their_alerts_neither_deadlock_nor_alert_after_closing(
        seeded_transactional_db):
    from django.contrib.auth import get_user_model

    from calls.models import Disposition

    alice = get_user_model().objects.get(username="dispatcher1")
    calls = [robbery(alice, f"{n}10 MAIN ST") for n in range(1, 9)]
    code = Disposition.objects.get(code="02")
    barrier = threading.Barrier(3)

    def closer(mine):
        try:
            barrier.wait()
            for call in mine:
                services.call_close(call=call, disposition=code, by=alice)
        finally:
            connections.close_all()

    def clock():
        try:
            barrier.wait()
            return timers_check(now=later(600)).raised
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=3) as pool:
        done = [pool.submit(closer, calls[::2]), pool.submit(closer, calls[1::2]), pool.submit(clock)]
        for future in done:
            future.result()  # a deadlock is an OperationalError here

    for call in calls:
        closing = Event.objects.get(event="call.closed", call_id=call.pk).seq
        assert all(seq < closing for seq in Event.objects.filter(event="alert.raised", call_id=call.pk)
                   .values_list("seq", flat=True))
