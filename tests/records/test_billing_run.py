"""A billing run that dies half-way through a thousand bills, and the run after it; two runs at once:
every alarm is billed exactly once, every bill issued once with its own number."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from calls.choices import CallStatus
from calls.models import Call, CallType, Disposition, Priority
from premises.choices import Occupancy
from premises.models import AlarmPermit
from records.billing import services
from records.billing.choices import BillStatus, RunStatus
from records.billing.services import billing_run, fee_schedule_create
from records.models import Bill, BillingRun, BillLine, FeeSchedule
from tests.records.billing import LAST_YEAR, day

PERMITS = 1000
THROUGH = date(LAST_YEAR, 12, 31)
ISSUE_DAY = date(LAST_YEAR + 1, 1, 2)


@pytest.fixture
def a_thousand_permits_each_with_one_billable_alarm(db):
    permits_each_with_one_billable_alarm(PERMITS)


def permits_each_with_one_billable_alarm(count: int) -> None:
    """A schedule where the first false alarm costs $25, and `count` permits with one false alarm each."""
    fee_schedule_create(schedule=FeeSchedule(name="Every alarm", effective_from=date(LAST_YEAR, 1, 1)),
                        tiers=[{"from_count": 1, "to_count": None, "fee": "25.00"}],
                        dispositions=[{"disposition": "FAB", "is_false": True, "reason": "no cause found"}])
    AlarmPermit.objects.bulk_create([
        AlarmPermit(number=f"AP-BULK-{n:04d}", holder_name=f"HOLDER {n}",
                    holder_mailing_address=f"PO BOX {n}",
                    site_text=f"{n} BULK WAY", site_lat=39.0, site_lon=-94.3, occupancy=Occupancy.RESIDENTIAL,
                    issued_on=date(LAST_YEAR - 1, 1, 1), expires_on=date(LAST_YEAR + 1, 12, 31))
        for n in range(count)])
    alarm_type, priority = CallType.objects.get(code="ALRBA"), Priority.objects.get(level=2)
    false = Disposition.objects.get(code="FAB")
    at = day(3, 1)
    Call.objects.bulk_create([
        Call(number=f"{LAST_YEAR}-9{n:05d}", call_type=alarm_type, priority=priority,
             status=CallStatus.CLOSED,
             address=f"{n} BULK WAY", received_at=at + timedelta(minutes=n % 600), entered_at=at,
             closed_at=at + timedelta(hours=1), disposition=false)
        for n in range(count)])


def test_a_run_killed_half_way_and_run_again_bills_every_alarm_exactly_once(
        a_thousand_permits_each_with_one_billable_alarm, monkeypatch):
    drafted = []
    real_draft = services.bills_draft

    def dies_after_the_500th(**kwargs):
        if len(drafted) == PERMITS // 2:
            raise RuntimeError("worker killed")
        bills = real_draft(**kwargs)
        drafted.extend(bills)
        return bills

    monkeypatch.setattr(services, "bills_draft", dies_after_the_500th)
    with pytest.raises(RuntimeError):
        billing_run(through=THROUGH, on=ISSUE_DAY)

    failed = BillingRun.objects.get()
    assert failed.status == RunStatus.FAILED and "worker killed" in failed.error
    assert failed.permits_done == PERMITS // 2 and failed.progress == 0.5
    assert Bill.objects.count() == PERMITS // 2
    assert not Bill.objects.exclude(status=BillStatus.DRAFT).exists()  # died before issuing any

    monkeypatch.setattr(services, "bills_draft", real_draft)
    rerun = billing_run(through=THROUGH, on=ISSUE_DAY)

    assert rerun.status == RunStatus.DONE
    assert (rerun.bills_created, rerun.bills_issued) == (PERMITS // 2, PERMITS)
    assert BillLine.objects.count() == PERMITS
    assert BillLine.objects.values("call").distinct().count() == PERMITS
    assert Bill.objects.filter(status=BillStatus.ISSUED).count() == PERMITS
    numbers = set(Bill.objects.values_list("number", flat=True))
    assert numbers == {f"FA-{ISSUE_DAY.year}-{n:06d}" for n in range(1, PERMITS + 1)}
    assert sum(Bill.objects.values_list("total", flat=True)) == Decimal("25.00") * PERMITS

    third = billing_run(through=THROUGH, on=ISSUE_DAY)
    assert (third.bills_created, third.bills_issued, BillLine.objects.count()) == (0, 0, PERMITS)


def test_the_database_refuses_a_second_line_for_a_billed_call(
        a_thousand_permits_each_with_one_billable_alarm):
    billing_run(through=THROUGH, on=ISSUE_DAY)
    line = BillLine.objects.first()

    with pytest.raises(IntegrityError), transaction.atomic():
        BillLine.objects.create(bill=line.bill, call=line.call, call_number=line.call_number, at=line.at,
                                count=1, fee=Decimal("25.00"), reason="again")


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL (set DATABASE_URL); CI runs it")
def test_two_runs_at_once_bill_every_alarm_once_with_numbers_unbroken(seeded_transactional_db):
    permits_each_with_one_billable_alarm(300)
    barrier, errors = threading.Barrier(2), []

    def run() -> None:
        try:
            barrier.wait()
            billing_run(through=THROUGH, on=ISSUE_DAY)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert BillLine.objects.count() == BillLine.objects.values("call").distinct().count() == 300
    assert Bill.objects.filter(status=BillStatus.ISSUED).count() == Bill.objects.count() == 300
    assert set(Bill.objects.values_list("number", flat=True)) == {
        f"FA-{ISSUE_DAY.year}-{n:06d}" for n in range(1, 301)}
    assert sum(BillingRun.objects.values_list("bills_issued", flat=True)) == 300
