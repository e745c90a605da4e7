"""The live stream's hub: one per server process, between the channel layer and its consoles.

A console is any follower with the ConsoleConsumer's few methods (offer_now, offer, fall_behind,
beat, end) and attributes (user, credentials, audience, last_seq): other apps' sockets (the calls'
EIDO conveyance, /ws/eido/) follow the same one subscription rather than reading the table each.

Each event reaches the process once (the hub is the process's one member of the consoles' group,
whatever the number of consoles), is encoded once, and is written to every console that follows
it; whether an agency's programs may see it is decided once per event and agency. A gap (a
message the channel layer lost, Redis away) is repaired from the Event table once for the
process, which also looks at the table every CAD_STREAM_POLL_SECONDS, so consoles keep up while
Redis is away. The latest events stay in memory for consoles catching up.

What a connect costs does not grow with the number of consoles: the snapshot is built once per
seq for all the consoles that see the same (the center's staff; each agency) and sent as the same
text; sockets are admitted in batches. Heartbeats, and the look at whether each socket may still
follow the stream, go to all the sockets of the process at once.
"""

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cad import admission, events, stream

if TYPE_CHECKING:
    from cad.consumers import ConsoleConsumer  # or any follower with its methods

logger = logging.getLogger(__name__)

WINDOW = 1000  # events kept in memory for consoles catching up; older ones are read from the table
# How long a thread that committed an event waits while this process's consoles are sent it.
HERE_WAIT_SECONDS = 0.25
BEATS_AT_ONCE = 100  # heartbeats written before the loop turns to anything else waiting
GROUP_REFRESH_SECONDS = 60  # joined again now and then: a restarted Redis has forgotten the group


@dataclass
class Entry:
    """An event as consoles are sent it: the text once for everyone it is shared with, and per
    agency whether it is (and, where an app narrows the event for agencies, that agency's text)."""

    seq: int
    text: str
    call_id: int | None
    agency_code: str
    event: str = ""
    data: dict | None = None
    shared: dict[str, bool] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    frame: bytes | None = None

    @classmethod
    def of(cls, announcement: dict) -> "Entry":
        text = json.dumps({"event": announcement["event"], "seq": announcement["seq"],
                           "data": announcement["data"]})
        return cls(announcement["seq"], text, announcement.get("call_id"),
                   announcement.get("agency_code") or "", announcement["event"], announcement["data"])

    def announcement(self) -> dict:
        """The event as Event.announcement() gives it, for the apps' rules."""
        return {"seq": self.seq, "call_id": self.call_id, "agency_code": self.agency_code,
                "event": self.event, "data": self.data}

    def text_for(self, audience: str | None) -> str:
        """What a console of `audience` is sent (decided beforehand for an agency)."""
        if audience is None:
            return self.text
        if self.shared[audience]:
            return self.texts.get(audience, self.text)
        # Not that agency's: it still learns the seq moved, so it sees no gap.
        return f'{{"event": "skip", "seq": {self.seq}}}'

    def whole_for(self, audience: str | None) -> bool:
        """Whether `audience` is sent the text everyone else is (its frame is built once)."""
        return audience is None or (self.shared[audience] and audience not in self.texts)

    def frame_for(self, factory) -> bytes:
        """The websocket frame of `text`, built once for every socket it goes to."""
        if self.frame is None:
            self.frame = factory.prepareMessage(self.text.encode()).payloadHybi
        return self.frame


@dataclass
class Beat:
    """A heartbeat's text, and its websocket frame built once for the consoles it goes to."""

    text: str
    frame: bytes | None = None

    def frame_for(self, factory) -> bytes:
        if self.frame is None:
            self.frame = factory.prepareMessage(self.text.encode()).payloadHybi
        return self.frame


