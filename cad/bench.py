"""What `make bench` and the tests that need real servers share: daphne in a child process, the
browser, a throwaway database, percentiles; and the live stream's figures for `make bench` (how long a new
call takes to reach another console, the snapshot a console gets on connect). The live stream at a
thousand consoles (`bench --stream-scale`) is cad/stream_scale/, started here on the bench's database.
Nothing here is imported by the running system.
"""

import json
import os
import shutil
import statistics
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from websockets.sync.client import connect

from cad.models import Agency
from cad.services import agency_token_create
from cad.stream_scale.cases import Scale, StreamScale
from cad.stream_scale.figures import percentile
from cad.stream_scale.processes import ServeProcess

ROOT = Path(__file__).resolve().parent.parent
# Debian's Chromium, driven by Playwright (which cannot fetch its own browser here).
CHROMIUM = os.environ.get("CAD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def summary(samples: list[float]) -> str:
    return (f"median {statistics.median(samples):6.2f} ms  p95 {percentile(samples, 0.95):6.2f} ms  "
            f"worst {max(samples):6.2f} ms")


@contextmanager
def throwaway_database(sqlite_name: str, *, keep: bool = False) -> Iterator[None]:
    """Create an empty, migrated database beside the configured one (on SQLite the file
    `var/<sqlite_name>.sqlite3`), switch to it, and drop it afterwards unless `keep`."""
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"var/{sqlite_name}.sqlite3"
    creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connections.close_all()
        if not keep:
            creation.destroy_test_db(old_name, verbosity=0)


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = db["USER"] or "postgres"
    auth = f"{user}:{db['PASSWORD']}" if db["PASSWORD"] else user
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class StreamBench:
    """Daphne processes on the benchmark's database, measured through real websockets."""

    def __init__(self, write):
        self.write = write
        _, self.token = agency_token_create(agency=Agency.objects.get(code="CPD"), label="bench")
        self.headers = {"Authorization": f"Token {self.token}"}
        env = {**os.environ, "DATABASE_URL": database_url(), "ALLOWED_HOSTS": "127.0.0.1",
               "CHANNEL_LAYER_PREFIX": f"cad-bench-{os.getpid()}", "CAD_INPROCESS_SCHEDULER": "False"}
        folder = Path(tempfile.mkdtemp(prefix="cad-bench-"))
        self.writer = ServeProcess(env, folder / "writer.log")
        self.reader = ServeProcess(env, folder / "reader.log") if settings.REDIS_URL else self.writer
        where = ("two daphne processes sharing Redis (made on one, seen on the other)"
                 if self.reader is not self.writer else "one daphne process, in-memory channel layer")
        self.write(f"Live stream on {connection.vendor}, {where}:")

    def stop(self) -> None:
        for server in {self.writer, self.reader}:
            server.stop()

    def snapshot(self, what: str, rounds: int = 20) -> None:
        sizes, times = [], []
        for _ in range(rounds):
            start = time.perf_counter()
            with connect(f"{self.reader.ws_url}/ws/console/", additional_headers=self.headers) as console:
                raw = console.recv(timeout=10)
            times.append((time.perf_counter() - start) * 1000)
            sizes.append(len(raw))
        data = json.loads(raw)["data"]
        self.write(f"  snapshot, {what} ({len(data['calls'])} open calls, {len(data['units'])} units): "
                   f"{statistics.median(sizes) / 1024:.1f} KiB; connect to snapshot median "
                   f"{statistics.median(times):.1f} ms, worst {max(times):.1f} ms ({rounds} connects)")

    def latency(self, rounds: int = 50) -> None:
        """From sending POST /calls/ to the call.created event on a console of the other server."""
        to_event, to_reply = [], []
        with connect(f"{self.reader.ws_url}/ws/console/", additional_headers=self.headers) as console:
            console.recv(timeout=10)
            for i in range(rounds):
                body = json.dumps({"call_type": "FIGHT", "source": "911",
                                   "location": {"address": f"{(i % 8 + 1) * 100 + 10} MAIN ST"}}).encode()
                request = urllib.request.Request(f"{self.writer.url}/api/v1/calls/", data=body, method="POST",
                                                 headers={**self.headers, "Content-Type": "application/json"})
                sent = time.perf_counter()
                with urllib.request.urlopen(request, timeout=10) as response:
                    number = json.loads(response.read())["number"]
                to_reply.append((time.perf_counter() - sent) * 1000)
                while True:
                    message = json.loads(console.recv(timeout=10))
                    if message["event"] == "call.created" and message["data"]["number"] == number:
                        break
                to_event.append((time.perf_counter() - sent) * 1000)
        median = statistics.median(to_event)
        self.write(f"  new call on another console, {rounds} calls: median {median:.1f} ms, "
                   f"worst {max(to_event):.1f} ms from sending the POST (its 201 took median "
                   f"{statistics.median(to_reply):.1f} ms; the event is sent on commit, before the reply)")


def stream_scale_bench(write, *, scale: Scale) -> None:
    """The live stream at scale (cad/stream_scale/) on this database, as seeded, and REDIS_URL."""
    _, token = agency_token_create(agency=Agency.objects.get(code="CPD"), label="bench")
    env = {**os.environ, "DATABASE_URL": database_url(), "CHANNEL_LAYER_PREFIX": f"cad-bench-{os.getpid()}"}
    connections.close_all()  # the servers hold the connections from here on
    write(f"Live stream at scale on {connection.vendor}"
          f"{', Redis ' + settings.REDIS_URL if settings.REDIS_URL else ', no REDIS_URL (in-memory layer)'}:")
    bench = StreamScale(write, env=env, token=token, scale=scale,
                        folder=Path(tempfile.mkdtemp(prefix="cad-stream-scale-")))
    write(f"  server logs in {bench.folder}")
    try:
        bench.run(redis=bool(settings.REDIS_URL), private_redis=shutil.which("redis-server") is not None)
    finally:
        bench.stop()
