"""Periodic work of the records app, run by Celery beat (or the in-process scheduler without Redis)."""

import logging
from datetime import date

from celery import shared_task
from django.utils import timezone

from records.audit import audit_prune as prune
from records.billing import services as billing
from records.reports import services as reports

logger = logging.getLogger(__name__)


@shared_task(name="records.tasks.audit_prune", ignore_result=True)
def audit_prune() -> int:
    """Archive a signed digest of audit entries past CAD_AUDIT_RETENTION_DAYS and remove them; nothing
    when entries are kept forever (the default)."""
    removed = prune()
    if removed:
        logger.info("Pruned %d audit entries (digest archived)", removed)
    return removed


@shared_task(name="records.tasks.report_run", ignore_result=True, acks_late=True)
def report_run(run_id: int) -> None:
    """Make a report run's file (PDF or CSV): idempotent, so a redelivery after a lost worker is safe."""
    reports.report_run_make(run_id=run_id)


def report_run_enqueue(run_id: int) -> None:
    report_run.delay(run_id)


@shared_task(name="records.tasks.reports_scheduled", ignore_result=True)
def reports_scheduled() -> int:
    """Last month's compliance and yesterday's workload, each asked for once whenever beat looks."""
    return len(reports.scheduled_runs(today=timezone.localdate(), enqueue=report_run_enqueue))


@shared_task(name="records.tasks.billing_run", ignore_result=True)
def billing_run(through: str | None = None) -> int:
    """The monthly false-alarm billing run (through yesterday unless a day is given, YYYY-MM-DD):
    bills every billable alarm not billed yet; safe to rerun or overlap. Returns the run's id."""
    run = billing.billing_run(through=date.fromisoformat(through) if through else None)
    logger.info("Billing run %d through %s: %d bills, %d alarms, %s", run.pk, run.through, run.bills_issued,
                run.alarms_billed, run.total_billed)
    return run.pk


@shared_task(name="records.tasks.bills_overdue", ignore_result=True)
def bills_overdue() -> int:
    """Issued bills past due with a balance become overdue and carry the schedule's late fee once."""
    return billing.bills_overdue_mark()
