"""Partners' webhooks for `make bench` (`manage.py bench --webhooks`): a burst of 1,000 changes to
a call a partner sent in, each announced in its own transaction, made into a delivery after its
commit and posted to a receiver on this machine; the delivery rate and the delay from each event's
commit to the receiver having it (p50, p99, max).

With REDIS_URL the deliveries go through Redis to a real `celery -A cad worker` started here on the
bench's database, as production sends them; without it Celery runs each task in the committing
process, as `make run` does. Also the local receiver the tests use. Nothing here is imported by the
running system.
"""

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import override_settings
from standardwebhooks import Webhook

from cad.bench import ROOT, database_url
from cad.events import EventName
from cad.models import Agency
from cad.stream_scale.figures import percentile
from calls import services
from calls.choices import CallSource
from calls.events import call_announce, call_shape
from calls.models import CallType, WebhookDelivery, WebhookSubscription
from calls.webhooks.services import webhook_subscription_save

WORKER_CONCURRENCY = 2  # the machine's cores


class WebhookReceiver:
    """A partner's endpoint on 127.0.0.1, in threads: keeps every POST (its headers, body and when
    it arrived) and answers `status` (204 unless set)."""

    def __init__(self, status: int = 204):
        self.status = status
        self.received: list[tuple[dict[str, str], str, float]] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # connections are kept between deliveries
            timeout = 10  # an idle kept connection is closed after this, and its thread ends

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                with receiver.arrived:  # kept before it is answered: the sender knows it arrived
                    receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body,
                                              time.time()))
                    receiver.arrived.notify_all()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cad-hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, name="webhook-receiver", daemon=True)
        self.thread.start()

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.arrived.wait(left)
        return True

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def webhooks_bench(write: Callable[[str], None], *, deliveries: int = 1000, timeout: float = 120.0) -> None:
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # a line per eager task otherwise
    receiver = WebhookReceiver()
    try:
        with override_settings(CAD_WEBHOOK_ALLOW_HOSTS=["127.0.0.1"]):
            _run(write, receiver, deliveries, timeout)
    finally:
        receiver.close()


def _run(write, receiver: WebhookReceiver, deliveries: int, timeout: float) -> None:
    nfpd = Agency.objects.get(code="NFPD")
    subscription, secret = webhook_subscription_save(
        subscription=WebhookSubscription(agency=nfpd, url=receiver.url, event_types=["call.updated"],
                                         description="bench"), by=None)
    # A call NFPD sent in: it follows it, so every change of it is a delivery to NFPD.
    call = services.call_create(call_type=CallType.objects.get(code="FSTRU"),
                                location={"address": "310 MAIN ST"}, by=nfpd.service_user,
                                source=CallSource.PARTNER, sent_by=nfpd, sent_by_incident="NF-BENCH")
    worker = _worker_start() if settings.REDIS_URL else None
    where = (f"a celery worker (prefork, {WORKER_CONCURRENCY} processes) through Redis"
             if worker else "Celery eager: each delivery sent in the committing process, as without Redis")
    write(f"Webhooks on {connection.vendor}, {where}:")
    try:
        committed: dict[int, float] = {}
        shape = call_shape(call)
        started = time.time()
        # A burst: each change announced in its own transaction as fast as they commit, as the calls'
        # services announce them (call taking itself is measured above, not here).
        for number in range(1, deliveries + 1):
            with transaction.atomic():
                # Stamped first thing after the commit, before the change's own after-commit work
                # (which, without Redis, sends the delivery then and there).
                transaction.on_commit(partial(_stamp, committed, number))
                narrative = f"update {number}"
                call_announce(call, EventName.CALL_UPDATED, shape={**shape, "narrative": narrative},
                              changes={"narrative": [f"update {number - 1}", narrative]})
        queued = time.time() - started
        complete = receiver.wait_for(deliveries, timeout)
    finally:
        if worker is not None:
            _worker_stop(*worker)
    got = receiver.received[:]
    delays, verified = [], 0
    checker = Webhook(secret)
    for headers, body, at in got:
        payload = checker.verify(body, headers)  # signed as Standard Webhooks says, or this raises
        verified += 1
        number = int(payload["data"]["narrative"].rsplit(" ", 1)[1])
        delays.append((at - committed[number]) * 1000)
    ids = [headers["webhook-id"] for headers, _, _ in got]
    if not complete or not delays:
        write(f"  only {len(got)} of {deliveries} deliveries arrived within {timeout:.0f} s")
        return
    span = max(at for _, _, at in got) - started
    statuses = dict.fromkeys(WebhookDelivery.Status.values, 0)
    for status in WebhookDelivery.objects.filter(subscription=subscription).values_list("status", flat=True):
        statuses[status] += 1
    write(f"  {deliveries} events committed in {queued:.1f} s ({deliveries / queued:.0f}/s); all {len(got)} "
          f"deliveries received {span:.1f} s after the first commit: {len(got) / span:.0f} deliveries/s")
    write(f"  commit → receiver: p50 {percentile(delays, 0.50):.1f} ms, "
          f"p99 {percentile(delays, 0.99):.1f} ms, max {max(delays):.1f} ms; "
          f"{verified} signatures verified with standardwebhooks, "
          f"{len(set(ids))} distinct webhook-ids; deliveries {json.dumps(statuses)}")


def _stamp(times: dict[int, float], number: int) -> None:
    times[number] = time.time()


def _worker_start() -> tuple[subprocess.Popen, Path]:
    log = Path(tempfile.mkdtemp(prefix="cad-bench-webhooks-")) / "worker.log"
    env = {**os.environ, "DATABASE_URL": database_url(), "CAD_WEBHOOK_ALLOW_HOSTS": "127.0.0.1"}
    with open(log, "w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cad", "worker", "--concurrency", str(WORKER_CONCURRENCY),
             "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    _worker_ready(worker, log)
    return worker, log


def _worker_ready(worker: subprocess.Popen, log: Path, wait: float = 60.0) -> None:
    """Until the worker says it is ready to take tasks."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"The celery worker stopped:\n{log.read_text()[-3000:]}")
        if " ready." in log.read_text():
            return
        time.sleep(0.2)
    raise RuntimeError(f"The celery worker did not start within {wait:.0f} s:\n{log.read_text()[-3000:]}")


def _worker_stop(worker: subprocess.Popen, log: Path) -> None:
    worker.terminate()
    try:
        worker.wait(20)
    except subprocess.TimeoutExpired:
        worker.kill()
