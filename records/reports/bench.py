"""The reports' benchmark: a year of history from seed_history, then the month's and the year's
compliance and the year's workload by hour, each timed end to end through the selectors the API uses."""

import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from records.reports.compliance import compliance_figures
from records.reports.demo import History
from records.reports.query import report_query
from records.reports.workload import workload_figures


def reports_bench(write: Callable[[str], None], *, calls: int, days: int = 365, rounds: int = 3) -> None:
    end = timezone.localdate()
    history = History(days=days, per_day=calls / days, seed=15, end=end)
    figures = history.run(
        lambda f: (
            write(f"  {f.calls:,} calls ({f.rows_per_second:,.0f} rows/s)")
            if f.calls % 100_000 < history.batch
            else None
        )
    )
    write(
        f"seed_history: {figures.calls:,} calls and {figures.assignments:,} units sent "
        f"in {figures.seconds:.1f} s "
        f"({figures.rows_per_second:,.0f} rows/s; {100_000 * figures.seconds / figures.calls:.1f} s per "
        f"100,000 calls) on {connection.vendor}; then the days' running counts kept for the workload "
        f"report in {figures.counted_seconds:.1f} s"
    )
    last = end - timedelta(days=1)
    month_start = (end.replace(day=1) - timedelta(days=1)).replace(day=1)
    month_end = end.replace(day=1) - timedelta(days=1)
    cases = [
        (
            "compliance, last month",
            lambda: compliance_figures(
                report_query("compliance", {"from": month_start.isoformat(), "to": month_end.isoformat()})
            ),
        ),
        (
            "compliance, the year",
            lambda: compliance_figures(
                report_query(
                    "compliance", {"from": (end - timedelta(days=days)).isoformat(), "to": last.isoformat()}
                )
            ),
        ),
        (
            "compliance, the year, by beat, NFPA 1221",
            lambda: compliance_figures(
                report_query(
                    "compliance",
                    {
                        "from": (end - timedelta(days=days)).isoformat(),
                        "to": last.isoformat(),
                        "by": "beat",
                        "standard": "nfpa1221",
                    },
                )
            ),
        ),
        (
            "workload by hour, the year",
            lambda: workload_figures(
                report_query(
                    "workload",
                    {"from": (end - timedelta(days=days)).isoformat(), "to": last.isoformat(), "by": "hour"},
                )
            ),
        ),
    ]
    write(f"Reports over {figures.calls:,} calls on {connection.vendor} (seconds; median of {rounds}):")
    for label, run in cases:
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            run()
            samples.append(time.perf_counter() - started)
        write(f"  {label:<44} {statistics.median(samples):6.2f}  (max {max(samples):.2f})")
