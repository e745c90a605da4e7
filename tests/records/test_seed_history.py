"""seed_history: past calls for the reports, closed, before today, numbered from the year's counter."""

import io
from datetime import date, timedelta

from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from calls.choices import CallSource, CallStatus
from calls.models import Assignment, Call, CallNumberCounter
from calls.services import call_number_next
from records.models import CommittedLevel, OpenCallsDay, WorkloadChange

END = date(2026, 3, 1)


def seed(days=7, per_day=60, seed=1, end=END) -> str:
    out = io.StringIO()
    call_command("seed_history", days=days, per_day=per_day, seed=seed, end=end, stdout=out)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return list(Call.objects.order_by("received_at").values_list(
        "call_type__code", "priority_id", "beat__code", "received_at", "dispatched_at", "onscene_at"))


def test_it_makes_closed_calls_with_every_unit_time_before_the_end_day(db):
    printed = seed()
    calls = Call.objects.all()
    assert 300 < calls.count() < 540, printed
    assert "rows/s" in printed
    assert not calls.exclude(status=CallStatus.CLOSED).exists()
    last_midnight = timezone.make_aware(timezone.datetime(2026, 3, 1))
    assert not calls.filter(received_at__gte=last_midnight).exists()
    assert not calls.filter(received_at__lt=last_midnight - timedelta(days=7)).exists()
    sent = Assignment.objects.filter(call__in=calls)
    assert sent.count() >= calls.count() * 0.9
    assert not sent.filter(cleared_at__isnull=True).exists()
    assert not sent.filter(onscene_at__isnull=True).exists()
    # A call's first-unit times are its units' earliest.
    for call in calls.filter(dispatched_at__isnull=False)[:50]:
        units = list(call.assignments.all())
        assert call.dispatched_at == min(a.dispatched_at for a in units)
        assert call.onscene_at == min(a.onscene_at for a in units)


def test_it_has_the_untidy_cases_real_data_has(db):
    seed(days=14, per_day=120)
    calls = Call.objects.all()
    assert calls.filter(source=CallSource.SELF_INITIATED).exists()
    assert calls.filter(reopened_at__isnull=False).exists()
    assert calls.filter(call_type__code="TEST").exists()
    assert Assignment.objects.filter(enroute_at__isnull=True).exists()
    assert Assignment.objects.filter(enroute_at__lt=F("dispatched_at")).exists()
    # The evening is busier than the small hours.
    by_hour = dict(calls.values_list("received_at__hour").annotate(n=Count("id")))
    assert by_hour.get(17, 0) > 2 * by_hour.get(4, 0)


def test_the_same_seed_makes_the_same_calls(db):
    seed(seed=7)
    first = fingerprint()
    Assignment.objects.all().delete()
    Call.objects.all().delete()
    seed(seed=7)
    assert fingerprint() == first
    Assignment.objects.all().delete()
    Call.objects.all().delete()
    seed(seed=8)
    assert fingerprint() != first


def test_calls_entered_afterwards_take_the_next_numbers(db):
    seed(days=3)
    made = Call.objects.filter(received_at__year=2026).count()
    assert CallNumberCounter.objects.get(year=2026).last >= made
    numbers = set(Call.objects.values_list("number", flat=True))
    assert len(numbers) == Call.objects.count()
    assert call_number_next(year=2026) not in numbers


def test_it_leaves_each_day_counted_for_the_workload_report(db):
    printed = seed(days=3)
    days = [END - timedelta(days=n) for n in (1, 2, 3)]
    assert "counts kept for the workload report" in printed
    assert set(OpenCallsDay.objects.values_list("day", flat=True)) == set(days)
    assert set(CommittedLevel.objects.values_list("day", flat=True).distinct()) == set(days)
    assert not WorkloadChange.objects.exists()  # every change its calls made is already counted
