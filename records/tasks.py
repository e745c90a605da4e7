"""Periodic work of the records app, run by Celery beat (or the in-process scheduler without Redis)."""

import logging

from celery import shared_task

from records.audit import audit_prune as prune

logger = logging.getLogger(__name__)


@shared_task(name="records.tasks.audit_prune", ignore_result=True)
def audit_prune() -> int:
    """Archive a signed digest of audit entries past CAD_AUDIT_RETENTION_DAYS and remove them; nothing
    when entries are kept forever (the default)."""
    removed = prune()
    if removed:
        logger.info("Pruned %d audit entries (digest archived)", removed)
    return removed
