"""Periodic work of the cad app, run by Celery beat (or the in-process scheduler without Redis)."""

import logging

from celery import shared_task

from cad import events

logger = logging.getLogger(__name__)


@shared_task(name="cad.tasks.events_prune", ignore_result=True)
def events_prune() -> int:
    """Forget stream events older than CAD_EVENT_RETENTION_HOURS (24 h by default)."""
    removed = events.events_prune()
    if removed:
        logger.info("Pruned %d stream events", removed)
    return removed
