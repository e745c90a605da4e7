"""Partners' webhooks: registering a subscription, turning the center's events into deliveries,
sending them with retries, and resending one.

The Event table (cad.events) is the outbox: after each commit that published events, and on the
beat's sweep, `webhooks_fan_out` reads the events after its cursor (one row, locked while it works,
so two workers never do the same events) and makes one delivery per subscription whose agency may
see the event (cad.stream.shared_with, the live stream's rule, which asks calls_shared_with) and
which chose its type. A delivery is unique per (subscription, event): made once, whatever reruns.

Each attempt first claims the delivery with a conditional UPDATE (pending, due, not held), holding
it for ATTEMPT_HOLD, and then posts it; so a task run twice sends it once, and a delivered one is
never sent again by a sweep. A worker that dies half-way leaves the hold to run out; the next
attempt carries the same webhook-id, so the partner sees a retry, never a new event.
"""

import json
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cad import stream
from cad.audit import AuditAction, audit_record, field_changes, object_ref
from cad.events import EventName, latest_seq
from cad.exceptions import Conflict
from cad.history import actor
from cad.models import Agency, Event
from calls.webhooks.models import WebhookCursor, WebhookDelivery, WebhookSubscription
from calls.webhooks.sending import post, secret_new, signed_headers, url_problem

User = AbstractBaseUser
Enqueue = Callable[[list[int]], None]

# After the first attempt fails: about 30 s, 2 min, 10 min, 1 h, 6 h and 24 h, then failed.
RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1),
                timedelta(hours=6), timedelta(hours=24))
ATTEMPTS = len(RETRY_DELAYS) + 1
# Longer than an attempt can take (a few short timeouts); a dead worker's delivery waits this long.
ATTEMPT_HOLD = timedelta(minutes=2)
# A delivery queued this long ago and still due lost its task (a worker killed, Redis flushed).
REQUEUE_AFTER = timedelta(minutes=5)
EVENT_TYPES = tuple(str(name) for name in EventName)
FAN_OUT_BATCH = 500
SWEEP_BATCH = 1000
# What a subscription's audit entries show: never the secret.
AUDITED_FIELDS = ("agency", "url", "description", "event_types", "active")

Status = WebhookDelivery.Status


def webhook_subscription_problems(subscription: WebhookSubscription) -> dict[str, list[str]]:
    """What is wrong with a subscription as given, by field (empty when nothing)."""
    problems: dict[str, list[str]] = {}
    url = url_problem(subscription.url or "")
    if url:
        problems["url"] = [url]
    types = subscription.event_types
    if not isinstance(types, list) or not types:
        problems["event_types"] = ["Choose at least one event type."]
    elif set(types) - set(EVENT_TYPES):
        unknown = ", ".join(sorted(str(t) for t in set(types) - set(EVENT_TYPES)))
        problems["event_types"] = [f"Unknown: {unknown}. The event types: {', '.join(EVENT_TYPES)}."]
    if subscription.agency_id and Agency.objects.filter(pk=subscription.agency_id,
                                                         kind=Agency.Kind.CENTER).exists():
        problems["agency"] = ["The center sees every event already; subscribe a partner agency."]
    return problems


@transaction.atomic
def webhook_subscription_save(
    *, subscription: WebhookSubscription, by: User | None
) -> tuple[WebhookSubscription, str | None]:
    """Register or change a subscription. A new one gets its secret, returned here once (and kept,
    since signing needs it). One made or turned on receives the events after that moment only."""
    problems = webhook_subscription_problems(subscription)
    if problems:
        raise ValidationError(problems)
    before = None
    if subscription.pk is not None:
        before = WebhookSubscription.objects.select_for_update().filter(pk=subscription.pk).first()
    secret = None
    if before is None:
        subscription.secret = secret = secret_new()
        subscription.created_by = actor(by)
    if subscription.active and (before is None or not before.active):
        subscription.starts_after_seq = latest_seq()
    subscription.event_types = [t for t in EVENT_TYPES if t in subscription.event_types]
    subscription.full_clean()
    subscription.save()
    audit_record(action=AuditAction.WEBHOOK_CHANGE if before else AuditAction.WEBHOOK_CREATE,
                 object=object_ref("webhook", subscription.pk), by=by,
                 detail={"agency": subscription.agency.code,
                         "changes": field_changes(before, subscription, AUDITED_FIELDS)})
    return subscription, secret


