"""The unit terminals' bench (`bench --unit-terminals`) end to end at a small scale, so it does not
rot: each dispatch reaches its own unit's terminal, and no other."""

import re
import sys

import pytest

from tests.servers import Site

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads the server's process from /proc")


def test_each_dispatch_is_timed_to_its_own_units_terminal_and_reaches_no_other(tmp_path):
    site = Site(tmp_path, name="terminals").prepare()

    said = site.manage("shell", "-c", (
        "from units.bench import unit_terminals_bench; "
        "unit_terminals_bench(print, terminals=12, consoles=3, dispatches=6, rate=10, client_processes=2)"))

    assert "12 terminals connected" in said and "(0 failed)" in said, said
    assert ("reach 1.000 of 6 dispatches; 0 calls reached more than one terminal; 0 terminals closed by "
            "the server; server log: 0 ERROR/Traceback lines") in said, said
    p50, p99 = map(float, re.search(r"p50 ([\d.]+) ms, p99 ([\d.]+) ms", said).groups())
    assert 0 < p50 <= p99 < 10_000