@dataclass(frozen=True)
class Snapshot:
    """A console's first message, ready to send but for the server's clock, put in at sending."""

    seq: int
    head: str
    tail: str
    frames: list = field(default_factory=list, compare=False, repr=False)  # built at the first send

    def text(self) -> str:
        return f"{self.head}{now()}{self.tail}"

    def frame_parts(self, factory) -> list:
        """The websocket frame of text(), as the parts to write one after the other: the frame and
        the text around the clock are built once for every console that gets this snapshot (a
        thousand consoles reconnecting cost one copy of it, not three each); the clock is put in
        per socket, in a place of its own (it is always as long)."""
        frame, at = self._frame(factory)
        return [frame[:at], now().encode(), frame[at + CLOCK_LENGTH:]]

    def _frame(self, factory) -> tuple[memoryview, int]:
        if not self.frames:
            head, tail = self.head.encode(), self.tail.encode()
            frame = factory.prepareMessage(head + b"0" * CLOCK_LENGTH + tail).payloadHybi
            header = len(frame) - len(head) - CLOCK_LENGTH - len(tail)
            self.frames.append((memoryview(frame), header + len(head)))
        return self.frames[0]


CLOCK_LENGTH = len("2026-01-01T00:00:00.000000Z")


def now() -> str:
    """The server's clock, so consoles can correct their timers for a drifting workstation clock;
    in UTC, always to the microsecond (so always as long: a snapshot's frame keeps its place)."""
    return timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class StreamHub:
    """The consoles of this process on one event loop, while there are any."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.consumers: set[ConsoleConsumer] = set()
        self.seq = 0
        self.entries: dict[int, Entry] = {}
        self.stopped = False
        self.advancing = asyncio.Lock()  # events are taken one at a time, in seq order
        self.backfilling = asyncio.Lock()
        self.snapshots: dict[str | None, Snapshot] = {}
        self.building: dict[str | None, asyncio.Task] = {}
        self.waiting: list[tuple[admission.Credentials, asyncio.Future]] = []
        self.admitting: asyncio.Task | None = None
        self.unit_calls = stream.UnitCalls()  # which call each unit works, for unit terminals
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.subscribed: tuple[int, float] | None = None  # (the layer's outages, when) at the last join
        self.tasks: list[asyncio.Task] = []
        self.ready = loop.create_task(self._start())

    async def _start(self) -> None:
        self.seq = await database_sync_to_async(events.latest_seq)()
        if self.layer is not None:
            # A plain channel of its own (not a "specific!" one): channels-redis shares one receive
            # lock among a process's specific channels, which a hub on another event loop (tests) would
            # find still held.
            self.channel = f"cad-stream.{uuid.uuid4().hex}"
            await self._subscribe()
            self.tasks.append(self.loop.create_task(self._listen()))
        self.tasks.append(self.loop.create_task(self._watch()))

    def leave(self, consumer: "ConsoleConsumer") -> None:
        self.consumers.discard(consumer)
        if not self.consumers and not self.stopped:
            self.stopped = True
            for task in self.tasks:
                task.cancel()
            if self.channel is not None:
                self.loop.create_task(self._unsubscribe())

    # Events in

    async def _subscribe(self) -> None:
        outages = getattr(self.layer, "outages", 0)
        if self.subscribed is not None and self.subscribed[0] == outages \
                and self.loop.time() - self.subscribed[1] < GROUP_REFRESH_SECONDS:
            return
        try:
            await self.layer.group_add(events.CONSOLE_GROUP, self.channel)
            self.subscribed = (outages, self.loop.time())
        except Exception as error:
            _stop_if_cancelled()
            # Redis is away: the consoles follow the Event table until it returns.
            self.subscribed = None
            _layer_away("Channel layer unavailable; the stream follows the database", error)

    async def _unsubscribe(self) -> None:
        try:
            await self.layer.group_discard(events.CONSOLE_GROUP, self.channel)
        except Exception:
            logger.debug("group_discard failed", exc_info=True)

    async def _listen(self) -> None:
        while not self.stopped:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                _stop_if_cancelled()
                _layer_away("Channel layer read failed; retrying in 1 s", error)
                await asyncio.sleep(1)
                continue
            if message.get("type") == "cad.event":
                await self.arrive(message)

    async def _watch(self) -> None:
        """Once in CAD_STREAM_POLL_SECONDS: what the table holds that the channel layer did not
        bring; once in CAD_STREAM_HEARTBEAT_SECONDS, the heartbeats."""
        next_heartbeat = self.loop.time() + settings.CAD_STREAM_HEARTBEAT_SECONDS
        while not self.stopped:
            await asyncio.sleep(settings.CAD_STREAM_POLL_SECONDS)
            try:
                if self.channel is not None:
                    await self._subscribe()
                latest = await database_sync_to_async(events.latest_seq)()
                if latest > self.seq:
                    async with self.advancing:
                        await self._repair(latest)
            except Exception:
                _stop_if_cancelled()
                logger.warning("Stream catch-up failed; retrying", exc_info=True)
            if self.loop.time() >= next_heartbeat:
                # Heartbeats go out even while catch-up fails, so consoles do not all reconnect.
                next_heartbeat = self.loop.time() + settings.CAD_STREAM_HEARTBEAT_SECONDS
                try:
                    await self._heartbeat()
                except Exception:
                    _stop_if_cancelled()
                    logger.warning("Heartbeat failed", exc_info=True)

    async def arrive(self, announcement: dict) -> None:
        """An event from the channel layer: sent to every console in its place, after any it
        follows that did not come (read from the table)."""
        seq = announcement["seq"]
        if seq <= self.seq:
            return
        async with self.advancing:
            if seq <= self.seq:
                return
            if seq > self.seq + 1:
                await self._repair(seq - 1)
            await self._fan_out(Entry.of(announcement))

    async def _repair(self, until: int) -> None:
        """Take the events after self.seq up to `until` from the table (holding `advancing`)."""
        rows = await database_sync_to_async(announcements_between)(self.seq, until)
        if rows is None:
            # Too many, or gone: each console catches up by itself (a snapshot, built once).
            self.entries.clear()
            self.seq = until
            for consumer in list(self.consumers):
                consumer.fall_behind()
            return
        for row in rows:
            await self._fan_out(Entry.of(row))

    async def _fan_out(self, entry: Entry) -> None:
        self.entries[entry.seq] = entry
        self.entries.pop(entry.seq - WINDOW, None)
        self.seq = entry.seq
        self.unit_calls.follow(entry.announcement())
        consumers = list(self.consumers)
        for consumer in consumers:
            if consumer.audience is None and not consumer.offer_now(entry):
                await consumer.offer(entry)
        agencies = {c.audience for c in consumers if c.audience is not None}
        if agencies:
            await self.decide(entry, agencies)
            for consumer in consumers:
                if consumer.audience is not None and not consumer.offer_now(entry):
                    await consumer.offer(entry)

    async def decide(self, entry: Entry, agencies: set[str]) -> None:
        """Whether each of `agencies` (and unit terminals) may see `entry`, and what of it, once per
        event and audience. A unit terminal's is decided here, from the event and the calls the
        units work (no query, no thread); an agency's in a thread, where its rules may ask the
        database."""
        undecided = agencies - entry.shared.keys()
        units = {a for a in undecided if stream.unit_of(a) is not None}
        if units:
            entry.shared.update(unit_verdicts(entry, units, self.unit_calls))
            undecided -= units
        if undecided:
            announcement = entry.announcement()
            shared, texts = await database_sync_to_async(lambda: verdicts(entry, announcement, undecided))()
            entry.texts.update(texts)
            entry.shared.update(shared)

    # Consoles catching up

    def entry(self, seq: int) -> Entry | None:
        return self.entries.get(seq)

    async def backfill(self, since: int) -> list[Entry] | None:
        """The events after `since` that memory no longer (or not yet) holds, from the table once
        for all the consoles asking; None when a snapshot is cheaper or they are gone."""
        async with self.backfilling:
            until = min(self.entries) - 1 if self.entries else self.seq
            if since >= until:
                return []
            rows = await database_sync_to_async(announcements_between)(since, until)
            if rows is None:
                return None
            filled = [Entry.of(row) for row in rows]
            if len(self.entries) + len(filled) <= WINDOW:
                self.entries.update((e.seq, e) for e in filled)
            return filled

    async def snapshot(self, user, audience: str | None) -> Snapshot:
        """What a console of `audience` gets on connect: built once per seq, shared by all."""
        cached = self.snapshots.get(audience)
        if cached is not None and cached.seq >= self.seq and audience not in self.building:
            return cached
        building = self.building.get(audience)
        if building is None:
            building = self.building[audience] = self.loop.create_task(self._build(user, audience))
        return await asyncio.shield(building)

    async def _build(self, user, audience: str | None) -> Snapshot:
        try:
            built = await database_sync_to_async(snapshot_for)(user, audience)
            self.snapshots[audience] = built
            return built
        finally:
            self.building.pop(audience, None)

    async def admit(self, credentials: admission.Credentials) -> admission.Admission:
        """Who the socket is: looked up with every other socket waiting at that moment."""
        waiting = self.loop.create_future()
        self.waiting.append((credentials, waiting))
        if self.admitting is None or self.admitting.done():
            self.admitting = self.loop.create_task(self._admit())
        return await waiting

    async def _admit(self) -> None:
        while self.waiting:
            await asyncio.sleep(0)  # let the sockets opening in this same moment join the batch
            batch, self.waiting = self.waiting, []
            try:
                answers = await database_sync_to_async(admission.admit)(
                    [c for c, _ in batch], audit_refusals=True)
            except Exception as error:
                for _, waiting in batch:
                    waiting.set_exception(error)
                continue
            for (_, waiting), answer in zip(batch, answers, strict=True):
                callsign = stream.unit_of(answer.audience)
                if callsign is not None:
                    self.unit_calls.seed(callsign, answer.call_id, self.seq)
                waiting.set_result(answer)

    async def _heartbeat(self) -> None:
        """Every socket looked at again (signed out, token revoked, role taken away) in one batch;
        then the latest seq to each that may go on."""
        consumers = [c for c in self.consumers if c.user is not None]
        answers = await database_sync_to_async(admission.admit)([c.credentials for c in consumers])
        beats: dict[int, Beat] = {}
        for written, (consumer, answer) in enumerate(zip(consumers, answers, strict=True), 1):
            if written % BEATS_AT_ONCE == 0:
                await asyncio.sleep(0)  # an event committed meanwhile is not held behind every beat
            if consumer not in self.consumers:
                continue
            refusal = answer.refusal
            if refusal is None and answer.user.pk != consumer.user.pk:
                refusal = admission.CLOSE_UNAUTHENTICATED  # signed out, and in as someone else
            elif refusal is None and answer.audience != consumer.audience:
                refusal = admission.CLOSE_FORBIDDEN
            if refusal is not None:
                await consumer.end(refusal)
                continue
            seq = consumer.last_seq
            if seq not in beats:
                beats[seq] = Beat(json.dumps({"event": "heartbeat", "seq": seq, "now": now()}))
            await consumer.beat(beats[seq])


def verdicts(entry: Entry, announcement: dict, agencies: set[str]) -> tuple[dict[str, bool], dict[str, str]]:
    """For each agency: may its programs see the event; and the text of those that read less of it
    than the center does."""
    shared, texts = {}, {}
    for code in agencies:
        shared[code] = stream.shared_with(announcement, code)
        narrowed = stream.seen_by(announcement, code) if shared[code] else None
        if narrowed is not None:
            texts[code] = json.dumps({"event": entry.event, "seq": entry.seq, "data": narrowed})
    return shared, texts


def unit_verdicts(entry: Entry, audiences: set[str], unit_calls: stream.UnitCalls) -> dict[str, bool]:
    """For each unit terminal's audience: may it see the event. From the event and the call each
    unit worked at its seq, as the hub learnt them from the events: no query, whatever their number."""
    announcement = entry.announcement()
    return {audience: unit_calls.sees(announcement, stream.unit_of(audience)) for audience in audiences}


def _layer_away(said: str, error: Exception) -> None:
    """Redis away is an outage the stream rides out, not a fault of its own: one line with the
    reason (the traceback only at DEBUG), not forty for each second it lasts."""
    logger.warning("%s (%s: %s)", said, type(error).__name__, error)
    logger.debug("Channel layer error", exc_info=error)


def _stop_if_cancelled() -> None:
    """Stop the hub's task (raise CancelledError) if it was asked to stop. A cancel can reach a
    Redis read as redis-py's TimeoutError instead (asyncio.timeout on Python 3.11, when the cancel
    meets the read's own timeout); a loop that takes it for an outage and retries never ends, and
    neither does the event loop's shutdown waiting for it."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def announcements_between(since: int, until: int) -> list[dict] | None:
    """The events after `since` up to `until` from the table; None when they are too many (a
    snapshot is cheaper), gone (pruned) or from another database."""
    latest = events.latest_seq()
    if since > latest or until > latest or until - since > settings.CAD_STREAM_REPLAY_LIMIT:
        return None
    if until <= since:
        return []
    rows = [row.announcement()
            for row in events.Event.objects.filter(seq__gt=since, seq__lte=until).order_by("seq")]
    return rows if len(rows) == until - since else None


