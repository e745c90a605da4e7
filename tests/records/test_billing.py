"""False-alarm billing by the ordinance: which alarms count, what they cost, the run, the bills."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from cad.exceptions import Invalid
from premises.choices import Occupancy
from premises.services import alarm_permit_save
from records.billing.choices import BillStatus, CountingWindow, RunStatus
from records.billing.models import tiers_problem
from records.billing.selectors import false_alarms
from records.billing.services import (
    bill_appeal,
    bill_payment_add,
    billing_preview,
    billing_run,
    bills_overdue_mark,
    fee_schedule_create,
)
from records.models import AuditEntry, Bill, BillLine, FeeSchedule
from tests.records.billing import LAST_YEAR, alarm, day, permit

THROUGH = date(LAST_YEAR, 12, 31)
ISSUE_DAY = date(LAST_YEAR + 1, 1, 2)


def year_list(**kwargs):
    return {v.call.number: v for v in false_alarms(start=date(LAST_YEAR, 1, 1), end=THROUGH, **kwargs)}


@pytest.fixture
def five_false_and_two_not(alice):
    """Five false burglar alarms at a permitted business, a weather alarm, and one a few hours after
    the second false one."""
    acme = permit()
    calls = {
        "1st": alarm(alice, day(1, 10)), "2nd": alarm(alice, day(2, 10)),
        "same day": alarm(alice, day(2, 10, 18)), "weather": alarm(alice, day(3, 1), disposition="17"),
        "3rd": alarm(alice, day(4, 10)), "4th": alarm(alice, day(5, 10)), "5th": alarm(alice, day(6, 10)),
    }
    return acme, calls


def test_the_demo_city_has_the_blue_springs_schedule(db):
    schedule = FeeSchedule.objects.get(name__startswith="Blue Springs")

    tiers = [(t.from_count, t.to_count, t.fee) for t in schedule.tiers.all()]
    assert tiers == [(1, 3, Decimal("0.00")), (4, 6, Decimal("50.00")), (7, 9, Decimal("75.00")),
                     (10, None, Decimal("100.00"))]
    assert (schedule.window, schedule.counted_once_hours, schedule.appeal_days) == (
        CountingWindow.CALENDAR_YEAR, 24, 10)
    ways = {r.disposition.code: r.is_false for r in schedule.dispositions.select_related("disposition")}
    assert ways["FAB"] is True and ways["17"] is False and ways["ACX"] is False


def test_each_alarm_is_listed_with_its_count_fee_and_reason_in_words(five_false_and_two_not):
    acme, calls = five_false_and_two_not

    listed = year_list()

    said = {name: (listed[c.number].billable, listed[c.number].fee, listed[c.number].reason)
            for name, c in calls.items()}
    assert said["1st"] == (False, Decimal("0.00"), "1st false alarm this permit year: free")
    assert said["3rd"] == (False, Decimal("0.00"), "3rd false alarm this permit year: free")
    assert said["4th"] == (True, Decimal("50.00"), "4th false alarm this permit year: $50.00")
    assert said["5th"] == (True, Decimal("50.00"), "5th false alarm this permit year: $50.00")
    assert said["weather"] == (False, Decimal("0.00"), "weather, power or utility failure: not false")
    assert said["same day"] == (False, Decimal("0.00"), "within 24 h of the last: counted once")
    assert {listed[c.number].permit.number for c in calls.values()} == {acme.number}


def test_a_run_bills_the_4th_and_5th_at_50_each_on_one_bill_and_a_second_run_bills_nothing(
        five_false_and_two_not):
    acme, calls = five_false_and_two_not

    run = billing_run(through=THROUGH, on=ISSUE_DAY)

    bill = Bill.objects.get(permit=acme)
    assert [(line.call_number, line.fee) for line in bill.lines.all()] == [
        (calls["4th"].number, Decimal("50.00")), (calls["5th"].number, Decimal("50.00"))]
    assert (bill.status, bill.total, bill.balance) == (BillStatus.ISSUED, Decimal("100.00"),
                                                       Decimal("100.00"))
    assert bill.number == f"FA-{ISSUE_DAY.year}-000001"
    assert (bill.issued_on, bill.due_on) == (ISSUE_DAY, date(LAST_YEAR + 1, 2, 1))
    assert (bill.holder_name, bill.mailing_address, bill.site) == (
        "ACME HARDWARE", "PO BOX 77\nDEMO CITY MO 64015", "310 MAIN ST")
    assert (run.status, run.bills_issued, run.alarms_billed, run.total_billed) == (
        RunStatus.DONE, 1, 2, Decimal("100.00"))
    assert AuditEntry.objects.filter(action="bill.issue", object=f"bill:{bill.pk}").exists()
    assert AuditEntry.objects.filter(action="billing.run", object=f"billing_run:{run.pk}").exists()

    again = billing_run(through=THROUGH, on=ISSUE_DAY)

    assert (again.bills_issued, again.alarms_billed) == (0, 0)
    assert Bill.objects.filter(permit=acme).count() == 1
    assert year_list()[calls["4th"].number].bill_number == bill.number


def test_the_next_alarm_goes_on_a_new_bill_and_the_old_stay_billed_once(five_false_and_two_not, alice):
    acme, calls = five_false_and_two_not
    billing_run(through=THROUGH, on=ISSUE_DAY)
    sixth = alarm(alice, day(11, 3))

    billing_run(through=THROUGH, on=ISSUE_DAY)

    bills = list(Bill.objects.filter(permit=acme).order_by("pk"))
    assert [[line.call_number for line in b.lines.all()] for b in bills] == [
        [calls["4th"].number, calls["5th"].number], [sixth.number]]
    assert BillLine.objects.filter(bill__permit=acme).count() == 3


def test_the_preview_bills_nothing(five_false_and_two_not):
    plan = billing_preview(through=THROUGH)

    assert (len(plan.bills), plan.alarms, plan.total) == (1, 2, Decimal("100.00"))
    assert Bill.objects.count() == 0


def test_a_permit_without_a_mailing_address_is_held_until_it_has_one(alice):
    nobody_home = permit(mailing="")
    for month in (1, 2, 3, 4):
        alarm(alice, day(month, 5))

    run = billing_run(through=THROUGH, on=ISSUE_DAY)

    assert Bill.objects.count() == 0
    assert [(h["permit"], h["held"]) for h in run.held] == [(nobody_home.number, "needs address")]

    nobody_home.holder_mailing_address = "PO BOX 5\nDEMO CITY MO 64015"
    alarm_permit_save(permit=nobody_home)
    billing_run(through=THROUGH, on=ISSUE_DAY)

    assert Bill.objects.get().total == Decimal("50.00")


def test_a_returned_notice_holds_the_next_bill(alice):
    returned = permit()
    returned.mail_returned_on = date(LAST_YEAR, 3, 1)
    alarm_permit_save(permit=returned)
    for month in (1, 2, 3, 4):
        alarm(alice, day(month, 5))

    run = billing_run(through=THROUGH, on=ISSUE_DAY)

    assert Bill.objects.count() == 0 and run.held[0]["held"] == "needs address"


def test_alarms_at_a_site_with_no_permit_cost_the_no_permit_fee_and_are_held(alice):
    call = alarm(alice, day(2, 2), address="330 MAIN ST")

    verdict = year_list()[call.number]
    run = billing_run(through=THROUGH, on=ISSUE_DAY)

    assert (verdict.permit, verdict.fee, verdict.billable) == (None, Decimal("100.00"), True)
    assert verdict.reason == "1st false alarm this permit year, no alarm permit: $100.00"
    assert run.held[0]["held"] == "no permit on file" and Bill.objects.count() == 0


def test_a_business_pays_the_business_factor(alice):
    FeeSchedule.objects.filter(name__startswith="Blue Springs").update(business_factor=Decimal("2.00"))
    home = permit("AP-HOME", "330 MAIN ST", occupancy=Occupancy.RESIDENTIAL)
    shop = permit("AP-SHOP", "310 MAIN ST", occupancy=Occupancy.BUSINESS)
    for month in (1, 2, 3, 4):
        alarm(alice, day(month, 5), address="330 MAIN ST")
        alarm(alice, day(month, 6), address="310 MAIN ST")

    fees = {(v.permit.number, v.count): v.fee for v in year_list().values()}

    assert fees[(home.number, 4)] == Decimal("50.00") and fees[(shop.number, 4)] == Decimal("100.00")


def test_the_count_starts_again_in_a_new_calendar_year(alice):
    permit()
    for month in (9, 10, 11, 12):
        alarm(alice, day(month, 1))

    new_year = alarm(alice, day(1, 1).replace(year=LAST_YEAR + 1))
    verdicts = {v.call.number: v for v in false_alarms(start=date(LAST_YEAR + 1, 1, 1),
                                                        end=date(LAST_YEAR + 1, 1, 31))}

    assert verdicts[new_year.number].reason == "1st false alarm this permit year: free"


def test_a_rolling_window_counts_the_last_n_days(alice):
    schedule = FeeSchedule.objects.get(name__startswith="Blue Springs")
    rolling = fee_schedule_create(
        schedule=FeeSchedule(name="Rolling", effective_from=date(LAST_YEAR, 1, 1),
                             window=CountingWindow.ROLLING_DAYS, window_days=60),
        tiers=[{"from_count": 1, "to_count": 1, "fee": "0"},
               {"from_count": 2, "to_count": None, "fee": "40"}],
        dispositions=[{"disposition": r.disposition.code, "is_false": r.is_false, "reason": r.reason}
                      for r in schedule.dispositions.all()])
    permit()
    alarm(alice, day(1, 1)), alarm(alice, day(2, 1))
    late = alarm(alice, day(6, 1))

    listed = year_list()

    assert rolling.pk and listed[late.number].reason == "1st false alarm in 60 days: free"
    assert [v.fee for v in listed.values()] == [Decimal("0.00"), Decimal("40.00"), Decimal("0.00")]


def test_the_suspension_threshold_is_flagged(alice):
    permit()
    calls = [alarm(alice, day(month, 2)) for month in range(1, 11)]

    listed = year_list()

    assert [listed[c.number].suspension for c in calls] == [False] * 9 + [True]
    assert listed[calls[-1].number].fee == Decimal("100.00")


@pytest.mark.parametrize("tiers, problem", [
    ([(1, 3), (3, None)], "overlaps"),
    ([(1, 3), (5, None)], "gap"),
    ([(2, None)], "gap"),
    ([(1, 3), (4, 6)], "open-ended"),
    ([(1, None), (4, None)], "open-ended"),
    ([(1, 3), (4, 2), (5, None)], "before it starts"),
    ([], "at least one"),
])
def test_tiers_that_overlap_or_leave_a_gap_are_refused(tiers, problem):
    assert problem in tiers_problem(tiers)


def test_the_blue_springs_tiers_are_whole():
    assert tiers_problem([(1, 3), (4, 6), (7, 9), (10, None)]) is None


def test_a_schedule_with_a_gap_is_not_saved(db):
    with pytest.raises(Invalid) as refused:
        fee_schedule_create(schedule=FeeSchedule(name="Gap", effective_from=date(2030, 1, 1)),
                            tiers=[{"from_count": 1, "to_count": 2, "fee": "0"},
                                   {"from_count": 4, "to_count": None, "fee": "50"}],
                            dispositions=[{"disposition": "FAB", "is_false": True, "reason": "no cause"}])

    assert "gap" in refused.value.detail["tiers"][0]
    assert not FeeSchedule.objects.filter(name="Gap").exists()


def test_the_command_prints_what_it_billed_and_bills_nothing_twice(five_false_and_two_not):
    acme, calls = five_false_and_two_not
    out = io.StringIO()

    call_command("billing_run", "--through", THROUGH.isoformat(), "--preview", stdout=out)
    assert "1 bill, 2 alarms, $100.00 (nothing billed)" in out.getvalue() and Bill.objects.count() == 0

    call_command("billing_run", "--through", THROUGH.isoformat(), stdout=out)
    printed = out.getvalue()
    assert "1 bill issued, 2 alarms, $100.00" in printed
    assert acme.number in printed and calls["4th"].number in printed and calls["5th"].number in printed

    again = io.StringIO()
    call_command("billing_run", "--through", THROUGH.isoformat(), stdout=again)
    assert "0 bills issued, 0 alarms, $0.00" in again.getvalue()


def test_a_bill_past_due_becomes_overdue_and_carries_the_late_fee_once(five_false_and_two_not, carol):
    billing_run(through=THROUGH, on=ISSUE_DAY)
    bill = Bill.objects.get()

    assert bills_overdue_mark(on=bill.due_on) == 0  # due that day: not yet late
    assert bills_overdue_mark(on=bill.due_on + timedelta(days=1)) == 1
    assert bills_overdue_mark(on=bill.due_on + timedelta(days=2)) == 0

    bill.refresh_from_db()
    assert (bill.status, bill.late_fee, bill.balance) == ("overdue", Decimal("25.00"), Decimal("125.00"))
    bill_payment_add(bill=bill, amount="125.00", method="cash", by=carol)
    bill.refresh_from_db()
    assert (bill.status, bill.balance) == ("paid", Decimal("0.00"))


def test_an_appealed_bill_is_not_marked_overdue(five_false_and_two_not, carol):
    billing_run(through=THROUGH, on=ISSUE_DAY)
    bill = Bill.objects.get()
    bill_appeal(bill=bill, reason="Storm", by=carol, on=ISSUE_DAY)

    assert bills_overdue_mark(on=bill.due_on + timedelta(days=5)) == 0
    assert Bill.objects.get().status == "appealed"


def test_a_holder_with_an_email_address_is_sent_the_notice_once(five_false_and_two_not, mailoutbox):
    acme, _ = five_false_and_two_not
    acme.holder_email = "billing@acme.example"
    alarm_permit_save(permit=acme)

    billing_run(through=THROUGH, on=ISSUE_DAY)
    billing_run(through=THROUGH, on=ISSUE_DAY)

    bill = Bill.objects.get()
    assert [m.to for m in mailoutbox] == [["billing@acme.example"]]
    assert bill.number in mailoutbox[0].subject
    assert mailoutbox[0].attachments[0][0] == f"{bill.number}.pdf"
    assert mailoutbox[0].attachments[0][1].startswith(b"%PDF")
    assert [(s.to, s.outcome) for s in bill.sendings.all()] == [("billing@acme.example", "sent")]
    assert AuditEntry.objects.filter(action="bill.notice_email", object=f"bill:{bill.pk}").count() == 1


def test_a_notice_the_mail_server_refused_is_recorded_and_sent_by_the_next_run(five_false_and_two_not,
                                                                              mailoutbox, monkeypatch):
    acme, _ = five_false_and_two_not
    acme.holder_email = "billing@acme.example"
    alarm_permit_save(permit=acme)

    def refused(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMessage.send", refused)
        billing_run(through=THROUGH, on=ISSUE_DAY)
    bill = Bill.objects.get()
    assert [s.outcome for s in bill.sendings.all()] == ["failed"] and mailoutbox == []

    billing_run(through=THROUGH, on=ISSUE_DAY)

    assert [s.outcome for s in bill.sendings.all()] == ["failed", "sent"] and len(mailoutbox) == 1


def test_a_holder_without_an_email_address_is_sent_nothing(five_false_and_two_not, mailoutbox):
    billing_run(through=THROUGH, on=ISSUE_DAY)

    assert mailoutbox == [] and not Bill.objects.get().sendings.exists()


def test_the_monthly_task_bills_as_the_command_does_and_beat_runs_it_on_the_first(five_false_and_two_not,
                                                                                  settings):
    from records.tasks import billing_run as task

    task.apply(kwargs={"through": THROUGH.isoformat()})

    assert Bill.objects.get().total == Decimal("100.00")
    entry = settings.CELERY_BEAT_SCHEDULE["billing-run"]
    assert entry["task"] == "records.tasks.billing_run" and entry["schedule"].day_of_month == {1}


def test_the_next_notice_shows_what_the_last_bill_still_owes_unless_it_is_under_appeal(
        five_false_and_two_not, alice, carol):
    from records.billing.selectors import unpaid_before

    billing_run(through=THROUGH, on=ISSUE_DAY)
    first = Bill.objects.get()
    bill_payment_add(bill=first, amount="30.00", method="cash", by=carol)
    alarm(alice, day(11, 3))
    billing_run(through=THROUGH, on=ISSUE_DAY)
    second = Bill.objects.exclude(pk=first.pk).get()

    assert unpaid_before(second) == Decimal("70.00")
    bill_appeal(bill=first, reason="Storm", by=carol, on=ISSUE_DAY)
    assert unpaid_before(second) == Decimal("0.00")


def test_a_run_flags_a_permit_whose_false_alarms_reach_the_threshold_and_dispatch_is_never_held(
        five_false_and_two_not, alice, as_alice):
    acme, _ = five_false_and_two_not
    FeeSchedule.objects.update(suspension_threshold=5)
    quiet = permit("AP-TEST-2", "410 MAIN ST", holder="QUIET CAFE")
    for month in (1, 2, 3, 4):
        alarm(alice, day(month, 12), address="410 MAIN ST")  # four: under the threshold

    billing_run(through=THROUGH, on=ISSUE_DAY)
    billing_run(through=THROUGH, on=ISSUE_DAY + timedelta(days=1))  # flagged once: the day stays

    acme.refresh_from_db(), quiet.refresh_from_db()
    assert (acme.suspension_flagged_on, quiet.suspension_flagged_on) == (ISSUE_DAY, None)
    [entry] = [e for e in AuditEntry.objects.filter(action="permit.change", object=f"permit:{acme.pk}")
               if "suspension threshold" in e.detail.get("reason", "")]
    assert entry.detail["changes"] == {"suspension_flagged_on": [None, ISSUE_DAY.isoformat()]}
    # A dispatcher sees it on the next alarm there, as information: the call is sent as any other.
    call = as_alice.post("/api/v1/calls/", {"call_type": "ALRBA", "location": {"address": "310 MAIN ST"}},
                         format="json").json()
    assert call["alarm_permit"]["suspension_flagged_on"] == ISSUE_DAY.isoformat()
    sent = as_alice.post(f"/api/v1/calls/{call['id']}/dispatch/", {"units": ["3A11"]}, format="json")
    assert sent.status_code == 200 and sent.json()["status"] == "dispatched"
