"""New calls at a fixed rate: POST /api/v1/calls/ to the CAD, a number to the bare server's control
socket; each with the wall clock just before it went."""

import http.client
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from websockets.sync.client import connect as ws_connect_sync

from cad.stream_scale.figures import percentile


@dataclass
class Posted:
    sent: dict[str, float]  # call number: the wall clock just before its POST
    failures: Counter
    seconds: float  # from the first POST to the last answer
    answers: list[float] = field(default_factory=list)  # ms from each POST to its 201
    not_sent: int = 0  # their moment was more than a second past, every posting thread awaiting an answer

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    def said(self) -> str:
        """How the POSTs went, in words."""
        median = f", a 201 in median {percentile(self.answers, 0.5):.0f} ms" if self.answers else ""
        failed = f"failed: {dict(self.failures)}" if self.failures else "none failed"
        late = f", {self.not_sent} not sent (all posting threads awaiting answers)" if self.not_sent else ""
        return (f"{len(self.sent)} calls posted in {self.seconds:.1f} s ({self.rate:.1f}/s{median}), "
                f"{failed}{late}")

    @property
    def rate(self) -> float:
        return len(self.sent) / self.seconds if self.seconds else 0.0


def post_calls(url: str, token: str, count: int, rate: float, threads: int = 1,
               on_time: dict[float, callable] | None = None) -> Posted:
    """`count` calls by POST /api/v1/calls/ at `rate` a second over `threads` threads, each with a
    connection of its own; a call whose moment is more than a second past is not sent, so a server
    that cannot keep up is measured at what it took. `on_time`: things to do at given seconds."""
    host, port = url.removeprefix("http://").split(":")
    sent, failures, answers, late = {}, Counter(), [], []
    lock = threading.Lock()
    start = time.time() + 0.2

    def poster(first: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        for i in range(first, count, threads):
            moment = start + i / rate
            time.sleep(max(0.0, moment - time.time()))
            if time.time() > moment + 1:
                late.append(i)
                continue
            body = json.dumps({"call_type": "FIGHT", "source": "911",
                               "location": {"address": f"{(i % 8 + 1) * 100 + 10} MAIN ST"}})
            before = time.time()
            try:
                connection.request("POST", "/api/v1/calls/", body, headers={
                    "Authorization": f"Token {token}", "Content-Type": "application/json"})
                response = connection.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                with lock:
                    failures[type(error).__name__] += 1
                continue
            with lock:
                if response.status == 201:
                    sent[json.loads(answer)["number"]] = before
                    answers.append((time.time() - before) * 1000)
                else:
                    failures[f"HTTP {response.status}"] += 1
        connection.close()

    workers = [threading.Thread(target=poster, args=(k,)) for k in range(threads)]
    timers = [threading.Timer(start - time.time() + at, action) for at, action in (on_time or {}).items()]
    for worker in workers + timers:
        worker.start()
    for worker in workers + timers:
        worker.join()
    return Posted(sent, failures, time.time() - start, answers, len(late))


def trigger_calls(ws_url: str, count: int, rate: float) -> Posted:
    """The bare server's calls: a number sent to its control socket at `rate` a second."""
    sent = {}
    start = time.time() + 0.2
    # No keepalive on the control socket: a bare server flooding its consoles answers pings late.
    with ws_connect_sync(f"{ws_url}/control", ping_interval=None, close_timeout=60) as control:
        for i in range(count):
            time.sleep(max(0.0, start + i / rate - time.time()))
            number = f"B-{i + 1:06d}"
            sent[number] = time.time()
            control.send(number)
    return Posted(sent, Counter(), time.time() - start)


def call_created_sample(url: str, ws_url: str, token: str) -> dict:
    """The data of the call.created a console of the CAD at `url` is sent for one new call: what the
    bare server sends in its own events, so both servers send the same bytes."""
    headers = {"Authorization": f"Token {token}"}
    with ws_connect_sync(f"{ws_url}/ws/console/", additional_headers=headers) as console:
        console.recv(timeout=30)  # the snapshot
        posted = post_calls(url, token, 1, 1.0)
        if not posted.sent:
            raise RuntimeError(f"the CAD took no call: {posted.said()}")
        deadline = time.time() + 30
        while time.time() < deadline:
            message = json.loads(console.recv(timeout=30))
            if message["event"] == "call.created" and message["data"]["number"] in posted.sent:
                return message["data"]
    raise RuntimeError("the CAD's console was not sent its call.created")