@transaction.atomic
def webhook_secret_roll(*, subscription: WebhookSubscription, by: User | None) -> str:
    """A new secret for the subscription, returned once; every attempt from now on, retries of
    earlier deliveries included, is signed with it."""
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    secret = secret_new()
    WebhookSubscription.objects.filter(pk=subscription.pk).update(secret=secret, updated_at=timezone.now())
    audit_record(action=AuditAction.WEBHOOK_SECRET_ROLL, object=object_ref("webhook", subscription.pk),
                 by=by, detail={"agency": subscription.agency.code, "url": subscription.url})
    return secret


def webhook_payload(event: Event, agency_code: str) -> str:
    """The body a partner receives: the event as the live stream carries it to that agency (a call
    event's data is the call as the API shows it, with its own share only, and `changes`, field →
    [old, new], when fields changed), under the Standard Webhooks names `type` and `timestamp`
    (when it was committed)."""
    data = stream.seen_by(event.announcement(), agency_code) or event.data
    return json.dumps({"type": event.event, "timestamp": event.at.isoformat(), "seq": event.seq,
                       "data": data}, separators=(",", ":"), ensure_ascii=False)


def _cursor_locked() -> WebhookCursor:
    cursor = WebhookCursor.objects.select_for_update().filter(pk=1).first()
    if cursor is None:
        WebhookCursor.objects.get_or_create(pk=1)
        cursor = WebhookCursor.objects.select_for_update().get(pk=1)
    return cursor


def webhooks_fan_out(*, enqueue: Enqueue) -> int:
    """Turn every event not looked at yet into its deliveries; each batch's new deliveries are
    handed to `enqueue` after commit. Returns how many were made."""
    made = 0
    while True:
        with transaction.atomic():
            count, looked = _fan_out_batch(enqueue)
        made += count
        if looked < FAN_OUT_BATCH:
            return made


def _fan_out_batch(enqueue: Enqueue) -> tuple[int, int]:
    cursor = _cursor_locked()
    events = list(Event.objects.filter(seq__gt=cursor.last_seq).order_by("seq")[:FAN_OUT_BATCH])
    if not events:
        return 0, 0
    subscriptions = list(WebhookSubscription.objects.filter(active=True, starts_after_seq__lt=events[-1].seq)
                         .select_related("agency"))
    now = timezone.now()
    deliveries = []
    seen: dict[tuple[int | None, str], bool] = {}
    for event in events:
        payloads: dict[str, str] = {}  # by agency: what each may read of the event, built once
        for subscription in subscriptions:
            if event.seq <= subscription.starts_after_seq or event.event not in subscription.event_types:
                continue
            if not _may_see(event, subscription.agency.code, seen):
                continue
            code = subscription.agency.code
            if code not in payloads:
                payloads[code] = webhook_payload(event, code)
            payload = payloads[code]
            deliveries.append(WebhookDelivery(
                subscription=subscription, seq=event.seq, event=event.event, call_id=event.call_id,
                webhook_id=f"msg_{uuid.uuid4().hex}", payload=payload, created_at=now, next_attempt_at=now,
                queued_at=now))
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    cursor.last_seq = events[-1].seq
    cursor.save(update_fields=["last_seq"])
    if deliveries:
        ids = list(WebhookDelivery.objects.filter(
            seq__gte=events[0].seq, seq__lte=events[-1].seq, status=Status.PENDING, attempts=0,
        ).order_by("seq", "pk").values_list("pk", flat=True))
        transaction.on_commit(partial(enqueue, ids))
    return len(deliveries), len(events)


def _may_see(event: Event, agency_code: str, seen: dict[tuple[int | None, str], bool]) -> bool:
    """The live stream's rule, as it stands now; a call's answer is asked once per batch."""
    announcement = event.announcement()
    if announcement["agency_code"] or announcement["call_id"] is None:
        return stream.shared_with(announcement, agency_code)
    key = (event.call_id, agency_code)
    if key not in seen:
        seen[key] = stream.shared_with(announcement, agency_code)
    return seen[key]


