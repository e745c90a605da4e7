"""The live stream, /ws/console/ (CONTRACT.md): a snapshot, then every event in seq order.

A console is a socket and its place in the stream (the last seq it was sent); everything it
shares with the other consoles of the process (the channel layer, the Event table, snapshots,
who may follow the stream) is the hub's (cad/hub.py). A console sends seq N+1 only after N: when
it is behind (just connected, asked for a replay, or busy when an event came) it catches up from
the hub's memory, then from the table, and takes a snapshot when it is too far behind.
"""

import asyncio
import functools
import logging
from typing import Any
from urllib.parse import parse_qs

from autobahn.websocket.protocol import WebSocketProtocol
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from cad import events, stream
from cad.hub import Beat, Entry, StreamHub, hub_join

logger = logging.getLogger(__name__)

NO_CHANNEL_LAYER = "cad.stream.none"  # the hub listens to the channel layer for all the consoles


class HubConsumer(AsyncJsonWebsocketConsumer):
    """A socket following the center's changes through the process's hub: the live stream's
    consoles here, and EIDO subscribers (calls.consumers). The hub, not the channel layer, hands it
    each event (offer), a heartbeat (beat), or a word that it missed some (fall_behind)."""

    channel_layer_alias = NO_CHANNEL_LAYER

    async def __call__(self, scope, receive, send):
        # However the consumer ends (a crash included), the hub must let go of it.
        self.hub: StreamHub | None = None
        self.live = False
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.stop()

    async def admitted(self) -> bool:
        """Answer the handshake at once, then ask the hub who this is, with the other sockets
        opening at that moment; one that may not follow is told why by the close."""
        self.credentials = self.scope["cad_credentials"]
        self.user = None
        self.audience: str | None = None
        await self.accept()
        self.hub = await hub_join(self)
        answer = await self.hub.admit(self.credentials)
        if answer.refusal is not None:
            await self.end(answer.refusal)
            return False
        self.user, self.audience = answer.user, answer.audience
        self.scope["user"] = answer.user
        return True

    def stop(self) -> None:
        self.live = False
        if self.hub is not None:
            self.hub.leave(self)

    def offer_now(self, entry: Entry) -> bool:
        """Deal with the hub's next event without awaiting, if it can: True when done with it;
        False, and the hub awaits offer(entry)."""
        return False

    async def end(self, code: int) -> None:
        self.stop()
        await self.close(code=code)

    async def websocket_disconnect(self, message: dict) -> None:
        # Channels' own also closes stale database connections, through the thread pool, for each
        # socket; these consumers never touch the database themselves, and a restart or a switch
        # going down closes a thousand sockets at once (a fifth of the server's time in the bench).
        self.stop()
        raise StopConsumer()

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """Only JSON text is understood; anything else reaches receive_json as None (to be
        answered with an error, never a crash)."""
        try:
            content = await self.decode_json(text_data) if text_data is not None else None
        except ValueError:
            content = None
        await self.receive_json(content)


