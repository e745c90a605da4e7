"""The only ways false-alarm billing changes: the fee schedule, the billing run (drafts, then issued
bills), appeals and their decisions, payments. Each is stamped and on the audit trail.

The run is safe to repeat, to overlap and to kill: each permit's bill is drafted in a transaction of
its own under the permit's row lock, and a call is billed on one line ever (a unique key on the
line's call), so a rerun finds what was billed and bills only the rest; drafts a killed run left
are issued by the next one.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from cad.audit import AuditAction, Outcome, audit_record, field_changes, object_ref
from cad.exceptions import Invalid
from cad.history import actor
from calls.models import Disposition
from premises.models import AlarmPermit
from premises.services import alarm_permits_flag_for_suspension
from records.billing.choices import (
    AppealOutcome,
    BillStatus,
    CountingWindow,
    PaymentMethod,
    RunStatus,
    SendingKind,
    SendingOutcome,
)
from records.billing.models import (
    ZERO,
    Appeal,
    Bill,
    BillingRun,
    BillLine,
    BillNumberCounter,
    FeeSchedule,
    FeeTier,
    NoticeSending,
    Payment,
    ScheduleDisposition,
    tiers_problem,
)
from records.billing.pdf import bill_pdf, reminder_pdf
from records.billing.selectors import (
    AlarmVerdict,
    appeal_last_day,
    dollars,
    false_alarms,
    fee_schedules,
    schedule_in_effect,
    suspension_reached_by,
)

User = AbstractBaseUser | AnonymousUser | None
RUN_BATCH = 50  # permits drafted, or bills issued, in one transaction; progress is kept after each


def _schedule_problems(
    schedule: FeeSchedule, tiers: list[tuple[int | None, int | None]]
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    problem = tiers_problem(tiers)
    if problem:
        problems["tiers"] = [problem]
    if schedule.window == CountingWindow.ROLLING_DAYS and not schedule.window_days:
        problems["window_days"] = ["A rolling window needs its number of days."]
    try:
        schedule.full_clean(validate_unique=True)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            problems.setdefault(name, []).extend(messages)
    return problems


@transaction.atomic
def fee_schedule_create(
    *, schedule: FeeSchedule, tiers: list[dict], dispositions: list[dict], by: User = None
) -> FeeSchedule:
    """A new schedule with its tiers ({from_count, to_count, fee}) and dispositions ({disposition:
    code, is_false, reason}); tiers that overlap or leave a gap are refused with nothing saved."""
    problems = _schedule_problems(schedule, [(t.get("from_count"), t.get("to_count")) for t in tiers])
    codes = [d["disposition"] for d in dispositions]
    known = {d.code: d for d in Disposition.objects.filter(code__in=codes)}
    unknown = sorted(set(codes) - set(known))
    if unknown:
        problems["dispositions"] = [f"No such disposition: {', '.join(unknown)}."]
    elif len(set(codes)) != len(codes):
        problems["dispositions"] = ["Each disposition once."]
    if problems:
        raise Invalid(problems)
    schedule.updated_by = actor(by)
    schedule.save()
    FeeTier.objects.bulk_create(
        [
            FeeTier(schedule=schedule, from_count=t["from_count"], to_count=t.get("to_count"), fee=t["fee"])
            for t in tiers
        ]
    )
    ScheduleDisposition.objects.bulk_create(
        [
            ScheduleDisposition(
                schedule=schedule,
                disposition=known[d["disposition"]],
                is_false=d["is_false"],
                reason=d["reason"],
            )
            for d in dispositions
        ]
    )
    fee_schedule_audit(schedule=schedule, before=None, by=by)
    return schedule


def fee_schedule_audit(*, schedule: FeeSchedule, before: FeeSchedule | None, by: User = None) -> None:
    """Check a schedule as saved (the admin saves its tiers through inline forms) and record it;
    a schedule whose tiers do not cover every count once fails the whole change."""
    problem = tiers_problem(schedule.tiers.values_list("from_count", "to_count"))
    if problem:
        raise Invalid({"tiers": [problem]})
    audit_record(
        action=AuditAction.FEE_SCHEDULE_SAVE,
        object=object_ref("fee_schedule", schedule.pk),
        by=by,
        detail={
            "changes": field_changes(before, schedule),
            "tiers": [f"{t.from_count}-{t.to_count or ''}: {t.fee}" for t in schedule.tiers.all()],
            "dispositions": {
                r.disposition.code: ("false" if r.is_false else f"not false: {r.reason}")
                for r in schedule.dispositions.select_related("disposition")
            },
        },
    )


@dataclass
class PlannedBill:
    permit: AlarmPermit
    lines: list[AlarmVerdict]

    @property
    def total(self) -> Decimal:
        return sum((line.fee for line in self.lines), ZERO)


@dataclass
class Preview:
    """What a run would bill through a day: a bill per permit, and what it would hold and why."""

    through: date
    bills: list[PlannedBill] = field(default_factory=list)
    held: list[AlarmVerdict] = field(default_factory=list)
    suspension: set[int] = field(default_factory=set)  # permits at the threshold in the current window

    @property
    def total(self) -> Decimal:
        return sum((bill.total for bill in self.bills), ZERO)

    @property
    def alarms(self) -> int:
        return sum(len(bill.lines) for bill in self.bills)


def billing_preview(*, through: date) -> Preview:
    """Every billable alarm up to `through` not billed yet, by permit; held: those with no permit
    on file or whose permit needs a mailing address (never billed blind)."""
    preview = Preview(through=through)
    schedules = fee_schedules()
    if not schedules:
        return preview
    by_permit: dict[int, PlannedBill] = {}
    for verdict in false_alarms(start=min(s.effective_from for s in schedules), end=through):
        if suspension_reached_by(verdict, on=through):
            preview.suspension.add(verdict.permit.pk)
        if not verdict.billable or verdict.bill_number is not None:
            continue
        if verdict.held:
            preview.held.append(verdict)
            continue
        by_permit.setdefault(verdict.permit.pk, PlannedBill(permit=verdict.permit, lines=[])).lines.append(
            verdict
        )
    preview.bills = sorted(by_permit.values(), key=lambda b: b.permit.number)
    return preview


def held_text(verdict: AlarmVerdict) -> dict:
    return {
        "call": verdict.call.number,
        "at": verdict.call.received_at.isoformat(),
        "site": verdict.site,
        "permit": verdict.permit.number if verdict.permit else None,
        "fee": str(verdict.fee),
        "held": verdict.held,
    }


def bills_draft(*, run: BillingRun, planned: list[PlannedBill], schedule: FeeSchedule | None) -> list[Bill]:
    """Draft bills for a batch of permits in one transaction, under the permits' row locks: each with
    the planned lines not billed yet. A permit whose lines another run billed meanwhile, or which lost
    its mailing address since the preview, gets none."""
    with transaction.atomic():
        ids = sorted(plan.permit.pk for plan in planned)
        permits = AlarmPermit.objects.select_for_update().filter(pk__in=ids).order_by("pk").in_bulk()
        calls = [line.call.pk for plan in planned for line in plan.lines]
        taken = set(BillLine.objects.filter(call_id__in=calls).values_list("call_id", flat=True))
        now = timezone.now()
        drafts: list[tuple[Bill, list[AlarmVerdict]]] = []
        for plan in planned:
            permit = permits[plan.permit.pk]
            lines = [line for line in plan.lines if line.call.pk not in taken]
            if permit.needs_address or not lines:
                continue
            total = sum((line.fee for line in lines), ZERO)
            drafts.append(
                (
                    Bill(
                        permit=permit,
                        run=run,
                        status=BillStatus.DRAFT,
                        holder_name=permit.holder_name,
                        mailing_address=permit.holder_mailing_address.strip(),
                        site=permit.site,
                        total=total,
                        amount=total,
                        schedule=schedule or lines[-1].schedule,
                        created_at=now,
                    ),
                    lines,
                )
            )
        if not drafts:
            return []
        bills = Bill.objects.bulk_create([bill for bill, _ in drafts])
        BillLine.objects.bulk_create(
            [
                BillLine(
                    bill=bill,
                    call=line.call,
                    call_number=line.call.number,
                    at=line.call.received_at,
                    count=line.count,
                    fee=line.fee,
                    reason=line.reason,
                )
                for bill, (_, lines) in zip(bills, drafts, strict=True)
                for line in lines
            ]
        )
        audit_record(
            action=AuditAction.BILL_DRAFT,
            object=object_ref("billing_run", run.pk),
            detail={
                "bills": [
                    {
                        "bill": bill.pk,
                        "permit": bill.permit.number,
                        "total": str(bill.total),
                        "calls": [line.call.number for line in lines],
                    }
                    for bill, (_, lines) in zip(bills, drafts, strict=True)
                ]
            },
        )
        for bill, (_, lines) in zip(bills, drafts, strict=True):
            bill.line_count = len(lines)
    return bills


def _next_numbers(year: int, count: int) -> list[str]:
    """`count` bill numbers of the year, in order, under the year's counter row lock."""
    counter = BillNumberCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                BillNumberCounter.objects.create(year=year)
        except IntegrityError:
            pass  # another run made the year's row first
        counter = BillNumberCounter.objects.select_for_update().get(year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"FA-{year}-{n:06d}" for n in range(first, counter.last + 1)]


