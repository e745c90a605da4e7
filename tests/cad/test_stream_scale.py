"""The stream scale bench (`bench --stream-scale`) end to end at a small scale, so it does not rot:
every case runs, and its figures come from the consoles' real arrivals."""

import json
import shutil
import sys

import pytest
from websockets.sync.client import connect

from cad.stream_scale.bare import BareServer
from cad.stream_scale.calls import trigger_calls
from cad.stream_scale.cases import Scale, StreamScale
from cad.stream_scale.figures import DEADLINE, Delivery
from tests.servers import Site

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads the servers' processes from /proc")

SMALL = Scale(consoles=10, calls=5, rate=10, sustained_rate=20, sustained_seconds=1, idle_seconds=1,
              redis_down_seconds=1, client_processes=2, connect_rate=200, posting_threads=2)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stream-scale")
    site = Site(folder, name="scale").prepare()
    said = []
    bench = StreamScale(said.append, env=site.env, token=site.token("CPD"), scale=SMALL, folder=folder)
    try:
        results = bench.run(redis=bool(site.redis_url), private_redis=bool(shutil.which("redis-server")))
    finally:
        bench.stop()
    return results, "\n".join(said), site


def sane(delivery: Delivery) -> bool:
    return 0 < delivery.p(0.5) <= delivery.p(0.99) <= delivery.p(1) < DEADLINE * 1000


def test_every_console_gets_every_call_from_the_bare_server_and_the_cad(run):
    results, said, site = run
    cases = [(2, 1), (10, 1)] + ([(20, 2)] if site.redis_url else [])

    assert sorted(results.bare) == [2, 10, 20]
    assert sorted(results.cad) == cases
    for delivery in [*results.bare.values(), *results.cad.values()]:
        assert delivery.reach == 1.0
        assert delivery.dropped == delivery.duplicates == 0
        assert sane(delivery)
    assert all(posted.failed == 0 and len(posted.sent) == 5 for posted in results.posts.values())
    assert "p99/bare" in said


def test_the_bare_server_sends_the_call_the_cad_sent_with_its_own_number(run):
    results, said, _ = run
    sample = results.sample
    assert sample["call_type"]["code"] == "FIGHT" and sample["location"]["address"].endswith("MAIN ST")
    assert f"({len(json.dumps(sample))} bytes of data)" in said

    bare = BareServer(sample)
    try:
        with connect(f"{bare.ws_url}/") as console:
            assert json.loads(console.recv(timeout=10))["event"] == "snapshot"
            trigger_calls(bare.ws_url, 1, 10)
            event = json.loads(console.recv(timeout=10))
    finally:
        bare.stop()
    assert event["event"] == "call.created"
    assert event["data"] == {**sample, "number": "B-000001"}


def test_two_server_processes_without_redis_are_refused_with_the_reason(run):
    results, said, site = run
    if site.redis_url:
        pytest.skip("with REDIS_URL the case runs")

    assert "skipped: several server processes need REDIS_URL" in said


def test_the_burst_idle_and_sustained_cases_report_what_the_consoles_saw(run):
    results, said, _ = run
    delivery, posted = results.sustained

    assert (results.burst.opened, results.burst.failed) == (10, 0)
    assert 0 < results.burst.seconds < 30
    assert results.burst_problems == 0
    assert results.idle_cpu_percent >= 0 and results.idle_kib_a_console is not None
    assert len(posted.sent) > 0 and delivery.reach == 1.0 and sane(delivery)
    assert results.bare_sustained.reach == 1.0 and sane(results.bare_sustained)
    assert all(line in said for line in ("b. Burst", "c. Sustained", "d. Idle cost",
                                         "the bare broadcast server at the same rate"))


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs the redis-server program")
def test_with_redis_killed_no_post_fails_and_every_console_converges(run):
    results, _, _ = run
    delivery, posted = results.redis

    assert posted.failed == 0 and len(posted.sent) == 50
    assert delivery.reach == 1.0
    assert results.converged_seconds is not None and results.converged_seconds < 5


def test_a_call_a_console_never_received_lowers_the_reach_and_a_late_one_is_not_counted():
    sent = {"A": 100.0, "B": 100.5}
    arrivals = {"A": [100.01, 100.02], "B": [100.52, 100.5 + DEADLINE + 1]}

    delivery = Delivery.of(2, sent, arrivals)

    assert delivery.reach == 0.75
    assert sorted(round(ms) for ms in delivery.latencies) == [10, 20, 20]
