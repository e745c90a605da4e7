"""False-alarm billing's tables: the fee schedule (the ordinance as data), runs, bills and their lines,
appeals and payments. Registered with the records app through records/models.py."""

from collections.abc import Iterable
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from cad.history import AppendOnlyModel
from calls.models import Call, Disposition
from premises.models import AlarmPermit
from records.billing.choices import (
    AppealOutcome,
    BillStatus,
    CountingWindow,
    PaymentMethod,
    RunStatus,
    SendingKind,
    SendingOutcome,
)

ZERO = Decimal("0.00")


def money(**kwargs) -> models.DecimalField:
    return models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)], **kwargs
    )


def tiers_problem(tiers: Iterable[tuple[int | None, int | None]]) -> str | None:
    """What is wrong with a schedule's tiers (count from, count to; to empty = and above), or None.
    Every count from 1 up must fall in exactly one tier: no overlap, no gap, the last one open."""
    ranges = sorted(tiers, key=lambda tier: tier[0] or 0)
    if not ranges:
        return "Give at least one tier (e.g. from 1, to empty, fee 0.00)."
    expected = 1
    for index, (start, end) in enumerate(ranges):
        if start is None or start < 1:
            return "Each tier counts from 1 or more."
        if end is not None and end < start:
            return f"The tier from {start} ends at {end}, before it starts."
        if start < expected:
            return f"The tier from {start} overlaps the one before it (which goes to {expected - 1})."
        if start > expected:
            return f"Alarms {expected} to {start - 1} are in no tier: the tiers leave a gap."
        if end is None and index < len(ranges) - 1:
            return f"Only the last tier may be open-ended; the tier from {start} has no end."
        expected = (end or 0) + 1
    if ranges[-1][1] is not None:
        return f"The last tier must be open-ended (from {ranges[-1][0]}, to empty): it prices all after."
    return None


class FeeSchedule(models.Model):
    """A false-alarm ordinance as it reads from its effective date until the next schedule's."""

    name = models.CharField(max_length=200, help_text="e.g. Blue Springs §210.050")
    effective_from = models.DateField(unique=True, help_text="Alarms received on or after this day")
    window = models.CharField(
        max_length=16,
        choices=CountingWindow.choices,
        default=CountingWindow.CALENDAR_YEAR,
        help_text="Over what false alarms are counted",
    )
    window_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="With a rolling window: its number of days"
    )
    counted_once_hours = models.PositiveIntegerField(
        default=24, help_text="Alarms from one site within this many hours of the last counted one count once"
    )
    appeal_days = models.PositiveIntegerField(default=10, help_text="Days after the notice to file an appeal")
    due_days = models.PositiveIntegerField(default=30, help_text="Days after the notice the bill is due")
    late_fee = money(default=ZERO, help_text="Added once when a bill becomes overdue")
    suspension_threshold = models.PositiveIntegerField(
        default=10,
        help_text="After this many false alarms in the window the permit is flagged for suspension",
    )
    residential_factor = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("1.00"), validators=[MinValueValidator(ZERO)]
    )
    business_factor = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("1.00"), validators=[MinValueValidator(ZERO)]
    )
    no_permit_fee = money(default=ZERO, help_text="Each false alarm at a site without a valid permit")
    appeal_instructions = models.TextField(blank=True, help_text="How to appeal, as printed on the notice")
    payment_instructions = models.TextField(
        blank=True, help_text="Where and how to pay, as printed on the notice"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(late_fee__gte=0)
                & Q(no_permit_fee__gte=0)
                & Q(residential_factor__gte=0)
                & Q(business_factor__gte=0),
                name="feeschedule_money_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(window=CountingWindow.ROLLING_DAYS) | Q(window_days__gte=1),
                name="feeschedule_rolling_window_has_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_from:%Y-%m-%d})"


class FeeTier(models.Model):
    """Alarms `from_count` to `to_count` (or more, when empty) in the window cost `fee` each."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="tiers")
    from_count = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    to_count = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: and every one after")
    fee = money()

    class Meta:
        ordering = ["schedule", "from_count"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "from_count"], name="feetier_one_start"),
            models.CheckConstraint(
                condition=Q(from_count__gte=1) & Q(fee__gte=0), name="feetier_counts_and_fee"
            ),
            models.CheckConstraint(
                condition=Q(to_count__isnull=True) | Q(to_count__gte=F("from_count")),
                name="feetier_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_count}–{self.to_count or '…'}: {self.fee}"


class ScheduleDisposition(models.Model):
    """How the schedule reads a disposition on an alarm call: false (counted), or not false and why."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="dispositions")
    disposition = models.ForeignKey(Disposition, on_delete=models.PROTECT, related_name="+")
    is_false = models.BooleanField(help_text="A false alarm, counted and billed by the tiers")
    reason = models.CharField(max_length=100, help_text='In words, e.g. "no cause found", "weather"')

    class Meta:
        ordering = ["schedule", "disposition__code"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "disposition"], name="scheduledisposition_once")
        ]

    def __str__(self) -> str:
        return f"{self.disposition.code}: {'false' if self.is_false else 'not false'} ({self.reason})"


