"""Two daphne processes sharing PostgreSQL and Redis, as production runs: an event made through
one reaches consoles on the other, and consoles keep up while Redis is away.

These need PostgreSQL (DATABASE_URL) and the redis-server program; each module run starts a Redis
of its own on a free port, so stopping it disturbs nothing else.
"""

import json
import os
import shutil
import subprocess
import time

import pytest
from websockets.sync.client import connect

from tests.servers import Site, free_port

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres") or not shutil.which("redis-server"),
    reason="needs PostgreSQL (DATABASE_URL) and redis-server; CI has both",
)


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                              text=True).stdout.strip() == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)


@pytest.fixture(scope="module")
def redis_server():
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory, redis_server):
    site = Site(tmp_path_factory.mktemp("two-servers"), name="streams", redis_url=redis_server.url).prepare()
    site.first, site.second = site.start(), site.start()
    site.cpd = site.token("CPD")
    yield site
    site.stop()


def stream(server, token, since=None):
    query = f"?since={since}" if since is not None else ""
    return connect(f"ws://127.0.0.1:{server.port}/ws/console/{query}",
                   additional_headers={"Authorization": f"Token {token}"}, open_timeout=10)


def next_event(socket, timeout=5.0):
    """The next message that is not a heartbeat."""
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(socket.recv(timeout=max(0.01, deadline - time.monotonic())))
        if message["event"] != "heartbeat":
            return message


def new_call(server, token, address="310 MAIN ST"):
    status, call = server.api("POST", "calls/", token, {
        "call_type": "ROBBERY", "location": {"address": address}, "source": "911"})
    assert status == 201, call
    return call


def test_a_call_made_through_one_server_reaches_a_console_on_the_other(site):
    with stream(site.second, site.cpd) as console:
        snapshot = next_event(console)
        call = new_call(site.first, site.cpd)
        created = next_event(console)

    assert snapshot["event"] == "snapshot"
    assert created["event"] == "call.created"
    assert created["seq"] == snapshot["seq"] + 1
    assert created["data"]["number"] == call["number"]


def test_both_servers_give_the_same_seq_to_the_same_event(site):
    with stream(site.first, site.cpd) as one, stream(site.second, site.cpd) as two:
        next_event(one), next_event(two)
        call = new_call(site.second, site.cpd)
        status, _ = site.first.api("POST", f"calls/{call['id']}/dispatch/", site.cpd, {"units": ["1A11"]})
        assert status == 200
        seen_one = [next_event(one) for _ in range(3)]
        seen_two = [next_event(two) for _ in range(3)]

    assert [(m["seq"], m["event"]) for m in seen_one] == [(m["seq"], m["event"]) for m in seen_two]
    assert [m["event"] for m in seen_one] == ["call.created", "call.updated", "unit.updated"]


def test_while_redis_is_away_writes_succeed_and_consoles_still_follow_then_resume(site, redis_server):
    with stream(site.second, site.cpd) as console:
        start = next_event(console)["seq"]
        redis_server.stop()
        try:
            during = new_call(site.first, site.cpd, "320 MAIN ST")  # the write is not lost
            seen_during = next_event(console, timeout=10)  # read back from the database
        finally:
            redis_server.start()
        time.sleep(1)
        after = new_call(site.first, site.cpd, "330 MAIN ST")
        seen_after = next_event(console, timeout=10)

    assert (seen_during["seq"], seen_during["data"]["number"]) == (start + 1, during["number"])
    assert (seen_after["seq"], seen_after["data"]["number"]) == (start + 2, after["number"])


def test_a_console_that_reconnects_to_the_other_server_gets_exactly_what_it_missed(site):
    with stream(site.first, site.cpd) as console:
        last = next_event(console)["seq"]
    missed = [new_call(site.first, site.cpd, f"{n}10 MAIN ST")["number"] for n in (3, 4, 5)]
    with stream(site.second, site.cpd, since=last) as console:
        replayed = [next_event(console) for _ in range(3)]
        with pytest.raises(TimeoutError):
            next_event(console, timeout=0.7)

    assert [m["seq"] for m in replayed] == [last + 1, last + 2, last + 3]
    assert [m["data"]["number"] for m in replayed] == missed


def test_redis_restarted_under_calls_at_ten_a_second_no_write_fails_and_every_console_converges(
        site, redis_server):
    """Sixty consoles over both servers; Redis is killed for two seconds while calls keep coming
    at ten a second: every POST is saved, and within five seconds of Redis returning every console
    holds every call, in seq order without a gap."""
    import asyncio
    import threading

    import websockets

    consoles, calls = 60, 40
    posted, failures, back = [], [], {}

    def post_calls():
        for n in range(calls):
            started = time.monotonic()
            if n == 10:
                redis_server.stop()
            if n == 30:
                redis_server.start()
                back["at"] = time.monotonic()
            address = f"{(n % 8 + 1) * 100 + 10} MAIN ST"
            status, call = site.first.api("POST", "calls/", site.cpd, {
                "call_type": "NOISE", "location": {"address": address}, "source": "911"})
            (posted.append(call["number"]) if status == 201 else failures.append((status, call)))
            time.sleep(max(0.0, 0.1 - (time.monotonic() - started)))

    async def follow(server, held):
        async with websockets.connect(f"ws://127.0.0.1:{server.port}/ws/console/",
                                      additional_headers={"Authorization": f"Token {site.cpd}"}) as ws:
            last = json.loads(await ws.recv())["seq"]
            held["ready"] = True
            while not held.get("stop"):
                try:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 0.2))
                except TimeoutError:
                    continue
                if message["event"] == "heartbeat":
                    continue
                assert message["seq"] == last + 1, (message["seq"], last)  # no gap, no repeat
                last = message["seq"]
                if message["event"] == "call.created":
                    held.setdefault("numbers", set()).add(message["data"]["number"])
                    held["at"] = time.monotonic()

    async def scenario():
        held = [{} for _ in range(consoles)]
        servers = [site.first, site.second]
        tasks = [asyncio.create_task(follow(servers[i % 2], h)) for i, h in enumerate(held)]
        while not all(h.get("ready") for h in held):
            await asyncio.sleep(0.05)
        writer = threading.Thread(target=post_calls)
        writer.start()
        await asyncio.to_thread(writer.join)
        deadline = back["at"] + 5
        while time.monotonic() < deadline and not all(set(posted) <= h.get("numbers", set()) for h in held):
            await asyncio.sleep(0.05)
        for h in held:
            h["stop"] = True
        await asyncio.gather(*tasks)
        return held

    # In a thread of its own: a browser test earlier in the run may leave an event loop running here.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(asyncio.run, scenario()).result()
    assert failures == []
    assert len(posted) == calls
    missing = [len(set(posted) - h.get("numbers", set())) for h in held]
    assert missing == [0] * consoles
    assert max(h["at"] for h in held) - back["at"] < 5
