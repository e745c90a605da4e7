"""The stream's cost does not grow with its consoles: a server process takes each event once,
builds a snapshot once per seq, decides a partner's share once per event, and looks at every
socket's right to follow the stream in one batch."""

import asyncio
import json
import socket
import time
from datetime import datetime, timedelta

import pytest
import redis.exceptions
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.utils import timezone

from cad import admission, events, hub, stream
from tests.cad.test_stream import WAIT, connect, messages_until, new_call, run, session_headers, token_headers

pytestmark = pytest.mark.django_db(transaction=True)

CONSOLES = 12


@pytest.fixture(autouse=True)
def city(seeded_transactional_db, settings):
    settings.CAD_STREAM_POLL_SECONDS = 0.05


def counting(monkeypatch, module, name):
    """Wrap module.name so the test can read how often, and with what, it was called."""
    calls = []
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        calls.append(args)
        wrapper.keywords.append(kwargs)
        return real(*args, **kwargs)

    wrapper.keywords = []

    monkeypatch.setattr(module, name, wrapper)
    return calls


async def members_of_the_consoles_group() -> set[str]:
    layer = get_channel_layer()
    if hasattr(layer, "groups"):  # the in-memory layer
        return set(layer.groups.get(events.CONSOLE_GROUP, {}))
    connection = layer.connection(layer.consistent_hash(events.CONSOLE_GROUP))
    members = await connection.zrange(layer._group_key(events.CONSOLE_GROUP), 0, -1)
    return {m.decode() for m in members}


def test_a_burst_of_consoles_costs_one_snapshot_and_a_batch_of_admissions(monkeypatch):
    headers = [session_headers("dispatcher1") for _ in range(CONSOLES)]
    snapshots = counting(monkeypatch, hub, "snapshot_for")
    admissions = counting(monkeypatch, admission, "admit")

    async def scenario():
        before = await members_of_the_consoles_group()  # earlier tests' hubs may linger in Redis
        opened = await asyncio.gather(*(connect(h) for h in headers))
        consoles = [communicator for communicator, _, _ in opened]
        firsts = [await c.receive_json_from(timeout=WAIT) for c in consoles]
        members = await members_of_the_consoles_group() - before
        await asyncio.gather(*(c.disconnect() for c in consoles))
        return firsts, members

    firsts, members = run(scenario)
    assert {m["event"] for m in firsts} == {"snapshot"}
    assert len({m["seq"] for m in firsts}) == 1
    assert len(snapshots) == 1  # the same snapshot, built once, went to all twelve
    assert sum(len(batch[0]) for batch in admissions) == CONSOLES
    assert len(admissions) <= 2  # looked up together, not one by one
    assert len(members) == 1  # the process is in the consoles' group once, not once per console


def test_a_partners_share_of_an_event_is_decided_once_for_all_its_programs(monkeypatch):
    headers = token_headers("DCSO")
    decisions = counting(monkeypatch, stream, "shared_with")

    async def scenario():
        consoles = [(await connect(headers))[0] for _ in range(CONSOLES)]
        starts = [(await c.receive_json_from(timeout=WAIT))["seq"] for c in consoles]
        decisions.clear()
        await sync_to_async(new_call)()
        got = [await messages_until(c, s + 1) for c, s in zip(consoles, starts, strict=True)]
        await asyncio.gather(*(c.disconnect() for c in consoles))
        return got

    got = run(scenario)
    assert all(messages[-1]["event"] == "skip" for messages in got)  # not shared with DCSO
    assert len(decisions) == 1


def test_every_socket_is_looked_at_again_in_one_batch_at_the_heartbeat(monkeypatch, settings):
    settings.CAD_STREAM_HEARTBEAT_SECONDS = 0.2
    headers = [session_headers("dispatcher1") for _ in range(CONSOLES)]
    admissions = counting(monkeypatch, admission, "admit")

    async def scenario():
        consoles = [(await connect(h))[0] for h in headers]
        for c in consoles:
            await c.receive_json_from(timeout=WAIT)
        beats = [await c.receive_json_from(timeout=WAIT) for c in consoles]
        await asyncio.gather(*(c.disconnect() for c in consoles))
        return beats

    beats = run(scenario)
    assert {b["event"] for b in beats} == {"heartbeat"}
    # Sockets are admitted on connect with refusals audited; the heartbeat's looks are the others.
    keywords = admission.admit.keywords
    heartbeats = [len(batch[0]) for batch, kw in zip(admissions, keywords, strict=True)
                  if not kw.get("audit_refusals")]
    assert heartbeats[:1] == [CONSOLES]


def test_a_console_resuming_from_a_seq_the_process_holds_reads_nothing_from_the_table(monkeypatch):
    async def scenario():
        follower, _, _ = await connect("dispatcher1")  # keeps the process's hub running
        start = (await follower.receive_json_from(timeout=WAIT))["seq"]
        for n in range(3):
            await sync_to_async(new_call)(f"{3 + n}10 MAIN ST")
        await messages_until(follower, start + 3)
        reads = counting(monkeypatch, hub, "announcements_between")
        resumed, _, _ = await connect("dispatcher2", f"?since={start}")
        replayed = await messages_until(resumed, start + 3)
        await follower.disconnect()
        await resumed.disconnect()
        return start, replayed, reads

    start, replayed, reads = run(scenario)
    assert [m["seq"] for m in replayed] == [start + 1, start + 2, start + 3]
    assert reads == []


class Transport:
    """What of Twisted's TCP transport the stream's writer uses, over a real socket."""

    def __init__(self, sock):
        self.socket = sock
        self.dataBuffer = b""
        self._tempDataBuffer = []
        self.connected = True
        self.disconnecting = False
        self.written = []

    def write(self, data):
        self.written.append(data)