class BillingRun(models.Model):
    """One billing run (the monthly task or `manage.py billing_run`), with its progress."""

    through = models.DateField(help_text="Alarms received up to and including this day")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    permits_total = models.PositiveIntegerField(default=0, help_text="Permits with something to bill")
    permits_done = models.PositiveIntegerField(default=0)
    bills_created = models.PositiveIntegerField(default=0)
    bills_issued = models.PositiveIntegerField(default=0)
    alarms_billed = models.PositiveIntegerField(default=0)
    total_billed = money(default=ZERO)
    held = models.JSONField(default=list, blank=True, help_text="What was not billed, and why")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Run {self.pk} through {self.through:%Y-%m-%d} ({self.status})"

    @property
    def progress(self) -> float:
        return 1.0 if not self.permits_total else round(self.permits_done / self.permits_total, 3)


class BillNumberCounter(models.Model):
    """The last bill number handed out in a year; its row lock keeps numbers unique and gap-free."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Bill(models.Model):
    """A false-alarm bill to a permit holder: drafted by a run, then issued with a number and dates."""

    number = models.CharField(max_length=20, unique=True, null=True, blank=True, help_text="FA-YYYY-NNNNNN")
    permit = models.ForeignKey(AlarmPermit, on_delete=models.PROTECT, related_name="bills")
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.PROTECT, related_name="bills")
    run = models.ForeignKey(
        BillingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="bills"
    )
    status = models.CharField(
        max_length=10, choices=BillStatus.choices, default=BillStatus.DRAFT, db_index=True
    )
    holder_name = models.CharField(max_length=128)
    mailing_address = models.TextField()
    site = models.CharField(max_length=200)
    total = money(help_text="The sum of the lines, as billed")
    amount = money(help_text="What is owed: the total, or what an appeal's decision left")
    paid = money(default=ZERO)
    late_fee = money(default=ZERO)
    created_at = models.DateTimeField()
    issued_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(amount__gte=0) & Q(paid__gte=0) & Q(late_fee__gte=0),
                name="bill_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(paid__lte=F("amount") + F("late_fee")), name="bill_not_paid_over_amount"
            ),
            models.CheckConstraint(condition=Q(amount__lte=F("total")), name="bill_amount_within_total"),
            models.CheckConstraint(
                condition=Q(status=BillStatus.DRAFT)
                | Q(number__isnull=False, issued_on__isnull=False, due_on__isnull=False),
                name="bill_issued_has_number_and_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"draft {self.pk}"

    @property
    def balance(self) -> Decimal:
        return self.amount + self.late_fee - self.paid


class BillLine(models.Model):
    """One billed alarm call; a call is billed on one line of one bill, ever."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines")
    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="bill_line")
    call_number = models.CharField(max_length=16)
    at = models.DateTimeField(help_text="When the alarm call was received")
    count = models.PositiveIntegerField(help_text="Its count in the window")
    fee = money()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(fee__gte=0), name="billline_fee_not_negative")]

    def __str__(self) -> str:
        return f"{self.call_number} {self.fee}"


class Appeal(models.Model):
    """A holder's written appeal of a bill, filed by a clerk; decided by a supervisor."""

    bill = models.OneToOneField(Bill, on_delete=models.PROTECT, related_name="appeal")
    reason = models.TextField()
    filed_at = models.DateTimeField()
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=AppealOutcome.choices, blank=True)
    amount = money(null=True, blank=True, help_text="What is owed after a reduction")
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Appeal of {self.bill} ({self.outcome or 'open'})"


class Payment(AppendOnlyModel):
    """Money received against a bill; never changed or removed (a refund would be its own record)."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(max_length=100, blank=True, help_text="Check number, card receipt, …")
    received_at = models.DateTimeField()
    # A plain reference, as the audit trail keeps: removing an account must not rewrite a payment.
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]
        triggers = [pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.amount} by {self.method} on {self.received_at:%Y-%m-%d}"


class NoticeSending(AppendOnlyModel):
    """One emailing of a bill's notice, or of its overdue reminder, to its holder, and how it went
    (a reminder for a permit with no email address is recorded as not sent); kept, never changed."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="sendings")
    kind = models.CharField(max_length=10, choices=SendingKind.choices, default=SendingKind.NOTICE)
    to = models.EmailField(blank=True)
    at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=SendingOutcome.choices)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        triggers = [pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.bill} {self.kind} to {self.to or '(no email address)'} ({self.outcome})"


class FalseAlarmCall(Call):
    """Alarm calls as false-alarm billing reads them (the admin's false-alarm list)."""

    class Meta:
        proxy = True
        verbose_name = "false alarm"
        verbose_name_plural = "false alarms"