def bills_issue(*, bill_ids: list[int], on: date) -> list[Bill]:
    """Give drafts their numbers, issue and due dates, in one transaction; those issued already are
    left as they are. Returns the bills issued now."""
    with transaction.atomic():
        bills = list(
            Bill.objects.select_for_update(of=("self",))
            .select_related("schedule", "permit")
            .filter(pk__in=bill_ids, status=BillStatus.DRAFT)
            .order_by("pk")
        )
        if not bills:
            return []
        for bill, number in zip(bills, _next_numbers(on.year, len(bills)), strict=True):
            bill.number = number
            bill.issued_on = on
            bill.due_on = on + timedelta(days=bill.schedule.due_days)
            bill.status = BillStatus.ISSUED
        Bill.objects.bulk_update(bills, ["number", "issued_on", "due_on", "status"])
        for bill in bills:
            audit_record(
                action=AuditAction.BILL_ISSUE,
                object=object_ref("bill", bill.pk),
                detail={
                    "number": bill.number,
                    "permit": bill.permit.number,
                    "total": str(bill.total),
                    "due": bill.due_on.isoformat(),
                },
            )
    return bills


def billing_run(*, through: date | None = None, by: User = None, on: date | None = None) -> BillingRun:
    """Bill every billable alarm up to `through` (yesterday by default) not billed yet: a draft per
    permit, then every draft issued and its notice emailed. Progress is kept on the run as it goes."""
    on = on or timezone.localdate()
    through = through or on - timedelta(days=1)
    run = BillingRun.objects.create(through=through, started_at=timezone.now(), started_by=actor(by))
    figures = {"permits_done": 0, "bills_created": 0, "alarms_billed": 0, "total_billed": ZERO}
    try:
        preview = billing_preview(through=through)
        run.permits_total = len(preview.bills)
        run.held = [held_text(v) for v in preview.held]
        run.save(update_fields=["permits_total", "held"])
        # The notice's terms (due and appeal days) are the ordinance's as it reads on the day of issue.
        schedule = schedule_in_effect(fee_schedules(), on)
        for first in range(0, len(preview.bills), RUN_BATCH):
            batch = preview.bills[first : first + RUN_BATCH]
            bills = bills_draft(run=run, planned=batch, schedule=schedule)
            figures["permits_done"] += len(batch)
            figures["bills_created"] += len(bills)
            figures["alarms_billed"] += sum(bill.line_count for bill in bills)
            figures["total_billed"] += sum((bill.total for bill in bills), ZERO)
            BillingRun.objects.filter(pk=run.pk).update(**figures)
        # Drafts a killed run left are issued too: each bill reaches its holder once, numbered.
        drafts = list(
            Bill.objects.filter(status=BillStatus.DRAFT).order_by("pk").values_list("pk", flat=True)
        )
        issued: list[Bill] = []
        for first in range(0, len(drafts), RUN_BATCH):
            issued += bills_issue(bill_ids=drafts[first : first + RUN_BATCH], on=on)
            BillingRun.objects.filter(pk=run.pk).update(bills_issued=len(issued))
        notices = NoticeSending.objects.filter(kind=SendingKind.NOTICE)
        unsent = (
            Bill.objects.filter(pk__in=notices.filter(outcome=SendingOutcome.FAILED).values("bill"))
            .exclude(pk__in=notices.filter(outcome=SendingOutcome.SENT).values("bill"))
            .select_related("permit")
            .distinct()
        )
        bill_notices_email(bills=[*issued, *unsent])
        alarm_permits_flag_for_suspension(
            permit_ids=preview.suspension, on=on,
            reason=f"false alarms reached the ordinance's suspension threshold (billing run {run.pk})")
        BillingRun.objects.filter(pk=run.pk).update(
            **figures, bills_issued=len(issued), status=RunStatus.DONE, finished_at=timezone.now()
        )
    except Exception as error:
        BillingRun.objects.filter(pk=run.pk).update(
            **figures, status=RunStatus.FAILED, error=repr(error)[:2000], finished_at=timezone.now()
        )
        audit_record(
            action=AuditAction.BILLING_RUN,
            object=object_ref("billing_run", run.pk),
            by=by,
            outcome=Outcome.FAILED,
            detail={"through": through.isoformat(), "error": repr(error)[:500]},
        )
        raise
    run.refresh_from_db()
    audit_record(
        action=AuditAction.BILLING_RUN,
        object=object_ref("billing_run", run.pk),
        by=by,
        detail={
            "through": through.isoformat(),
            "bills_created": run.bills_created,
            "bills_issued": run.bills_issued,
            "alarms_billed": run.alarms_billed,
            "total_billed": str(run.total_billed),
            "held": len(run.held),
        },
    )
    return run


