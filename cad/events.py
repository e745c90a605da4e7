"""The one publisher: services record their changes here, and they go out only after commit.

Every event is written to the `Event` table in the transaction that made the change, with a
`seq` from the single `EventCounter` row. Taking that row's lock holds it until commit, so a
later writer cannot take the next seq before the earlier one is committed: seqs commit in order
and without gaps, and whatever a client missed can be read back from the table. Services record
their events last, so the lock is held only for the end of a transaction.

After commit the event is announced on the channel layer. A channel layer that is down (Redis
restarting) does not fail the write: the consoles' stream reads missed events from the table.
Other readers of the table (the partners' webhooks) register to be told after each commit, so
they need not poll it.
"""

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from enum import StrEnum
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from cad.models import Event, EventCounter

logger = logging.getLogger(__name__)

CONSOLE_GROUP = "console"
SEND_TIMEOUT_SECONDS = 2


class EventName(StrEnum):
    """Every event the live stream carries (CONTRACT.md): the apps publish these names and no others."""

    CALL_CREATED = "call.created"
    CALL_UPDATED = "call.updated"
    CALL_CLOSED = "call.closed"
    CALL_NOTE = "call.note"
    CALL_UNSHARED = "call.unshared"  # to one partner: the call has left its view
    UNIT_UPDATED = "unit.updated"
    ALERT_RAISED = "alert.raised"
    ALERT_ESCALATED = "alert.escalated"
    ALERT_ACKNOWLEDGED = "alert.acknowledged"
    MUTUAL_AID_REQUESTED = "mutual_aid.requested"
    MUTUAL_AID_ACCEPTED = "mutual_aid.accepted"
    MUTUAL_AID_DECLINED = "mutual_aid.declined"
    MUTUAL_AID_CANCELLED = "mutual_aid.cancelled"
    MESSAGE_SENT = "message.sent"  # between consoles and units


    ALI_RECEIVED = "ali.received"
    ALI_REBID = "ali.rebid"
    CALLBACK_QUEUED = "callback.queued"
    CALLBACK_UPDATED = "callback.updated"


def publish(event: EventName, data: dict[str, Any], *, call_id: int | None = None,
            agency_code: str = "") -> Event:
    """Record `event` in the current transaction; announce it after commit. Each app builds its
    payloads in its own events module, with the serializer its API answers with.

    `call_id` and `agency_code` say whom it concerns, so partners see only their own: an event
    with `agency_code` is addressed to that agency alone (its unit, a mutual-aid request put to it,
    whatever call it is about); one with only `call_id` goes to whoever may see that call.
    """
    # No savepoint of its own: an event that cannot be recorded fails the change it announces.
    with transaction.atomic(savepoint=False):
        seq = _next_seq()
        record = Event.objects.create(
            seq=seq, event=str(event), data=data, call_id=call_id, agency_code=agency_code,
            at=timezone.now(),
        )
    message = {"type": "cad.event", **record.announcement()}
    transaction.on_commit(lambda: _send(message))
    for listener in _committed:
        # A listener that fails is logged, never turned into a failure of the committed change.
        transaction.on_commit(listener, robust=True)
    return record


_committed: list[Callable[[], None]] = []


def committed_listen(listener: Callable[[], None]) -> None:
    """Call `listener()` after each commit that published an event: the events are in the table
    by then (events_after). A higher app registers here in its AppConfig.ready()."""
    if listener not in _committed:
        _committed.append(listener)


def latest_seq() -> int:
    """The seq of the last committed event (0 before the first)."""
    return Event.objects.aggregate(last=Max("seq"))["last"] or 0


def events_after(seq: int, *, limit: int | None = None) -> list[Event]:
    rows = Event.objects.filter(seq__gt=seq).order_by("seq")
    return list(rows[:limit] if limit else rows)


def oldest_seq() -> int | None:
    first = Event.objects.order_by("seq").values_list("seq", flat=True).first()
    return first


