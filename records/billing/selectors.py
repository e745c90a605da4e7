"""Which alarm calls are false, how each counts in its window and what it costs, in words.

One home for the ordinance's arithmetic: the false-alarm list (API and admin), the billing run's
preview and the run itself all read it here. Alarms are taken in the order they came in, per site
(its permit, or the address when there is none); an alarm within the schedule's hours of the last
counted one at that site is counted once; the count in the window picks the tier.
"""

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch
from django.utils import timezone

from calls.choices import CallStatus
from calls.models import Call
from calls.selectors import call_place
from premises.choices import Occupancy, PermitStatus
from premises.models import AlarmPermit
from premises.selectors import alarm_permit_choose, alarm_permits_at_places
from records.billing.choices import BillStatus, CountingWindow
from records.billing.models import ZERO, Bill, BillLine, FeeSchedule, FeeTier, ScheduleDisposition

CENT = Decimal("0.01")
NO_PERMIT = "no permit on file"
NEEDS_ADDRESS = "needs address"
PLACES_AT_ONCE = 500  # distinct alarm sites looked up in one query


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def dollars(amount: Decimal) -> str:
    return f"${amount:,.2f}"


@dataclass
class AlarmVerdict:
    """One alarm call as the ordinance reads it."""

    call: Call
    site: str
    permit: AlarmPermit | None
    schedule: FeeSchedule | None
    is_false: bool = False
    count: int | None = None  # its count in the window; None when it is not counted
    fee: Decimal = ZERO
    reason: str = ""
    suspension: bool = False  # the count reached the schedule's suspension threshold
    bill_number: str | None = None  # the bill it is on, once billed (a draft's is "")

    @property
    def billable(self) -> bool:
        return self.fee > 0

    @property
    def held(self) -> str:
        """Why it cannot be billed now, or ""."""
        if not self.billable:
            return ""
        if self.permit is None:
            return NO_PERMIT
        return NEEDS_ADDRESS if self.permit.needs_address else ""


@dataclass
class _Site:
    counted: list[datetime] = field(default_factory=list)  # times of the counted false alarms, in order


def schedule_in_effect(schedules: list[FeeSchedule], on: date) -> FeeSchedule | None:
    """The schedule in effect on a day: the latest one effective by then (`schedules` newest first)."""
    return next((s for s in schedules if s.effective_from <= on), None)


def fee_schedules() -> list[FeeSchedule]:
    """Every schedule, newest first, with its tiers and dispositions."""
    return list(
        FeeSchedule.objects.prefetch_related(
            Prefetch("tiers", queryset=FeeTier.objects.order_by("from_count")),
            Prefetch("dispositions", queryset=ScheduleDisposition.objects.select_related("disposition")),
        ).order_by("-effective_from")
    )


def _window_start(schedule: FeeSchedule, permit: AlarmPermit | None, at: datetime) -> datetime:
    day = timezone.localdate(at)
    if schedule.window == CountingWindow.ROLLING_DAYS:
        return at - timedelta(days=schedule.window_days or 365)
    if schedule.window == CountingWindow.PERMIT_YEAR and permit is not None:
        issued = permit.issued_on
        start = _anniversary(issued, day.year)
        if start > day:
            start = _anniversary(issued, day.year - 1)
    else:
        start = date(day.year, 1, 1)
    return timezone.make_aware(datetime.combine(start, time.min))


def window_of(permit: AlarmPermit, on: date) -> tuple[date, date]:
    """The days of the counting window `on` falls in, by the schedule in effect then."""
    schedule = schedule_in_effect(fee_schedules(), on)
    moment = timezone.make_aware(datetime.combine(on, time(12)))
    start = _window_start(schedule, permit, moment) if schedule else moment - timedelta(days=365)
    return timezone.localdate(start), on


def _anniversary(issued: date, year: int) -> date:
    try:
        return issued.replace(year=year)
    except ValueError:  # 29 February
        return date(year, 3, 1)


def _lookback(schedules: list[FeeSchedule]) -> timedelta:
    """How far before the first day asked the counting must start, so counts are whole."""
    days = max([366, *[s.window_days or 0 for s in schedules]])
    hours = max([24, *[s.counted_once_hours for s in schedules]])
    return timedelta(days=days, hours=hours)


def _tier_fee(schedule: FeeSchedule, count: int) -> Decimal:
    for tier in schedule.tiers.all():
        if tier.from_count <= count and (tier.to_count is None or count <= tier.to_count):
            return tier.fee
    return ZERO


def _window_words(schedule: FeeSchedule) -> str:
    if schedule.window == CountingWindow.ROLLING_DAYS:
        return f"in {schedule.window_days} days"
    return "this permit year"  # a calendar-year ordinance's permit year is the calendar year


def suspension_reached_by(verdict: AlarmVerdict, *, on: date) -> bool:
    """The alarm took its permit to the suspension threshold in the counting window `on` is in."""
    if not verdict.suspension or verdict.permit is None:
        return False
    at = timezone.make_aware(datetime.combine(on, time.max))
    return verdict.call.received_at >= _window_start(verdict.schedule, verdict.permit, at)