def _locked(bill: Bill) -> Bill:
    return Bill.objects.select_for_update().select_related("schedule").get(pk=bill.pk)


def _text(value: str | None, name: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid({name: [what]})
    return text


def money_value(value, name: str = "amount") -> Decimal:
    """An amount of money as given (text or number): two decimals at most, never negative."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise Invalid({name: ["Give an amount of money, e.g. 50.00."]}) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise Invalid({name: ["Give an amount of money with at most two decimals, e.g. 50.00."]})
    if amount < 0:
        raise Invalid({name: ["An amount cannot be negative."]})
    if amount >= Decimal("100000000"):
        raise Invalid({name: ["That amount is too large."]})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def bill_appeal(*, bill: Bill, reason: str, by: User = None, on: date | None = None) -> Appeal:
    """A holder's written appeal, filed by a clerk within the schedule's window: the fee is held."""
    reason = _text(reason, "reason", "Say why the holder appeals.")
    bill = _locked(bill)
    on = on or timezone.localdate()
    if bill.status == BillStatus.DRAFT:
        raise Invalid({"detail": "This bill is not issued yet: there is nothing to appeal."})
    if Appeal.objects.filter(bill=bill).exists():
        raise Invalid({"detail": "This bill has been appealed already; one appeal a bill."})
    if bill.status in (BillStatus.PAID, BillStatus.WAIVED):
        raise Invalid({"detail": f"This bill is {bill.status}: there is nothing to appeal."})
    last_day = appeal_last_day(bill)
    if on > last_day:
        raise Invalid(
            {
                "reason": [
                    f"The appeal window closed on {last_day:%Y-%m-%d}: an appeal is filed within "
                    f"{bill.schedule.appeal_days} days of the notice ({bill.issued_on:%Y-%m-%d})."
                ]
            }
        )
    appeal = Appeal.objects.create(bill=bill, reason=reason, filed_at=timezone.now(), filed_by=actor(by))
    before = bill.status
    bill.status = BillStatus.APPEALED
    bill.save(update_fields=["status", "updated_at"])
    audit_record(
        action=AuditAction.BILL_APPEAL,
        object=object_ref("bill", bill.pk),
        by=by,
        detail={"number": bill.number, "reason": reason, "status": [before, bill.status]},
    )
    return appeal


def _settled_status(bill: Bill) -> str:
    return BillStatus.PAID if bill.balance <= 0 else BillStatus.ISSUED


@transaction.atomic
def bill_decide(*, bill: Bill, outcome: str, reason: str, amount=None, by: User = None) -> Bill:
    """A supervisor's decision on an open appeal: upheld (owed as billed), waived (nothing more is
    owed) or reduced (to `amount`)."""
    bill = _locked(bill)
    appeal = Appeal.objects.filter(bill=bill, outcome="").select_for_update().first()
    if bill.status != BillStatus.APPEALED or appeal is None:
        raise Invalid({"detail": "This bill is not under appeal: only an appealed bill is decided."})
    if outcome not in AppealOutcome.values:
        raise Invalid({"outcome": [f"One of {', '.join(AppealOutcome.values)}."]})
    reason = _text(reason, "reason", "Give the reason for the decision.")
    before = {"amount": str(bill.amount), "status": bill.status}
    if outcome == AppealOutcome.REDUCED:
        if amount is None or amount == "":
            raise Invalid({"amount": ["A reduction names the amount now owed."]})
        reduced = money_value(amount)
        if reduced >= bill.amount:
            raise Invalid({"amount": [f"A reduction is less than the {dollars(bill.amount)} billed."]})
        if reduced < bill.paid:
            raise Invalid({"amount": [f"{dollars(bill.paid)} is paid already; the amount cannot be less."]})
        bill.amount = reduced
        appeal.amount = reduced
    elif outcome == AppealOutcome.WAIVED:
        bill.amount = bill.paid  # what was paid stays paid; nothing more is owed
        bill.late_fee = ZERO
        appeal.amount = bill.amount
    bill.status = BillStatus.WAIVED if outcome == AppealOutcome.WAIVED else _settled_status(bill)
    bill.save(update_fields=["amount", "late_fee", "status", "updated_at"])
    appeal.outcome = outcome
    appeal.decision_reason = reason
    appeal.decided_at = timezone.now()
    appeal.decided_by = actor(by)
    appeal.save()
    audit_record(
        action=AuditAction.BILL_DECISION,
        object=object_ref("bill", bill.pk),
        by=by,
        detail={
            "number": bill.number,
            "outcome": outcome,
            "reason": reason,
            "before": before,
            "after": {"amount": str(bill.amount), "status": bill.status},
        },
    )
    return bill


@transaction.atomic
def bill_payment_add(*, bill: Bill, amount, method: str, reference: str = "", by: User = None) -> Payment:
    """Money received against an issued bill: partial payments add up; more than the balance is refused."""
    value = money_value(amount)
    if value == 0:
        raise Invalid({"amount": ["A payment is more than 0.00."]})
    if method not in PaymentMethod.values:
        raise Invalid({"method": [f"One of {', '.join(PaymentMethod.values)}."]})
    bill = _locked(bill)
    if bill.status == BillStatus.DRAFT:
        raise Invalid({"detail": "This bill is not issued yet: nothing is owed on it."})
    if value > bill.balance:
        raise Invalid({"amount": [f"More than the balance of {dollars(bill.balance)}."]})
    payment = Payment.objects.create(
        bill=bill,
        amount=value,
        method=method,
        reference=(reference or "").strip(),
        received_at=timezone.now(),
        received_by=actor(by),
    )
    bill.paid += value
    if bill.status != BillStatus.APPEALED and bill.balance <= 0:
        bill.status = BillStatus.PAID
    bill.save(update_fields=["paid", "status", "updated_at"])
    audit_record(
        action=AuditAction.BILL_PAYMENT,
        object=object_ref("bill", bill.pk),
        by=by,
        detail={
            "number": bill.number,
            "amount": str(value),
            "method": method,
            "reference": payment.reference,
            "balance": str(bill.balance),
        },
    )
    return payment


def bills_overdue_mark(*, on: date | None = None) -> int:
    """Issued bills past their due day with a balance become overdue, and carry the schedule's late
    fee once; appealed bills wait for the decision. Then each overdue bill's holder is sent its
    reminder (bill_reminders_email). Returns how many bills became overdue."""
    on = on or timezone.localdate()
    marked = 0
    for pk in Bill.objects.filter(status=BillStatus.ISSUED, due_on__lt=on).values_list("pk", flat=True):
        with transaction.atomic():
            bill = Bill.objects.select_for_update().select_related("schedule").get(pk=pk)
            if bill.status != BillStatus.ISSUED or bill.balance <= 0:
                continue
            bill.status = BillStatus.OVERDUE
            bill.late_fee = bill.schedule.late_fee
            bill.save(update_fields=["status", "late_fee", "updated_at"])
            audit_record(
                action=AuditAction.BILL_OVERDUE,
                object=object_ref("bill", bill.pk),
                detail={"number": bill.number, "late_fee": str(bill.late_fee), "balance": str(bill.balance)},
            )
            marked += 1
    bill_reminders_email()
    return marked


def bill_reminders_email() -> int:
    """Email the overdue reminder (the notice titled as a reminder, with the late fee and the new
    balance) to the holder of each overdue bill not reminded yet, when the permit has an email
    address; every sending is recorded and audited. A reminder the mail server refused is tried
    again by the next call; one for a permit with no email address is recorded once as not sent and
    goes out when an address is added. A bill is reminded once, whatever reruns or overlaps: the
    bill's row lock is held while its reminder is sent. Returns how many were sent."""
    reminders = NoticeSending.objects.filter(kind=SendingKind.REMINDER)
    pending = (
        Bill.objects.filter(status=BillStatus.OVERDUE)
        .exclude(pk__in=reminders.filter(outcome=SendingOutcome.SENT).values("bill"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in pending:
        with transaction.atomic():
            bill = Bill.objects.select_for_update().select_related("schedule", "permit").get(pk=pk)
            earlier = list(reminders.filter(bill=bill).values_list("outcome", flat=True))
            to = bill.permit.holder_email.strip()
            if bill.status != BillStatus.OVERDUE or SendingOutcome.SENT in earlier:
                continue
            if not to:
                if SendingOutcome.NO_EMAIL in earlier:
                    continue  # recorded as not sent already; the paper notice is the clerks' to mail
                outcome, error = SendingOutcome.NO_EMAIL, ""
            else:
                outcome, error = _reminder_send(bill, to)
                sent += outcome == SendingOutcome.SENT
            NoticeSending.objects.create(
                bill=bill, kind=SendingKind.REMINDER, to=to, at=timezone.now(), outcome=outcome, error=error
            )
            audit_record(
                action=AuditAction.BILL_REMINDER_EMAIL,
                object=object_ref("bill", bill.pk),
                outcome=Outcome.OK if outcome == SendingOutcome.SENT else Outcome.FAILED,
                detail={
                    "number": bill.number,
                    "to": to,
                    "outcome": outcome,
                    "late_fee": str(bill.late_fee),
                    "balance": str(bill.balance),
                    "error": error,
                },
            )
    return sent


def _reminder_send(bill: Bill, to: str) -> tuple[str, str]:
    return _mail(
        to, subject=f"Overdue: false alarm bill {bill.number} for {bill.site}",
        body=(
            f"{bill.holder_name},\n\nFalse alarm bill {bill.number} for {bill.site} (alarm permit "
            f"{bill.permit.number}) was due {bill.due_on:%Y-%m-%d} and is overdue. A late fee of "
            f"{dollars(bill.late_fee)} has been added: the balance is now {dollars(bill.balance)}. "
            f"The attached reminder says how to pay.\n\n{settings.CAD_BILLING_SENDER_NAME}\n"
        ),
        attachment=(f"{bill.number}-overdue.pdf", reminder_pdf(bill)),
    )


def _mail(to: str, *, subject: str, body: str, attachment: tuple[str, bytes]) -> tuple[str, str]:
    """One email to a holder with its PDF: (outcome, error). A mail server's refusal is recorded by
    the caller, and the next run tries again."""
    message = EmailMessage(subject=subject, to=[to], from_email=settings.DEFAULT_FROM_EMAIL, body=body)
    message.attach(*attachment, "application/pdf")
    try:
        message.send()
    except Exception as failure:
        return SendingOutcome.FAILED, repr(failure)[:500]
    return SendingOutcome.SENT, ""


def bill_notices_email(*, bills: list[Bill]) -> int:
    """Email each issued bill's notice (the PDF attached) to its holder when the permit has an email
    address and it was not sent already; every sending, sent or failed, is recorded. Returns how
    many were sent."""
    sent = 0
    for bill in bills:
        to = bill.permit.holder_email.strip()
        if (
            not to
            or bill.status == BillStatus.DRAFT
            or NoticeSending.objects.filter(
                bill=bill, kind=SendingKind.NOTICE, outcome=SendingOutcome.SENT
            ).exists()
        ):
            continue
        outcome, error = _mail(
            to, subject=f"False alarm bill {bill.number} for {bill.site}",
            body=(
                f"{bill.holder_name},\n\nThe attached notice bills {dollars(bill.total)} for false alarms at "
                f"{bill.site} (alarm permit {bill.permit.number}), due {bill.due_on:%Y-%m-%d}. "
                f"It says how to pay and how to appeal.\n\n{settings.CAD_BILLING_SENDER_NAME}\n"
            ),
            attachment=(f"{bill.number}.pdf", bill_pdf(bill)),
        )
        sent += outcome == SendingOutcome.SENT
        with transaction.atomic():
            NoticeSending.objects.create(bill=bill, to=to, at=timezone.now(), outcome=outcome, error=error)
            audit_record(
                action=AuditAction.BILL_NOTICE_EMAIL,
                object=object_ref("bill", bill.pk),
                outcome=Outcome.OK if outcome == SendingOutcome.SENT else Outcome.FAILED,
                detail={"number": bill.number, "to": to, "error": error},
            )
    return sent