def events_prune(*, keep: timedelta | None = None) -> int:
    """Forget events older than `keep` (default EVENT_RETENTION_HOURS); the newest always stays,
    so the next seq never falls back. Returns how many were removed."""
    keep = keep if keep is not None else timedelta(hours=settings.CAD_EVENT_RETENTION_HOURS)
    newest = latest_seq()
    removed, _ = Event.objects.filter(at__lt=timezone.now() - keep, seq__lt=newest).delete()
    return removed


def writers_lock() -> None:
    """Hold, to the end of the transaction, the lock that orders the center's two shared sequences:
    the events' seq and the audit chain (records). Both take this one lock, so no two writers can
    take them in opposite orders and deadlock (a call entered at a confidential flag's address
    audits the read before it announces the call; a dispatch announces before it audits). SQLite
    serialises writers already."""
    if connection.vendor != "postgresql":
        return
    if _counter_row("SELECT last FROM {table} WHERE id = 1 FOR UPDATE") is None:
        _counter_create()
        writers_lock()


def _next_seq() -> int:
    last = _counter_row("UPDATE {table} SET last = last + 1 WHERE id = 1 RETURNING last")
    if last is None:
        _counter_create()
        return _next_seq()  # the row exists now; take its lock
    return last


def _counter_row(sql: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=connection.ops.quote_name(EventCounter._meta.db_table)))
        row = cursor.fetchone()
    return row[0] if row is not None else None


def _counter_create() -> None:
    """The counter's one row, for the first event ever (or after a test flush): it starts after
    whatever the table still holds. Another writer may have created it first."""
    try:
        with transaction.atomic():
            EventCounter.objects.create(pk=1, last=latest_seq())
    except IntegrityError:
        pass


def _send(message: dict[str, Any]) -> None:
    """Announce a committed event: on the channel layer for every server process, and straight to
    this process's own consoles (here_listen) while Redis carries it to the others, Redis away or
    not."""
    layer = get_channel_layer()
    sending, failed = None, None
    if layer is not None and not isinstance(layer, InMemoryChannelLayer):
        try:
            sending = _sender.submit(layer, message)
        except Exception as error:
            failed = error
    for deliver in _here:
        deliver(message)
    try:
        if sending is not None:
            sending.result(timeout=SEND_TIMEOUT_SECONDS)
        elif layer is not None and failed is None:
            # Its queues belong to the server's event loop; async_to_sync hops back onto it.
            async_to_sync(layer.group_send)(CONSOLE_GROUP, message)
    except Exception as error:
        failed = error
    if failed is not None:
        _unannounced(message, failed)


def _unannounced(message: dict[str, Any], error: Exception) -> None:
    """Redis away: every write fails to announce until it returns. Said once in a while with why,
    not with a traceback for each event."""
    now = time.monotonic()
    global _last_warning
    if now - _last_warning >= ANNOUNCE_WARNING_SECONDS:
        _last_warning = now
        logger.warning("Could not announce event %s; consoles will catch up from the database "
                       "(said once in %d s while it lasts): %s: %s", message["seq"], ANNOUNCE_WARNING_SECONDS,
                       type(error).__name__, error)
        logger.debug("Announcing event %s failed", message["seq"], exc_info=error)
    else:
        logger.debug("Could not announce event %s", message["seq"])


_here: list[Callable[[dict[str, Any]], None]] = []


def here_listen(deliver: Callable[[dict[str, Any]], None]) -> None:
    """Have `deliver(message)` called with each event this process commits, as it is announced
    (the stream's hub: its consoles need not wait for the channel layer's round trip). It must
    not raise."""
    if deliver not in _here:
        _here.append(deliver)


ANNOUNCE_WARNING_SECONDS = 10
_last_warning = -ANNOUNCE_WARNING_SECONDS


class _Sender:
    """One long-lived event loop per process for talking to Redis: async_to_sync from plain
    threads would open a new loop, and a new connection, for every event."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._loop.is_closed():
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="cad-event-sender", daemon=True).start()
                self._loop = loop
            return self._loop

    def submit(self, layer, message: dict[str, Any]) -> concurrent.futures.Future:
        loop = self._running_loop()
        return asyncio.run_coroutine_threadsafe(layer.group_send(CONSOLE_GROUP, message), loop)


_sender = _Sender()
