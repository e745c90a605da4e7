"""Report runs: asked for by a person (or by beat), made by a Celery worker, frozen once made.

Making a run is idempotent. A worker claims the run with a conditional update (queued, or running
with a worker that stopped giving signs of life), so two workers never make one run at once; the
file's name is the run's own, written beside it and moved into place in one step, so a rerun or a
worker killed halfway leaves one file, never two. A run that is done is never made again.
"""

import hashlib
import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cad.audit import AuditAction, audit_record, object_ref
from records.reports.compliance import compliance_figures, interval_histograms
from records.reports.models import ReportRun
from records.reports.query import ReportQuery
from records.reports.render import compliance_csv, compliance_pdf, workload_csv, workload_pdf
from records.reports.workload import workload_figures

# A running run whose worker has not been heard of for this long is taken over by the next worker.
STALE = timedelta(minutes=5)
CONTENT_TYPES = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


def report_run_request(
    *,
    query: ReportQuery,
    format: str,
    by: AbstractBaseUser | None,
    key: str | None = None,
    enqueue: Callable[[int], None],
) -> ReportRun:
    """Record the run and hand it to a worker after commit (`enqueue(run_id)`); with `key`, a run of
    that name is made once however often it is asked for (beat's runs)."""
    with transaction.atomic():
        if key:
            run, created = ReportRun.objects.get_or_create(
                key=key,
                defaults={
                    "report": query.report,
                    "params": query.as_params(),
                    "format": format,
                    "requested_at": timezone.now(),
                },
            )
            if not created:
                return run
        else:
            run = ReportRun.objects.create(
                report=query.report,
                params=query.as_params(),
                format=format,
                requested_by=by,
                requested_at=timezone.now(),
            )
        audit_record(
            action=AuditAction.REPORT_RUN,
            object=object_ref("report_run", run.pk),
            by=by,
            detail={
                "report": run.report,
                "format": run.format,
                **run.params,
                **({"scheduled": key} if key else {}),
            },
        )
        transaction.on_commit(lambda: enqueue(run.pk))
    return run


def report_path(run: ReportRun) -> Path:
    return settings.CAD_REPORTS_DIR / run.file


def _claim(run_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=ReportRun.Status.QUEUED) | Q(
        status=ReportRun.Status.RUNNING, heartbeat_at__lt=now - STALE
    )
    return bool(
        ReportRun.objects.filter(claimable, pk=run_id).update(
            status=ReportRun.Status.RUNNING, started_at=now, heartbeat_at=now, progress=0.0, error=""
        )
    )


def _progress(run_id: int, fraction: float) -> None:
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.RUNNING).update(
        progress=fraction, heartbeat_at=timezone.now()
    )


def report_content(run: ReportRun, progress: Callable[[float], None] = lambda f: None) -> bytes:
    """The run's file, made from its parameters (the same parameters and calls make the same bytes)."""
    query = ReportQuery.from_params({**run.params, "report": run.report})
    if run.report == "compliance":
        figures = compliance_figures(query)
        progress(0.4)
        if run.format == ReportRun.Format.CSV:
            return compliance_csv(figures)
        histograms = interval_histograms(query)
        progress(0.8)
        return compliance_pdf(figures, histograms)
    figures = workload_figures(query)
    progress(0.7)
    return workload_csv(figures) if run.format == ReportRun.Format.CSV else workload_pdf(figures)


def report_run_make(*, run_id: int) -> ReportRun | None:
    """Make the run's file if no other worker is making it and it is not made yet; None when the run is
    gone. A failure is kept on the run (status failed, with why) and raised for the worker's log."""
    if not _claim(run_id):
        return ReportRun.objects.filter(pk=run_id).first()
    run = ReportRun.objects.get(pk=run_id)
    try:
        content = report_content(run, lambda fraction: _progress(run_id, fraction))
        name = f"{run.pk:06d}-{run.report}-{run.params['from']}-{run.params['to']}.{run.format}"
        folder = settings.CAD_REPORTS_DIR
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{name}.partial"
        partial.write_bytes(content)
        os.replace(partial, folder / name)
    except Exception as error:
        ReportRun.objects.filter(pk=run_id).update(
            status=ReportRun.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    ReportRun.objects.filter(pk=run_id).update(
        status=ReportRun.Status.DONE,
        progress=1.0,
        file=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    return ReportRun.objects.get(pk=run_id)


def scheduled_runs(*, today: date, enqueue: Callable[[int], None]) -> list[ReportRun]:
    """Beat's reports: last month's compliance (from the 1st), and yesterday's workload, each once."""
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    last_month = last_month_end.replace(day=1)
    wanted = [
        (f"compliance:{last_month:%Y-%m}", ReportQuery("compliance", last_month, last_month_end)),
        (
            f"workload:{today - timedelta(days=1)}",
            ReportQuery("workload", today - timedelta(days=1), today - timedelta(days=1), by="hour"),
        ),
    ]
    return [
        report_run_request(query=query, format=ReportRun.Format.PDF, by=None, key=key, enqueue=enqueue)
        for key, query in wanted
    ]
