"""The calls app's periodic work, run by Celery beat (or the in-process scheduler without Redis)."""

from celery import shared_task

from calls import services


@shared_task(name="calls.tasks.timers_check", ignore_result=True)
def timers_check() -> dict:
    """Raise the goal and status-check alerts now due; escalate unanswered checks. Idempotent."""
    result = services.timers_check()
    return {"raised": result.raised, "escalated": result.escalated}
