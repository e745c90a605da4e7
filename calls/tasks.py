"""The calls app's background work: the timers, run by Celery beat (or the in-process scheduler
without Redis), and partners' webhooks, queued after each commit that announced events."""

from celery import shared_task
from django.core.cache import cache

from calls import services
from calls.webhooks import services as webhooks
from calls.webhooks.selectors import subscriptions_active


@shared_task(name="calls.tasks.timers_check", ignore_result=True)
def timers_check() -> dict:
    """Raise the goal and status-check alerts now due; escalate unanswered checks. Idempotent."""
    result = services.timers_check()
    return {"raised": result.raised, "escalated": result.escalated}


# Set while a fan-out is queued and not started: a burst of commits queues one, not one each.
FAN_OUT_QUEUED = "calls:webhooks-fan-out-queued"
FAN_OUT_QUEUED_SECONDS = 60  # a lost task's mark runs out (and the sweep catches up before)


@shared_task(name="calls.tasks.webhooks_fan_out", ignore_result=True)
def webhooks_fan_out() -> int:
    """The events committed since the last run, made into deliveries and queued. Idempotent."""
    cache.delete(FAN_OUT_QUEUED)  # before reading: an event committed from now on queues another run
    return webhooks.webhooks_fan_out(enqueue=webhook_deliveries_enqueue)


@shared_task(name="calls.tasks.webhook_deliver", ignore_result=True, acks_late=True)
def webhook_deliver(delivery_id: int) -> str | None:
    """One attempt at one delivery; a rerun, or a second copy of the task, sends nothing twice."""
    delivery = webhooks.webhook_deliver(delivery_id=delivery_id)
    return delivery.status if delivery is not None else None


@shared_task(name="calls.tasks.webhooks_sweep", ignore_result=True)
def webhooks_sweep() -> dict:
    """Beat's look: events a lost kick left behind, and deliveries whose retry time has come."""
    made, queued = webhooks.webhooks_sweep(enqueue=webhook_deliveries_enqueue)
    return {"made": made, "queued": queued}


def webhook_deliveries_enqueue(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        webhook_deliver.delay(delivery_id)


def webhooks_kick() -> None:
    """After a commit that announced events (cad.events.committed_listen): make their deliveries,
    when anyone subscribed (the sweep catches up on any kick lost)."""
    if subscriptions_active() and cache.add(FAN_OUT_QUEUED, True, timeout=FAN_OUT_QUEUED_SECONDS):
        webhooks_fan_out.delay()