def _judge(verdict: AlarmVerdict, state: _Site) -> None:
    call, schedule, permit = verdict.call, verdict.schedule, verdict.permit
    if schedule is None:
        verdict.reason = "no fee schedule in effect: not billed"
        return
    rules = {rule.disposition_id: rule for rule in schedule.dispositions.all()}
    rule = rules.get(call.disposition_id)
    if rule is None or not rule.is_false:
        words = rule.reason if rule else f"disposition {call.disposition.code} {call.disposition.description}"
        verdict.reason = f"{words}: not false"
        return
    verdict.is_false = True
    at = call.received_at
    if state.counted and at - state.counted[-1] < timedelta(hours=schedule.counted_once_hours):
        verdict.reason = f"within {schedule.counted_once_hours} h of the last: counted once"
        return
    start = _window_start(schedule, permit, at)
    count = len(state.counted) - bisect.bisect_left(state.counted, start) + 1
    state.counted.append(at)
    verdict.count = count
    verdict.suspension = count >= schedule.suspension_threshold
    nth = f"{ordinal(count)} false alarm {_window_words(schedule)}"
    day = timezone.localdate(at)
    if permit is None:
        verdict.fee = schedule.no_permit_fee
        verdict.reason = f"{nth}, no alarm permit: {_fee_words(verdict.fee)}"
        return
    standing = permit.standing(day)
    if standing != PermitStatus.ACTIVE:
        verdict.fee = schedule.no_permit_fee
        verdict.reason = f"{nth}, permit {standing}: {_fee_words(verdict.fee)}"
        return
    factor = (
        schedule.business_factor if permit.occupancy == Occupancy.BUSINESS else schedule.residential_factor
    )
    verdict.fee = (_tier_fee(schedule, count) * factor).quantize(CENT, rounding=ROUND_HALF_UP)
    verdict.reason = f"{nth}: {_fee_words(verdict.fee)}"


def _fee_words(fee: Decimal) -> str:
    return dollars(fee) if fee > 0 else "free"


def _alarm_calls(since: datetime, until: datetime):
    return (
        Call.objects.filter(
            call_type__is_alarm=True,
            status=CallStatus.CLOSED,
            disposition__isnull=False,
            received_at__gte=since,
            received_at__lt=until,
        )
        .select_related("disposition", "call_type")
        .only(
            "id",
            "number",
            "received_at",
            "address",
            "lat",
            "lon",
            "beat_id",
            "location_verified",
            "address_point_id",
            "disposition__code",
            "disposition__description",
            "call_type__code",
        )
        .order_by("received_at", "pk")
    )


def _permits_of(calls: list[Call]) -> dict[int, AlarmPermit | None]:
    """Each call's alarm permit as it stood the day the call came in: the permits at each distinct
    place are read once (a site has many alarms), then one is chosen for each call's day."""
    places: dict[tuple, list[Call]] = defaultdict(list)
    for call in calls:
        places[(call.address_point_id, call.address, call.lat, call.lon)].append(call)
    keys = list(places)
    found: dict[int, AlarmPermit | None] = {}
    for first in range(0, len(keys), PLACES_AT_ONCE):
        chunk = keys[first:first + PLACES_AT_ONCE]
        candidates = alarm_permits_at_places([call_place(places[key][0]) for key in chunk])
        for key, permits in zip(chunk, candidates, strict=True):
            for call in places[key]:
                found[call.pk] = alarm_permit_choose(permits, on=timezone.localdate(call.received_at))
    return found


def false_alarms(*, start: date, end: date, permit: AlarmPermit | None = None) -> list[AlarmVerdict]:
    """Every closed alarm call received from `start` to `end` (days, inclusive), oldest first, as the
    schedule in effect that day reads it; with `permit`, only that permit's."""
    schedules = fee_schedules()
    day_start = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    calls = list(_alarm_calls(day_start - _lookback(schedules), until))
    permits = _permits_of(calls)
    sites: dict[object, _Site] = defaultdict(_Site)
    verdicts = []
    for call in calls:
        holder = permits[call.pk]
        key = ("permit", holder.pk) if holder else ("site", call.address_point_id or call.address)
        verdict = AlarmVerdict(
            call=call,
            site=holder.site if holder else call.address,
            permit=holder,
            schedule=schedule_in_effect(schedules, timezone.localdate(call.received_at)),
        )
        _judge(verdict, sites[key])
        if call.received_at >= day_start and (
            permit is None or (holder is not None and holder.pk == permit.pk)
        ):
            verdicts.append(verdict)
    billed = dict(
        BillLine.objects.filter(call_id__in=[v.call.pk for v in verdicts if v.billable]).values_list(
            "call_id", "bill__number"
        )
    )
    for verdict in verdicts:
        if verdict.call.pk in billed:
            verdict.bill_number = billed[verdict.call.pk] or ""
    return verdicts


def unpaid_before(bill: Bill) -> Decimal:
    """What the holder still owes on the permit's earlier bills; a fee held under appeal is not owed yet."""
    earlier = Bill.objects.filter(permit_id=bill.permit_id, pk__lt=bill.pk).exclude(
        status__in=[BillStatus.DRAFT, BillStatus.PAID, BillStatus.WAIVED, BillStatus.APPEALED]
    )
    return sum((b.balance for b in earlier), ZERO)


def appeal_last_day(bill: Bill) -> date | None:
    """The last day an appeal of the bill may be filed: the schedule's days after the notice."""
    return bill.issued_on + timedelta(days=bill.schedule.appeal_days) if bill.issued_on else None
