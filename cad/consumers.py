"""The live stream, /ws/console/ (CONTRACT.md): a snapshot, then every event in seq order.

Events reach a consumer two ways: through the channel layer (fast, across server processes)
and from the Event table (the truth). Each consumer sends seq N+1 only after N; when it sees a
gap it reads the missing events from the table first. Once a second each server process also
checks the table for events the channel layer did not bring (Redis restarting, a lost message),
so consoles keep up even while Redis is away and catch up by themselves when it returns.
"""

import asyncio
import logging
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from cad import events, roles, stream
from cad.models import AgencyToken

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class ConsoleConsumer(AsyncJsonWebsocketConsumer):
    """One console, board or program following the center's calls and units."""

    async def __call__(self, scope, receive, send):
        # However the consumer ends (a crash included), the hub must let go of it.
        try:
            await super().__call__(scope, receive, send)
        finally:
            hub.leave(self)

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self._refuse(CLOSE_UNAUTHENTICATED)
            return
        self.agency_code = await database_sync_to_async(_stream_scope)(user)
        if self.agency_code is False:
            await self._refuse(CLOSE_FORBIDDEN)
            return
        self.user = user
        self.last_seq = 0
        self.subscribed_after = -1
        self.lock = asyncio.Lock()
        self.subscribed = await self._subscribe()
        await self.accept()
        since = _since(self.scope)
        async with self.lock:
            if since is None or not await self._replay(since):
                await self._send_snapshot()
        hub.join(self)

    async def _refuse(self, code: int) -> None:
        """Accept, then close with the reason, so a browser can tell "signed out" from "network"."""
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code: int) -> None:
        hub.leave(self)
        if getattr(self, "subscribed", False):
            try:
                await self.channel_layer.group_discard(events.CONSOLE_GROUP, self.channel_name)
            except Exception:
                logger.debug("group_discard failed", exc_info=True)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """Only JSON text is understood; anything else gets an error, never a crash."""
        try:
            content = await self.decode_json(text_data) if text_data is not None else None
        except ValueError:
            content = None
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs) -> None:
        """Clients may ask to resync: {"action": "since", "seq": N} (or "snapshot")."""
        action = content.get("action") if isinstance(content, dict) else None
        async with self.lock:
            if action == "snapshot":
                await self._send_snapshot()
            elif action == "since" and isinstance(content.get("seq"), int) and content["seq"] >= 0:
                if not await self._replay(content["seq"]):
                    await self._send_snapshot()
            else:
                await self.send_json({"event": "error", "seq": self.last_seq,
                                      "data": {"detail": 'Send {"action": "since", "seq": N} or '
                                                         '{"action": "snapshot"}.'}})

    async def cad_event(self, message: dict) -> None:
        """An event from the channel layer."""
        await self.deliver(message)

    async def deliver(self, message: dict) -> None:
        """Send `message` in its place: never twice, never before the ones it follows."""
        seq = message["seq"]
        if seq <= self.last_seq:
            return
        async with self.lock:
            if seq <= self.last_seq:
                return
            if seq > self.last_seq + 1 and not await self._replay(self.last_seq, until=seq - 1):
                await self._send_snapshot()
                return
            if seq == self.last_seq + 1:
                await self._send_event(message)

    async def heartbeat(self) -> None:
        """The latest seq, and a look at whether this socket may still follow the stream: a
        session that ended (signed out, 30 idle minutes), a revoked token or a role taken away
        closes it."""
        refusal = await database_sync_to_async(_refusal)(self.scope, self.user, self.agency_code)
        if refusal is not None:
            await self.close(code=refusal)
            return
        async with self.lock:  # never a seq the client has not been sent yet
            await self.send_json({"event": "heartbeat", "seq": self.last_seq, "now": _now()})

    async def _subscribe(self) -> bool:
        outages = getattr(self.channel_layer, "outages", 0)
        try:
            await self.channel_layer.group_add(events.CONSOLE_GROUP, self.channel_name)
            self.subscribed_after = outages
            return True
        except Exception:
            # Redis is away: this console follows the Event table until it returns.
            logger.warning("Channel layer unavailable; console follows the database", exc_info=True)
            return False

    async def _send_event(self, message: dict) -> None:
        self.last_seq = message["seq"]
        if self.agency_code and not await database_sync_to_async(_shared_with)(message, self.agency_code):
            # Not this agency's: it still learns the seq moved, so it sees no gap.
            await self.send_json({"event": "skip", "seq": message["seq"]})
            return
        await self.send_json({"event": message["event"], "seq": message["seq"], "data": message["data"]})

    async def _send_snapshot(self) -> None:
        seq, data = await database_sync_to_async(_snapshot)(self.user)
        self.last_seq = seq
        await self.send_json({"event": "snapshot", "seq": seq, "now": _now(), "data": data})

    async def _replay(self, since: int, *, until: int | None = None) -> bool:
        """Send the events after `since` (up to `until`) from the table; False if they are gone."""
        rows = await database_sync_to_async(_events_between)(since, until)
        if rows is None:
            return False
        self.last_seq = since
        for row in rows:
            await self._send_event(row)
        return True


def _now() -> str:
    """The server's clock, so consoles can correct their timers for a drifting workstation clock."""
    return timezone.now().isoformat().replace("+00:00", "Z")


