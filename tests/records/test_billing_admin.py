"""False-alarm billing in the admin: the schedule as supervisors keep it, the false-alarm list, bills
found by call and runs with their progress."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from records.billing.services import billing_run, fee_schedule_create
from records.models import AuditEntry, Bill, BillingRun, FeeSchedule
from tests.conftest import client_for
from tests.records.billing import LAST_YEAR, alarm, day, permit

ADD_SCHEDULE = "/admin/records/feeschedule/add/"


def schedule_form(tiers: list[tuple[str, str, str]]) -> dict:
    form = {
        "name": "Kansas City KS", "effective_from": "2031-01-01", "window": "calendar_year",
        "window_days": "",
        "counted_once_hours": "24", "suspension_threshold": "10", "residential_factor": "1.00",
        "business_factor": "2.00", "no_permit_fee": "100.00", "late_fee": "0.00", "appeal_days": "10",
        "due_days": "30", "appeal_instructions": "Write to the chief.",
        "payment_instructions": "At city hall.",
        "tiers-TOTAL_FORMS": str(len(tiers)), "tiers-INITIAL_FORMS": "0", "tiers-MIN_NUM_FORMS": "1",
        "tiers-MAX_NUM_FORMS": "1000",
        "dispositions-TOTAL_FORMS": "0", "dispositions-INITIAL_FORMS": "0",
        "dispositions-MIN_NUM_FORMS": "0",
        "dispositions-MAX_NUM_FORMS": "1000",
    }
    for n, (start, end, fee) in enumerate(tiers):
        form.update({f"tiers-{n}-from_count": start, f"tiers-{n}-to_count": end, f"tiers-{n}-fee": fee})
    return form


def test_a_supervisor_saves_a_schedule_with_whole_tiers(as_sam):
    answer = as_sam.post(ADD_SCHEDULE, schedule_form([("1", "3", "0"), ("4", "", "50")]))

    assert answer.status_code == 302
    schedule = FeeSchedule.objects.get(name="Kansas City KS")
    assert [(t.from_count, t.to_count) for t in schedule.tiers.all()] == [(1, 3), (4, None)]
    assert AuditEntry.objects.filter(action="fee_schedule.save",
                                     object=f"fee_schedule:{schedule.pk}").exists()


@pytest.mark.parametrize("tiers, said", [
    ([("1", "3", "0"), ("3", "", "50")], "overlaps"),
    ([("1", "3", "0"), ("5", "", "50")], "gap"),
])
def test_tiers_that_overlap_or_leave_a_gap_are_a_form_error_and_nothing_is_saved(as_sam, tiers, said):
    answer = as_sam.post(ADD_SCHEDULE, schedule_form(tiers))

    assert answer.status_code == 200 and said in answer.content.decode()
    assert not FeeSchedule.objects.filter(name="Kansas City KS").exists()


def test_a_clerk_reads_the_schedule_but_may_not_change_it(as_carol):
    schedule = FeeSchedule.objects.get(name__startswith="Blue Springs")

    assert as_carol.get(f"/admin/records/feeschedule/{schedule.pk}/change/").status_code == 200
    assert as_carol.get(ADD_SCHEDULE).status_code == 403
    assert as_carol.post(f"/admin/records/feeschedule/{schedule.pk}/change/", {}).status_code == 403


@pytest.fixture
def billed(alice):
    permit()
    calls = [alarm(alice, day(month, 10)) for month in (1, 2, 3, 4)]
    alarm(alice, day(5, 1), disposition="17")
    run = billing_run(through=date(LAST_YEAR, 12, 31))
    return calls, run


def test_the_false_alarm_list_shows_each_alarm_with_its_reason(billed, as_carol):
    calls, _ = billed

    page = as_carol.get("/admin/records/falsealarmcall/", {"from": f"{LAST_YEAR}-01-01",
                                                           "to": f"{LAST_YEAR}-12-31"}).content.decode()

    assert calls[3].number in page and "4th false alarm this permit year: $50.00" in page
    assert "weather, power or utility failure: not false" in page
    assert "1 billable, $50.00" in page


def test_a_bill_is_found_by_the_call_on_it_and_by_its_holder(billed, sam):
    calls, _ = billed
    bill = Bill.objects.get()
    client = client_for(sam)

    by_call = client.get("/admin/records/bill/", {"q": calls[3].number})
    by_holder = client.get("/admin/records/bill/", {"q": "acme"})
    elsewhere = client.get("/admin/records/bill/", {"q": "2026-999999"})

    assert [b.pk for b in by_call.context["cl"].result_list] == [bill.pk]
    assert [b.pk for b in by_holder.context["cl"].result_list] == [bill.pk]
    assert list(elsewhere.context["cl"].result_list) == []
    assert "The notice (PDF)" in client.get(f"/admin/records/bill/{bill.pk}/change/").content.decode()


def test_a_run_shows_its_progress(billed, as_carol):
    run = BillingRun.objects.get()

    page = as_carol.get(f"/admin/records/billingrun/{run.pk}/change/").content.decode()

    assert "1 of 1 permits (100%)" in page


def test_markup_in_a_holders_name_is_shown_as_text(alice, as_carol):
    permit(holder="<script>alert(1)</script>")
    for month in (1, 2, 3, 4):
        alarm(alice, day(month, 10))
    billing_run(through=date(LAST_YEAR, 12, 31))

    page = as_carol.get("/admin/records/bill/").content.decode()

    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_runs_notices_print_as_one_pdf_a_notice_from_a_page_of_its_own(alice, as_carol):
    for number, address in (("AP-ONE", "310 MAIN ST"), ("AP-TWO", "330 MAIN ST")):
        permit(number, address)
        for month in (1, 2, 3, 4):
            alarm(alice, day(month, 10), address=address)
    run = billing_run(through=date(LAST_YEAR, 12, 31))

    from_run = as_carol.post("/admin/records/billingrun/", {"action": "print_run_notices",
                                                            "_selected_action": [run.pk]})
    bills = list(Bill.objects.values_list("pk", flat=True))
    from_bills = as_carol.post("/admin/records/bill/", {"action": "print_notices", "_selected_action": bills})

    for answer in (from_run, from_bills):
        assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
        assert len(re.findall(rb"/Type /Page[^s]", answer.content)) == 2


def test_a_permits_page_shows_its_false_alarms_this_window_its_bills_and_balance(alice, as_carol):
    fee_schedule_create(
        schedule=FeeSchedule(name="Rolling 60", effective_from=date(LAST_YEAR, 1, 1), window="rolling_days",
                             window_days=60),
        tiers=[{"from_count": 1, "to_count": 1, "fee": "0"},
               {"from_count": 2, "to_count": None, "fee": "40"}],
        dispositions=[{"disposition": "FAB", "is_false": True, "reason": "no cause found"}])
    acme = permit()
    now = timezone.now()
    old = alarm(alice, now - timedelta(days=90))
    first, second = alarm(alice, now - timedelta(days=3)), alarm(alice, now - timedelta(days=2))
    billing_run(through=timezone.localdate())
    bill = Bill.objects.get()

    page = as_carol.get(f"/admin/premises/alarmpermit/{acme.pk}/change/").content.decode()

    listed = [f"<div>{call.number} " in page for call in (old, first, second)]
    assert listed == [False, True, True]  # the alarm 90 days ago is outside the 60-day window
    assert "2nd false alarm in 60 days: $40.00" in page and f"(bill {bill.number})" in page
    assert bill.number in page and "$40.00" in page
