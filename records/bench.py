"""False-alarm billing's figures for `manage.py bench --billing`: a billing run over 10,000 permits and
50,000 alarm calls, and the PDF of 1,000 notices, each with its time and the growth of peak memory."""

import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.db import connection
from django.utils import timezone

from calls.bench import _peak_rss_kib, _peak_rss_reset
from calls.choices import CallStatus
from calls.models import Call, CallType, Disposition
from premises.choices import Occupancy
from premises.models import AlarmPermit
from records.billing.pdf import notices_pdf
from records.billing.services import billing_run
from records.models import Bill, BillLine

# How alarm calls end, as often as each: most are false, some weather, some cancelled in time.
ENDINGS = [("FAB", 85), ("17", 10), ("ACX", 5)]


def billing_bench(
    write: Callable[[str], None],
    *,
    permits: int = 10_000,
    alarms: int = 50_000,
    notices: int = 1_000,
    batch: int = 5_000,
) -> None:
    year = timezone.localdate().year - 1
    made = time.perf_counter()
    _permits(permits, year, batch)
    _alarm_calls(permits, alarms, year, batch)
    made = time.perf_counter() - made
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE premises_alarmpermit; ANALYZE calls_call")

    before = _peak_rss_reset()
    started = time.perf_counter()
    run = billing_run(through=date(year, 12, 31), on=date(year + 1, 1, 2))
    took = time.perf_counter() - started
    growth = _peak_rss_kib() - before
    write(
        f"billing run over {permits:,} permits and {alarms:,} alarm calls on {connection.vendor}: "
        f"{took:.1f} s, peak RSS +{growth / 1024:.1f} MiB; {run.bills_issued:,} bills, "
        f"{run.alarms_billed:,} alarms billed, ${run.total_billed:,.2f} ({permits:,} permits and "
        f"{alarms:,} calls made in {made:.1f} s)"
    )
    started = time.perf_counter()
    again = billing_run(through=date(year, 12, 31), on=date(year + 1, 1, 2))
    write(
        f"the same run again: {time.perf_counter() - started:.1f} s, {again.bills_issued} bills "
        f"(billed lines {BillLine.objects.count():,}, one a call)"
    )

    bills = Bill.objects.select_related("permit", "schedule").prefetch_related("lines").order_by("number")
    bills = list(bills[:notices])
    before = _peak_rss_reset()
    started = time.perf_counter()
    pdf = notices_pdf(bills)
    took = time.perf_counter() - started
    growth = _peak_rss_kib() - before
    write(
        f"notices PDF of {len(bills):,} bills: {took:.1f} s, {len(pdf) / 1e6:.1f} MB, "
        f"peak RSS +{growth / 1024:.1f} MiB"
    )


def _permits(count: int, year: int, batch: int) -> None:
    for first in range(0, count, batch):
        AlarmPermit.objects.bulk_create(
            [
                AlarmPermit(
                    number=f"AP-BENCH-{n:05d}",
                    holder_name=f"HOLDER {n}",
                    holder_mailing_address=f"PO BOX {n}\nDEMO CITY MO 64015",
                    site_text=f"{n} BENCH WAY",
                    site_lat=39.0 + n * 1e-4,
                    site_lon=-94.3,
                    occupancy=Occupancy.BUSINESS if n % 4 == 0 else Occupancy.RESIDENTIAL,
                    issued_on=date(year - 1, 1, 1),
                    expires_on=date(year + 1, 12, 31),
                )
                for n in range(first, min(first + batch, count))
            ]
        )


def _alarm_calls(permits: int, count: int, year: int, batch: int) -> None:
    chance = random.Random(20261202)
    burglar = CallType.objects.get(code="ALRBA")
    endings = {code: Disposition.objects.get(code=code) for code, _ in ENDINGS}
    codes = [code for code, weight in ENDINGS for _ in range(weight)]
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), clock.min))
    for first in range(0, count, batch):
        rows = []
        for n in range(first, min(first + batch, count)):
            at = start + timedelta(days=chance.randrange(364), minutes=chance.randrange(24 * 60))
            rows.append(
                Call(
                    number=f"{year}-B{n:06d}",
                    call_type=burglar,
                    priority_id=burglar.default_priority_id,
                    status=CallStatus.CLOSED,
                    address=f"{n % permits} BENCH WAY",
                    received_at=at,
                    entered_at=at,
                    closed_at=at + timedelta(minutes=25),
                    disposition=endings[chance.choice(codes)],
                )
            )
        Call.objects.bulk_create(rows)