class ConsoleConsumer(HubConsumer):
    """One console, board or program following the center's calls and units."""

    async def dispatch(self, message: dict) -> None:
        # Channels closes stale database connections before each message, a thread hop per frame;
        # this consumer never touches the database itself (the hub does, in its own calls).
        await getattr(self, message["type"].replace(".", "_"))(message)

    async def connect(self) -> None:
        self.last_seq = 0
        self.lock = asyncio.Lock()
        self.catching_up: asyncio.Task | None = None
        self.wire = _websocket_of(self.base_send)
        if not await self.admitted():
            return
        async with self.lock:
            since = _since(self.scope)
            if since is None or not await self._resume(since):
                await self._send_snapshot()
            self.live = True
            await self._catch_up()

    async def receive_json(self, content: Any, **kwargs) -> None:
        """Clients may ask to resync: {"action": "since", "seq": N} (or "snapshot")."""
        if not self.live:
            return
        action = content.get("action") if isinstance(content, dict) else None
        async with self.lock:
            if action == "snapshot":
                await self._send_snapshot()
            elif action == "since" and isinstance(content.get("seq"), int) and content["seq"] >= 0:
                if not await self._resume(content["seq"]):
                    await self._send_snapshot()
            else:
                await self.send_json({"event": "error", "seq": self.last_seq,
                                      "data": {"detail": 'Send {"action": "since", "seq": N} or '
                                                         '{"action": "snapshot"}.'}})
            await self._catch_up()

    # Called by the hub

    async def offer(self, entry: Entry) -> None:
        """The hub's next event. A console busy sending something else, or behind, catches up by
        itself, so the hub never waits for one console."""
        if not self.live or entry.seq <= self.last_seq:
            return
        if self.lock.locked():
            return  # it reads the hub's memory before it lets go of the lock
        if entry.seq != self.last_seq + 1:
            self.fall_behind()
            return
        async with self.lock:
            await self._send(entry)

    def offer_now(self, entry: Entry) -> bool:
        """offer(), when nothing is in the way: a console in step, not sending anything else, whose
        socket takes the frame built once for everyone, is written to at once. A thousand consoles
        cost a thousand writes, not a thousand coroutines and locks besides."""
        if not self.live or entry.seq <= self.last_seq:
            return True
        if self.lock.locked() or entry.seq != self.last_seq + 1:
            return False
        if self.audience is not None and self.audience not in entry.shared:
            return False
        wire = self._writable()
        if wire is None or not entry.whole_for(self.audience):
            return False
        self.last_seq = entry.seq
        _write(wire.transport, [entry.frame_for(wire.factory)])
        return True

    def fall_behind(self) -> None:
        if self.live and (self.catching_up is None or self.catching_up.done()):
            self.catching_up = asyncio.get_running_loop().create_task(self._locked_catch_up())

    async def beat(self, beat: Beat) -> None:
        """A heartbeat with the latest seq this console was sent, never one it has not been; its
        frame built once for the consoles of that seq and written at once, as events are."""
        if not self.live or self.lock.locked():
            return
        wire = self._writable()
        if wire is not None:
            _write(wire.transport, [beat.frame_for(wire.factory)])
            return
        await self.base_send({"type": "websocket.send", "text": beat.text})

    # Sending

    async def _locked_catch_up(self) -> None:
        async with self.lock:
            await self._catch_up()

    async def _catch_up(self) -> None:
        """Everything after last_seq the hub has taken; call with the lock held. Nothing can come
        in between the last check and letting go of the lock, so no event is left behind."""
        hub = self.hub
        while self.live and self.last_seq < hub.seq:
            entry = hub.entry(self.last_seq + 1)
            if entry is not None:
                await self._send(entry)
                continue
            filled = await hub.backfill(self.last_seq)
            if not filled:
                await self._send_snapshot()
                continue
            for entry in filled:
                if entry.seq == self.last_seq + 1:
                    await self._send(entry)

    async def _send(self, entry: Entry) -> None:
        if self.audience is not None and self.audience not in entry.shared:
            await self.hub.decide(entry, {self.audience})
        self.last_seq = entry.seq
        wire = self._writable()
        if wire is not None and entry.whole_for(self.audience):
            _write(wire.transport, [entry.frame_for(wire.factory)])
            return
        await self.base_send({"type": "websocket.send", "text": entry.text_for(self.audience)})

    async def _send_snapshot(self) -> None:
        snapshot = await self.hub.snapshot(self.user, self.audience)
        self.last_seq = snapshot.seq
        wire = self._writable()
        if wire is not None:
            _write(wire.transport, snapshot.frame_parts(wire.factory))
            return
        await self.base_send({"type": "websocket.send", "text": snapshot.text()})

    def _writable(self) -> WebSocketProtocol | None:
        """The websocket to write a frame built once straight to, when nothing else is queued on it."""
        wire = self.wire
        if wire is not None and wire.state == WebSocketProtocol.STATE_OPEN and not wire.send_queue:
            return wire
        return None

    async def _resume(self, since: int) -> bool:
        """Start after `since`: False when a snapshot is the answer (too far behind, a seq this
        database never gave, or a unit terminal from before what this process knows of its unit)."""
        if since > self.hub.seq:
            # Perhaps from a server process a moment ahead of this one; the table knows.
            if since > await database_sync_to_async(events.latest_seq)():
                return False
        elif self.hub.seq - since > settings.CAD_STREAM_REPLAY_LIMIT:
            return False
        callsign = stream.unit_of(self.audience)
        if callsign is not None and not self.hub.unit_calls.knows(callsign, since + 1):
            return False  # which call the unit worked then is not known here: what it saw cannot be judged
        self.last_seq = since
        return True


def _websocket_of(send) -> WebSocketProtocol | None:
    """Under daphne, the websocket behind the ASGI send callable (daphne hands each application
    `partial(server.handle_reply, protocol)`): an event goes to a thousand sockets as one frame
    built once, instead of being framed and encoded again for each. None anywhere else (a test's
    communicator), where every message goes through ASGI."""
    if isinstance(send, functools.partial) and send.args and isinstance(send.args[0], WebSocketProtocol):
        return send.args[0]
    return None


def _write(transport, parts: list) -> None:
    """Write a frame built once for all the sockets it goes to (in `parts`, written one after the
    other) to one socket. With nothing waiting in Twisted's buffer the socket takes it at once (as
    asyncio's transports do): Twisted's own write would register the socket with the event loop for
    writing and write on a later turn, which measured four fifths of the cost of sending an event to
    a thousand consoles. Whatever the socket does not take goes through Twisted, in order."""
    sock = getattr(transport, "socket", None)
    if sock is None or getattr(transport, "dataBuffer", True) or getattr(transport, "_tempDataBuffer", True) \
            or not transport.connected or transport.disconnecting:
        transport.write(b"".join(parts))
        return
    try:
        sent = sock.sendmsg(parts)
    except (BlockingIOError, InterruptedError):
        sent = 0
    except OSError:
        transport.write(b"".join(parts))  # Twisted notices the connection is gone and closes it
        return
    if sent < sum(len(part) for part in parts):
        transport.write(b"".join(parts)[sent:])


def _since(scope: dict) -> int | None:
    values = parse_qs(scope.get("query_string", b"").decode(errors="replace")).get("since")
    if not values:
        return None
    try:
        since = int(values[0])
    except ValueError:
        return None
    return since if since >= 0 else None