def snapshot_for(user, audience: str | None = None) -> Snapshot:
    """Everything the apps put in a snapshot (every call not yet closed, every unit, every open
    alert), as `user` may see it, with the seq it reflects, encoded; a unit terminal's is its own
    (its unit, its call and the units on it)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One view of the database for the seq and the rows, so they agree exactly.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        seq = events.latest_seq()
        callsign = stream.unit_of(audience)
        data = stream.unit_snapshot(callsign) if callsign is not None else stream.snapshot(user)
    return Snapshot(seq, f'{{"event": "snapshot", "seq": {seq}, "now": "', f'", "data": {json.dumps(data)}}}')


_hub: StreamHub | None = None


def deliver_here(message: dict) -> None:
    """An event this process committed, to its own consoles at once, instead of after the round trip
    through Redis (which still brings it to the other processes, and here again to be ignored: the
    hub takes each seq once, in order). The thread that committed it waits while they are sent,
    so a request's own answer (a new call's likely duplicates, its detail) is built after the
    consoles have it, not beside the fan-out, both fighting for the interpreter; and by the time
    the request is answered, every console of its process holds the change. The wait is bounded:
    a busy loop delays the answer by HERE_WAIT_SECONDS at most, never the consoles."""
    hub = _hub
    if hub is None or hub.stopped or not hub.ready.done() or not hub.loop.is_running():
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    try:
        if running is hub.loop:
            hub.loop.create_task(hub.arrive(message))
            return
        asyncio.run_coroutine_threadsafe(hub.arrive(message), hub.loop).result(timeout=HERE_WAIT_SECONDS)
    except Exception:
        # Not sent here yet (a slow loop, or the loop closing): the channel layer's copy or the
        # hub's look at the table brings it.
        logger.debug("Event %s not handed to this process's consoles directly", message.get("seq"),
                     exc_info=True)


async def hub_join(consumer: "ConsoleConsumer") -> StreamHub:
    """The hub of this process (started with the first console), with `consumer` in it."""
    global _hub
    loop = asyncio.get_running_loop()
    if _hub is None or _hub.stopped or _hub.loop is not loop \
            or (_hub.ready.done() and _hub.ready.exception() is not None):
        _hub = StreamHub(loop)
    hub = _hub
    hub.consumers.add(consumer)
    try:
        await asyncio.shield(hub.ready)
    except BaseException:
        hub.leave(consumer)
        raise
    return hub


events.here_listen(deliver_here)


def connected() -> int:
    """How many sockets this process's hub holds."""
    return len(_hub.consumers) if _hub is not None else 0