def test_a_frame_the_socket_cannot_take_at_once_goes_on_through_twisted_in_order():
    from cad.consumers import _write

    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    transport = Transport(ours)
    frame = bytes(range(256)) * 4096  # far more than the socket's buffer
    _write(transport, [memoryview(frame)[:1000], b"clock", memoryview(frame)[1000:]])
    whole = frame[:1000] + b"clock" + frame[1000:]
    taken = len(whole) - len(transport.written[0])
    assert 0 < taken < len(whole)
    assert transport.written[0] == whole[taken:]  # the rest, in order, after what the socket took

    transport.written.clear()
    transport._tempDataBuffer = [b"waiting"]
    _write(transport, [b"next"])  # something is still waiting in Twisted's buffer: queue behind it
    assert transport.written == [b"next"]
    ours.close()
    theirs.close()


class CancelBecomesTimeout:
    """A channel layer whose waiting read, when cancelled, raises redis-py's TimeoutError instead, as
    redis-py's own read does on Python 3.11 when the cancel meets the read's timeout."""

    outages = 0

    def __init__(self):
        self.converting = True

    async def group_add(self, group, channel):
        pass

    async def group_discard(self, group, channel):
        pass

    async def receive(self, channel):
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError as error:
            if self.converting:
                raise redis.exceptions.TimeoutError("Timeout reading from 127.0.0.1:6379") from error
            raise


def test_a_hub_told_to_stop_stops_even_when_the_cancel_reaches_it_as_a_redis_timeout():
    layer = CancelBecomesTimeout()

    async def scenario():
        stream_hub = hub.StreamHub(asyncio.get_running_loop())
        stream_hub.layer = layer
        await stream_hub.ready
        await asyncio.sleep(0.1)  # listening
        for task in stream_hub.tasks:
            task.cancel()
        _, still_running = await asyncio.wait(stream_hub.tasks, timeout=WAIT)
        layer.converting = False  # so the test's own event loop can shut down either way
        for task in still_running:
            task.cancel()
        return still_running

    assert run(scenario) == set()  # the event loop's shutdown waits for every task (CI hung on it)


def test_a_snapshots_frame_is_built_once_and_carries_the_clock_of_each_sending():
    from autobahn.twisted.websocket import WebSocketServerFactory

    factory = WebSocketServerFactory()
    snapshot = hub.snapshot_for(get_user_model().objects.get(username="dispatcher1"))
    first = snapshot.frame_parts(factory)
    time.sleep(0.002)
    second = snapshot.frame_parts(factory)
    assert len(snapshot.frames) == 1  # one frame for every console that gets this snapshot
    assert first[0].obj is second[0].obj and first[2].obj is second[2].obj  # the same bytes, not copies
    assert first[1] != second[1]  # each sending has its own clock

    frame = b"".join(second)
    assert frame[0] == 0x81  # one whole text frame
    length, start = frame[1] & 0x7F, 2
    if length == 126:
        length, start = int.from_bytes(frame[2:4], "big"), 4
    elif length == 127:
        length, start = int.from_bytes(frame[2:10], "big"), 10
    message = json.loads(frame[start:])
    assert len(frame) - start == length
    assert message["event"] == "snapshot" and message["seq"] == snapshot.seq
    assert message["now"] == second[1].decode()
    assert datetime.fromisoformat(message["now"]) - timezone.now() < timedelta(seconds=5)


def test_a_change_made_in_this_process_is_on_its_consoles_when_the_service_returns(monkeypatch, settings):
    """Its own consoles are handed the event directly: not after the channel layer's round trip (here
    a layer that loses everything), nor after the hub's next look at the table."""
    from channels.db import database_sync_to_async

    settings.CAD_STREAM_POLL_SECONDS = 30
    lost = []

    class Losing:
        async def group_send(self, group, message):
            lost.append(message["seq"])

    async def scenario():
        console, _, _ = await connect("dispatcher1")
        await console.receive_json_from(timeout=WAIT)  # the snapshot
        monkeypatch.setattr(events, "get_channel_layer", Losing)
        call = await database_sync_to_async(new_call)()
        waiting = console.output_queue.qsize()
        message = await console.receive_json_from(timeout=WAIT)
        await console.disconnect()
        return call, waiting, message

    call, waiting, message = run(scenario)
    assert waiting == 1
    assert (message["event"], message["data"]["number"]) == ("call.created", call.number)
    assert lost == [message["seq"]]  # Redis was still told, for the other server processes


class Away:
    """A channel layer whose Redis refuses every connection."""

    outages = 1

    async def group_add(self, group, channel):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    async def receive(self, channel):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_redis_away_is_one_line_with_its_reason_in_the_log_not_a_traceback(caplog):
    async def scenario():
        stream_hub = hub.StreamHub(asyncio.get_running_loop())
        stream_hub.layer, stream_hub.channel = Away(), "cad-stream.test"
        await stream_hub._subscribe()
        listening = asyncio.get_running_loop().create_task(stream_hub._listen())
        await asyncio.sleep(0.1)
        listening.cancel()
        stream_hub.stopped = True
        await asyncio.gather(listening, return_exceptions=True)

    with caplog.at_level("WARNING", logger="cad.hub"):
        run(scenario)
    said = [r.getMessage() for r in caplog.records if r.name == "cad.hub"]
    assert said[:2] == [
        "Channel layer unavailable; the stream follows the database "
        "(ConnectionError: Error 111 connecting to 127.0.0.1:6379. Connection refused.)",
        "Channel layer read failed; retrying in 1 s "
        "(ConnectionError: Error 111 connecting to 127.0.0.1:6379. Connection refused.)"]
    assert all(r.exc_info is None for r in caplog.records if r.name == "cad.hub")
