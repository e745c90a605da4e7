"""The in-process scheduler that stands in for Celery beat when there is no Redis."""

from cad import scheduler
from calls.models import Alert


def test_it_runs_each_task_when_due_and_not_before(settings, monkeypatch, transactional_db):
    runs = []
    monkeypatch.setattr("cad.tasks.events_prune.run", lambda: runs.append("prune"))
    settings.CELERY_BEAT_SCHEDULE = {"prune": {"task": "cad.tasks.events_prune", "schedule": 60.0}}
    next_run: dict[str, float] = {}

    scheduler.run_due(next_run, now=1000.0)
    scheduler.run_due(next_run, now=1030.0)
    scheduler.run_due(next_run, now=1060.0)

    assert runs == ["prune", "prune"]
    assert next_run == {"prune": 1120.0}


def test_the_timers_run_through_it_as_under_beat(seeded_transactional_db):
    # Committed data: the scheduler closes connections between runs, as a long-lived thread must.
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from calls import services
    from calls.models import Call, CallType

    alice = get_user_model().objects.get(username="dispatcher1")
    call = services.call_create(call_type=CallType.objects.get(code="ROBBERY"),
                                location={"address": "310 MAIN ST"}, by=alice)
    Call.objects.filter(pk=call.pk).update(received_at=timezone.now() - timedelta(minutes=2))

    scheduler.run_due({}, now=0.0)

    assert Alert.objects.filter(call=call, kind=Alert.Kind.DISPATCH_GOAL).count() == 1


def test_an_entry_on_a_crontab_waits_for_its_time_even_at_start_up(settings, monkeypatch, transactional_db):
    from datetime import UTC, datetime

    from celery.schedules import crontab

    runs = []
    monkeypatch.setattr("cad.tasks.events_prune.run", lambda: runs.append("monthly"))
    settings.CELERY_BEAT_SCHEDULE = {"monthly": {"task": "cad.tasks.events_prune",
                                                 "schedule": crontab(minute=0, hour=6, day_of_month=1)}}
    next_run: dict[str, float] = {}

    scheduler.run_due(next_run, now=0.0, wall=datetime(2026, 3, 31, 6, 0, tzinfo=UTC))
    assert runs == [] and next_run["monthly"] == 86400.0
    scheduler.run_due(next_run, now=86400.0, wall=datetime(2026, 4, 1, 6, 0, tzinfo=UTC))

    assert runs == ["monthly"]
    assert next_run["monthly"] > 86400.0 + 29 * 86400
