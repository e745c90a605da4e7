"""The demo city's false-alarm ordinance: Blue Springs, MO, §210.050, loaded as data."""

from datetime import date
from decimal import Decimal

from calls.models import Disposition
from records.billing.choices import CountingWindow
from records.billing.models import FeeSchedule, FeeTier, ScheduleDisposition, tiers_problem

BLUE_SPRINGS = "Blue Springs §210.050 (false alarms)"
TIERS = [(1, 3, "0.00"), (4, 6, "50.00"), (7, 9, "75.00"), (10, None, "100.00")]
# (disposition, false?, in words): how the ordinance reads each way an alarm call can end.
DISPOSITIONS = [
    ("FAB", True, "no cause found"),
    ("20", True, "building secure, no cause found"),
    ("17", False, "weather, power or utility failure"),
    ("ACX", False, "cancelled by the alarm company before dispatch"),
    ("01", False, "a real crime (report taken)"),
    ("03", False, "a real crime (arrest)"),
]


def seed_fee_schedule() -> FeeSchedule:
    """The Blue Springs schedule, once: per calendar year 1–3 free, 4–6 $50, 7–9 $75, 10+ $100; an
    existing one is the center's own settings, never overwritten. Loaded as the demo's other reference
    data is, not as a supervisor's change on the audit trail."""
    existing = FeeSchedule.objects.filter(name=BLUE_SPRINGS).first()
    if existing is not None:
        return existing
    assert tiers_problem([(start, end) for start, end, _ in TIERS]) is None
    codes = [code for code, _, _ in DISPOSITIONS]
    dispositions = {d.code: d for d in Disposition.objects.filter(code__in=codes)}
    schedule = FeeSchedule.objects.create(
        name=BLUE_SPRINGS, effective_from=date(2020, 1, 1), window=CountingWindow.CALENDAR_YEAR,
        counted_once_hours=24, appeal_days=10, due_days=30, late_fee=Decimal("25.00"),
        suspension_threshold=10, residential_factor=Decimal("1.00"), business_factor=Decimal("1.00"),
        no_permit_fee=Decimal("100.00"),
        appeal_instructions=(
            "To appeal, write to the Chief of Police, Demo City Police Department, 1100 MAIN ST, "
            "DEMO CITY MO 64015, within 10 days of the date of this notice, giving the bill number and "
            "why the alarm was not false. The fee is held while the appeal is decided."),
        payment_instructions=(
            "Pay by check to the City of Demo City, at the Police Department records desk, "
            "or by card by calling 816-555-0150. Write the bill number on your check."),
    )
    FeeTier.objects.bulk_create([FeeTier(schedule=schedule, from_count=start, to_count=end, fee=Decimal(fee))
                                 for start, end, fee in TIERS])
    ScheduleDisposition.objects.bulk_create([
        ScheduleDisposition(schedule=schedule, disposition=dispositions[code], is_false=false, reason=words)
        for code, false, words in DISPOSITIONS if code in dispositions])
    return schedule
