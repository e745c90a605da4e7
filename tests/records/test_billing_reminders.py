"""Overdue reminders: when a bill becomes overdue its holder is emailed a reminder, once, with the late
fee and the new balance; every sending is recorded and audited, a refused one tried again."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from reportlab import rl_config

from premises.services import alarm_permit_save
from records.billing.pdf import bill_pdf
from records.billing.services import bill_appeal, bill_payment_add, billing_run, bills_overdue_mark
from records.models import AuditEntry, Bill
from tests.records.billing import LAST_YEAR, alarm, day, permit

THROUGH = date(LAST_YEAR, 12, 31)
ISSUE_DAY = date(LAST_YEAR + 1, 1, 2)


@pytest.fixture
def issued(alice):
    """A $100.00 bill (the 4th and 5th false alarms at $50) to ACME HARDWARE, issued and not paid."""
    acme = permit()
    for month in (1, 2, 3, 4, 5):
        alarm(alice, day(month, 10))
    billing_run(through=THROUGH, on=ISSUE_DAY)
    return acme, Bill.objects.get()


def with_email(acme, address="billing@acme.example"):
    acme.holder_email = address
    alarm_permit_save(permit=acme)


def late(bill: Bill, days: int = 1) -> date:
    return bill.due_on + timedelta(days=days)


def reminders(bill: Bill):
    return [(s.to, s.outcome) for s in bill.sendings.filter(kind="reminder")]


def test_a_bill_becoming_overdue_sends_its_holder_one_reminder_with_the_new_balance(issued, mailoutbox):
    acme, bill = issued
    with_email(acme)
    mailoutbox.clear()  # the bill's notice went out before the address was on file: nothing

    assert bills_overdue_mark(on=bill.due_on) == 0
    assert mailoutbox == []  # due today: not late, no reminder

    bills_overdue_mark(on=late(bill))

    assert [m.to for m in mailoutbox] == [["billing@acme.example"]]
    message = mailoutbox[0]
    assert "Overdue" in message.subject and bill.number in message.subject
    assert "$25.00" in message.body and "$125.00" in message.body
    name, content, kind = message.attachments[0]
    assert (name, kind) == (f"{bill.number}-overdue.pdf", "application/pdf") and content.startswith(b"%PDF")
    assert reminders(bill) == [("billing@acme.example", "sent")]


def test_rerunning_the_daily_task_sends_no_reminder_again(issued, mailoutbox):
    from records.tasks import bills_overdue as task

    acme, bill = issued
    with_email(acme)
    bills_overdue_mark(on=late(bill))
    bills_overdue_mark(on=late(bill, 2))
    task.apply()  # the beat task, on a later day
    task.apply()

    assert len([m for m in mailoutbox if "Overdue" in m.subject]) == 1
    assert reminders(bill) == [("billing@acme.example", "sent")]
    assert Bill.objects.get().late_fee == Decimal("25.00")  # the late fee once, as before


def test_each_reminder_is_audited(issued, mailoutbox):
    acme, bill = issued
    with_email(acme)
    bills_overdue_mark(on=late(bill))
    bills_overdue_mark(on=late(bill, 2))

    entries = AuditEntry.objects.filter(action="bill.reminder_email", object=f"bill:{bill.pk}")
    assert entries.count() == 1
    detail = entries.get().detail
    assert (detail["to"], detail["outcome"], detail["balance"]) == ("billing@acme.example", "sent", "125.00")


def test_a_reminder_the_mail_server_refused_is_recorded_and_sent_by_the_next_run(issued, mailoutbox,
                                                                                monkeypatch):
    acme, bill = issued
    with_email(acme)

    def refused(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMessage.send", refused)
        bills_overdue_mark(on=late(bill))
    assert reminders(bill) == [("billing@acme.example", "failed")]
    assert "mail server down" in bill.sendings.get(kind="reminder").error

    bills_overdue_mark(on=late(bill, 2))
    bills_overdue_mark(on=late(bill, 3))

    assert reminders(bill) == [("billing@acme.example", "failed"), ("billing@acme.example", "sent")]
    assert len(mailoutbox) == 1
    audited = AuditEntry.objects.filter(action="bill.reminder_email").values_list("outcome", flat=True)
    assert sorted(audited) == ["failed", "ok"]


def test_without_an_email_address_the_reminder_is_recorded_as_not_sent_once(issued, mailoutbox):
    acme, bill = issued

    bills_overdue_mark(on=late(bill))
    bills_overdue_mark(on=late(bill, 2))

    assert mailoutbox == []
    assert reminders(bill) == [("", "no_email")]
    assert AuditEntry.objects.filter(action="bill.reminder_email").count() == 1

    with_email(acme)  # the clerk finds an address: the next run sends the reminder
    bills_overdue_mark(on=late(bill, 3))
    assert reminders(bill) == [("", "no_email"), ("billing@acme.example", "sent")] and len(mailoutbox) == 1


def test_a_paid_or_appealed_bill_gets_no_reminder(issued, alice, carol, mailoutbox):
    acme, bill = issued
    with_email(acme)
    for month in (6, 7):  # a second bill, to appeal
        alarm(alice, day(month, 10))
    billing_run(through=THROUGH, on=ISSUE_DAY)
    second = Bill.objects.exclude(pk=bill.pk).get()
    mailoutbox.clear()
    bill_payment_add(bill=bill, amount="100.00", method="cash", by=carol)
    bill_appeal(bill=second, reason="Storm", by=carol, on=ISSUE_DAY)

    bills_overdue_mark(on=late(bill, 5))

    assert mailoutbox == [] and not Bill.objects.filter(sendings__kind="reminder").exists()


def test_the_reminder_pdf_is_titled_as_such_and_names_the_late_fee_and_the_overdue_balance(
        issued, monkeypatch, mailoutbox):
    monkeypatch.setattr(rl_config, "pageCompression", 0)  # the page's text readable in the bytes
    acme, bill = issued
    with_email(acme)
    bills_overdue_mark(on=late(bill))
    bill.refresh_from_db()

    pdf = mailoutbox[-1].attachments[0][1]
    due = bill.due_on
    for needed in ["OVERDUE REMINDER", "Overdue reminder: false alarm bill", bill.number, "ACME HARDWARE",
                   "PO BOX 77", "is overdue", "late fee of $25.00", "$125.00", "Late fee",
                   f"{due:%B} {due.day}, {due.year}", "How to pay"]:
        assert needed.encode() in pdf, needed
    assert b"OVERDUE REMINDER" not in bill_pdf(bill)  # the bill's own notice stays a notice


def test_the_bills_notice_is_still_sent_once_beside_its_reminder(alice, mailoutbox):
    acme = permit()
    with_email(acme)
    for month in (1, 2, 3, 4, 5):
        alarm(alice, day(month, 10))
    billing_run(through=THROUGH, on=ISSUE_DAY)
    bill = Bill.objects.get()
    bills_overdue_mark(on=late(bill))
    billing_run(through=THROUGH, on=ISSUE_DAY)
    bills_overdue_mark(on=late(bill, 2))

    assert [(s.kind, s.outcome) for s in bill.sendings.all()] == [("notice", "sent"), ("reminder", "sent")]
    assert [m.subject.startswith("Overdue") for m in mailoutbox] == [False, True]
