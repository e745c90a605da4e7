"""`manage.py serve`: several daphne processes behind one address, stopped together, none restarted
behind anyone's back."""

import os
import signal
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from websockets.sync.client import connect

from cad.stream_scale.processes import ServeProcess
from tests.servers import Site

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads the processes from /proc")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("serve"), name="serve").prepare()
    site.cpd = site.token("CPD")
    return site


@pytest.fixture
def served(site, tmp_path):
    server = ServeProcess(site.env, tmp_path / "serve.log", processes=2)
    yield server
    server.stop()


def gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


def test_two_processes_share_one_address_and_both_serve_consoles_on_it(served, site):
    with ExitStack() as consoles:
        for _ in range(40):
            console = consoles.enter_context(connect(f"{served.ws_url}/ws/console/", additional_headers={
                "Authorization": f"Token {site.cpd}"}, open_timeout=10))
            assert '"snapshot"' in console.recv(timeout=10)
        held = served.sockets()

    assert len(held) == 2
    assert sum(held.values()) == 40
    assert min(held.values()) > 0, held


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_signal_to_the_command_stops_every_process(served, stop):
    children = served.children()
    served.process.send_signal(stop)

    assert served.process.wait(20) == 0
    assert len(children) == 2 and all(gone(pid) for pid in children)


def test_a_process_that_dies_stops_the_others_and_the_command_fails(served):
    first, second = served.children()
    os.kill(first, signal.SIGKILL)

    assert served.process.wait(20) != 0
    deadline = time.monotonic() + 5
    while not gone(second) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert gone(second)
    served.log.flush()
    assert f"daphne process {first} exited" in served.log_path.read_text()