def webhook_deliver(*, delivery_id: int) -> WebhookDelivery | None:
    """One attempt at a delivery that is pending, due and not held by another attempt; None when it
    is not (already delivered, not due yet, or being sent). A 2xx delivers it; anything else is
    retried after the next of RETRY_DELAYS, and fails once they are spent; an address that is not
    allowed fails it at once."""
    now = timezone.now()
    hold = now + ATTEMPT_HOLD
    claimed = WebhookDelivery.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now),
        pk=delivery_id, status=Status.PENDING, next_attempt_at__lte=now,
    ).update(locked_until=hold, attempts=F("attempts") + 1, last_attempt_at=now, queued_at=None)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("subscription__agency").get(pk=delivery_id)
    subscription = delivery.subscription
    if not subscription.active:
        answer_status, error, final = None, "The subscription is not active.", True
    else:
        headers = signed_headers(secret=subscription.secret, webhook_id=delivery.webhook_id,
                                 at=timezone.now(), body=delivery.payload)
        answer = post(url=subscription.url, body=delivery.payload, headers=headers)
        if answer.delivered:
            return _attempt_record(delivery, hold, status=Status.DELIVERED, last_status=answer.status,
                                   last_error="", delivered_at=timezone.now(), next_attempt_at=None)
        answer_status, error, final = answer.status, answer.error, answer.refused
    if final or delivery.attempts >= ATTEMPTS:
        return _attempt_record(delivery, hold, status=Status.FAILED, last_status=answer_status,
                               last_error=error, next_attempt_at=None)
    return _attempt_record(delivery, hold, last_status=answer_status, last_error=error,
                           next_attempt_at=timezone.now() + RETRY_DELAYS[delivery.attempts - 1])


def _attempt_record(delivery: WebhookDelivery, hold, **fields) -> WebhookDelivery:
    """Write what the attempt came to, unless its hold ran out and another attempt took over."""
    fields = {"locked_until": None, **fields}
    fields["last_error"] = fields.get("last_error", "")[:500]
    if WebhookDelivery.objects.filter(pk=delivery.pk, locked_until=hold).update(**fields):
        for name, value in fields.items():
            setattr(delivery, name, value)
    return delivery


def webhooks_sweep(*, enqueue: Enqueue) -> tuple[int, int]:
    """What beat runs: events not turned into deliveries yet (a kick lost), and deliveries due (their
    retry time has come, or their task was lost) handed to `enqueue`. Returns (made, queued)."""
    made = webhooks_fan_out(enqueue=enqueue)
    now = timezone.now()
    with transaction.atomic():
        due = list(WebhookDelivery.objects.filter(
            Q(queued_at__isnull=True) | Q(queued_at__lte=now - REQUEUE_AFTER),
            Q(locked_until__isnull=True) | Q(locked_until__lte=now),
            status=Status.PENDING, next_attempt_at__lte=now,
        ).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:SWEEP_BATCH])
        WebhookDelivery.objects.filter(pk__in=due).update(queued_at=now)
        if due:
            transaction.on_commit(partial(enqueue, due))
    return made, len(due)


@transaction.atomic
def webhook_delivery_resend(*, delivery: WebhookDelivery, by: User | None,
                            enqueue: Enqueue) -> WebhookDelivery:
    """Send a delivery again now, whatever became of it, with its retries anew: the same body and
    webhook-id (a partner that kept it knows it), signed afresh. One being sent is a 409."""
    now = timezone.now()
    before = WebhookDelivery.objects.select_for_update().select_related("subscription__agency").get(
        pk=delivery.pk)
    if before.locked_until is not None and before.locked_until > now:
        raise Conflict("This delivery is being sent right now; look again in a moment.")
    WebhookDelivery.objects.filter(pk=before.pk).update(
        status=Status.PENDING, attempts=0, next_attempt_at=now, queued_at=now, resent_at=now,
        resent_by=actor(by))
    audit_record(action=AuditAction.WEBHOOK_RESEND, object=object_ref("webhook_delivery", before.pk), by=by,
                 detail={"webhook_id": before.webhook_id, "event": before.event, "seq": before.seq,
                         "agency": before.subscription.agency.code, "was": before.status,
                         "attempts": before.attempts})
    transaction.on_commit(partial(enqueue, [before.pk]))
    return WebhookDelivery.objects.select_related("subscription").get(pk=before.pk)


def webhook_deliveries_resend(*, deliveries: Iterable[WebhookDelivery], by: User | None,
                              enqueue: Enqueue) -> tuple[int, int]:
    """Resend several (the admin's action): (resent, being sent right now and left alone)."""
    resent = busy = 0
    for delivery in deliveries:
        try:
            webhook_delivery_resend(delivery=delivery, by=by, enqueue=enqueue)
            resent += 1
        except Conflict:
            busy += 1
    return resent, busy