def _refusal(scope: dict, user, agency_code) -> int | None:
    """Why `user` may no longer follow the stream (a close code), or None if still allowed."""
    token_id = scope.get("cad_token_id")
    if token_id is not None:
        if not AgencyToken.objects.filter(pk=token_id, revoked_at__isnull=True).exists():
            return CLOSE_UNAUTHENTICATED
    else:
        session = scope.get("session")
        if session is None or session.session_key is None:
            return CLOSE_UNAUTHENTICATED
        stored = session.__class__(session_key=session.session_key)
        if str(stored.get("_auth_user_id")) != str(user.pk):
            return CLOSE_UNAUTHENTICATED  # signed out, or the session expired
    fresh = get_user_model().objects.filter(pk=user.pk, is_active=True).first()
    if fresh is None:
        return CLOSE_UNAUTHENTICATED
    return None if _stream_scope(fresh) == agency_code else CLOSE_FORBIDDEN


def _stream_scope(user) -> str | bool | None:
    """None: sees everything (the center's staff); an agency code: only what was shared with
    that agency; False: may not follow the stream."""
    agency = roles.scoped_agency(user)
    if agency is not None:
        return agency.code
    return None if roles.is_center_staff(user) else False


def _since(scope: dict) -> int | None:
    values = parse_qs(scope.get("query_string", b"").decode(errors="replace")).get("since")
    if not values:
        return None
    try:
        since = int(values[0])
    except ValueError:
        return None
    return since if since >= 0 else None


def _events_between(since: int, until: int | None) -> list[dict] | None:
    latest = events.latest_seq()
    until = latest if until is None else until
    if since > latest or until - since > settings.CAD_STREAM_REPLAY_LIMIT:
        return None  # from another database, or too far behind: a snapshot is cheaper
    if since == until:
        return []
    oldest = events.oldest_seq()
    if oldest is None or oldest > since + 1:
        return None  # pruned
    rows = list(events.Event.objects.filter(seq__gt=since, seq__lte=until).order_by("seq"))
    if len(rows) != until - since:
        return None
    return [row.message() for row in rows]


def _shared_with(message: dict, agency_code: str) -> bool:
    """May that agency's program see this event (the apps' rules, registered in cad.stream)."""
    event = events.Event.objects.filter(seq=message["seq"]).only("call_id", "agency_code").first()
    return event is not None and stream.shared_with(event, agency_code)


def _snapshot(user) -> tuple[int, dict]:
    """Everything the apps put in a snapshot (every call not yet closed, every unit, every open
    alert), as the user may see it, with the seq it reflects."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One view of the database for the seq and the rows, so they agree exactly.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        seq = events.latest_seq()
        data = stream.snapshot(user)
    return seq, data


class StreamHub:
    """The consoles of this server process, and the once-a-second look at the Event table that
    catches whatever the channel layer did not bring."""

    def __init__(self) -> None:
        self.consumers: set[ConsoleConsumer] = set()
        self.task: asyncio.Task | None = None

    def join(self, consumer: ConsoleConsumer) -> None:
        loop = asyncio.get_running_loop()
        if self.task is not None and self.task.get_loop() is not loop:
            self.consumers.clear()  # a new event loop (only in tests): the old one's consumers are gone
        self.consumers.add(consumer)
        if self.task is None or self.task.done() or self.task.get_loop() is not loop:
            self.task = loop.create_task(self._watch())

    def leave(self, consumer: ConsoleConsumer) -> None:
        self.consumers.discard(consumer)

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        next_heartbeat = loop.time() + settings.CAD_STREAM_HEARTBEAT_SECONDS
        while self.consumers:
            await asyncio.sleep(settings.CAD_STREAM_POLL_SECONDS)
            try:
                await self._catch_up()
            except Exception:
                logger.warning("Stream catch-up failed; retrying", exc_info=True)
            if loop.time() >= next_heartbeat:
                # Heartbeats go out even while catch-up fails, so consoles do not all reconnect.
                next_heartbeat = loop.time() + settings.CAD_STREAM_HEARTBEAT_SECONDS
                results = await asyncio.gather(*(c.heartbeat() for c in list(self.consumers)),
                                               return_exceptions=True)
                for failure in (r for r in results if isinstance(r, Exception)):
                    logger.warning("Heartbeat failed: %r", failure)

    async def _catch_up(self) -> None:
        consumers = list(self.consumers)
        if not consumers:
            return
        outages = getattr(consumers[0].channel_layer, "outages", 0)
        for consumer in consumers:
            if not consumer.subscribed or consumer.subscribed_after != outages:
                consumer.subscribed = await consumer._subscribe()
        behind = min(c.last_seq for c in consumers)
        latest = await database_sync_to_async(events.latest_seq)()
        if latest <= behind:
            return
        row = await database_sync_to_async(events.Event.objects.filter(seq=latest).first)()
        if row is None:
            return
        newest = row.message()
        behind = [c for c in consumers if c.last_seq < latest]
        # The consumers read what they missed from the table themselves (or take a snapshot);
        # side by side, so one slow console does not hold up the others.
        results = await asyncio.gather(*(c.deliver(newest) for c in behind), return_exceptions=True)
        for failure in (r for r in results if isinstance(r, Exception)):
            logger.warning("Catch-up delivery failed: %r", failure)


hub = StreamHub()
