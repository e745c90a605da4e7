"""The billing run, a report run and a partner's webhook made by a real Celery worker (`celery -A cad
worker`) through Redis, as production runs them: not eagerly, in the test's own process."""

import hashlib
import http.cookiejar
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from cad.bench import ROOT
from calls.webhooks.bench import WebhookReceiver
from tests.servers import PASSWORD, Site

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); CI has both")
WAIT = 90
# The test's webhook receiver listens on this machine: let deliveries go there.
WEBHOOKS_HERE = {"CAD_WEBHOOK_ALLOW_HOSTS": "127.0.0.1"}


def own_redis_database(url: str) -> str:
    """Redis as the suite has it, on a database number of this module's own: the worker takes no
    task another test sent."""
    base, _, number = url.rstrip("/").rpartition("/")
    if not number.isdigit():
        return f"{url.rstrip('/')}/13"
    return f"{base}/{(int(number) + 9) % 16}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("celery")
    site = Site(folder, name="celery", redis_url=own_redis_database(os.environ["REDIS_URL"])).prepare()
    site.first = site.start(CAD_REPORTS_DIR=str(folder / "reports"))
    log = open(folder / "worker.log", "w")  # noqa: SIM115  (closed below)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cad", "worker", "--pool", "solo", "--loglevel", "INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env={**site.env, "CAD_REPORTS_DIR": str(folder / "reports"), **WEBHOOKS_HERE}, stdout=log,
        stderr=subprocess.STDOUT)
    site.worker_log = folder / "worker.log"
    try:
        yield site
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        site.stop()


def until(check, what: str, site):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"{what} within {WAIT} s; the worker said:\n{site.worker_log.read_text()[-3000:]}")


def shell(site, code: str) -> str:
    """What `code` printed last, run by manage.py shell in the site's settings."""
    return site.manage("shell", "-c", code).strip().splitlines()[-1]


def test_the_worker_bills_five_false_alarms_once_however_often_the_run_is_sent(site):
    cpd = site.token("CPD")
    now = datetime.now(UTC)
    for hours in (150, 120, 90, 60, 30):  # a day and more apart: each counts
        received = (now - timedelta(hours=hours)).isoformat(timespec="seconds")
        status, alarm = site.first.api("POST", "calls/", cpd, {
            "call_type": "ALRBA", "location": {"address": "171 OAK ST"}, "received_at": received})
        assert status == 201, alarm
        status, closed = site.first.api("POST", f"calls/{alarm['id']}/close/", cpd, {"disposition": "FAB"})
        assert status == 200, closed
    send = (f"from records.tasks import billing_run; "
            f"print(billing_run.delay(through={now.date().isoformat()!r}).id)")
    done = "from records.models import BillingRun; print(BillingRun.objects.filter(status='done').count())"

    shell(site, send)
    until(lambda: shell(site, done) == "1", "the worker did not finish the billing run", site)
    shell(site, send)
    until(lambda: shell(site, done) == "2", "the worker did not finish the second run", site)

    status, bills = site.first.api("GET", "bills/", cpd)
    assert status == 200 and bills["count"] == 1, bills  # the second run billed nothing again
    bill = bills["results"][0]
    assert [line["fee"] for line in bill["lines"]] == ["50.00", "50.00"]  # the 4th and the 5th
    assert bill["total"] == "100.00" and bill["status"] == "issued"
    assert "billing_run" in site.worker_log.read_text()


def signed_in(site, username: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{site.first.url}/accounts/login/", timeout=10).read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "username": username, "password": PASSWORD})
    opener.open(urllib.request.Request(f"{site.first.url}/accounts/login/", data=form.encode(),
                                       headers={"Referer": f"{site.first.url}/accounts/login/"}), timeout=10)
    opener.addheaders = [("X-CSRFToken", next(c.value for c in jar if c.name == "csrftoken")),
                         ("Referer", f"{site.first.url}/")]
    return opener


def test_the_worker_makes_a_report_run_into_the_file_its_sha256_names(site):
    supervisor = signed_in(site, "supervisor1")
    today = datetime.now(UTC).date()
    body = {"report": "compliance", "from": (today - timedelta(days=7)).isoformat(), "to": today.isoformat(),
            "format": "csv"}
    asked = supervisor.open(urllib.request.Request(
        f"{site.first.url}/api/v1/reports/runs/", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"}), timeout=10)
    assert asked.status == 202
    run_id = json.loads(asked.read())["id"]

    def finished():
        with supervisor.open(f"{site.first.url}/api/v1/reports/runs/{run_id}/", timeout=10) as answer:
            run = json.loads(answer.read())
        return run if run["status"] in ("done", "failed") else None

    run = until(finished, "the worker did not make the report", site)
    assert run["status"] == "done" and run["progress"] == 1
    with supervisor.open(urllib.parse.urljoin(site.first.url, run["download"]), timeout=10) as answer:
        content = answer.read()
    assert hashlib.sha256(content).hexdigest() == run["sha256"]
    assert content.decode().splitlines()[0].startswith("interval,")
    assert "report_run" in site.worker_log.read_text()


def test_the_worker_sends_a_partners_webhook_signed_to_its_receiver(site):
    receiver = WebhookReceiver()
    try:
        registered = subprocess.run(
            [sys.executable, "manage.py", "webhook_subscribe", "NFPD", receiver.url,
             "--events", "call.updated,unit.updated"],
            cwd=ROOT, env={**site.env, **WEBHOOKS_HERE}, capture_output=True, text=True, timeout=120)
        assert registered.returncode == 0, registered.stderr
        secret = registered.stdout.strip().splitlines()[-1]
        cpd = site.token("CPD")
        status, call = site.first.api("POST", "calls/", cpd, {"call_type": "FSTRU",
                                                              "location": {"address": "310 MAIN ST"}})
        assert status == 201, call
        status, answer = site.first.api("POST", f"calls/{call['id']}/dispatch/", cpd, {"units": ["E51"]})
        assert status == 200, answer

        until(lambda: len(receiver.received) >= 2, "the worker did not deliver the webhooks", site)
        time.sleep(1)  # nothing more comes: one delivery per event
        payloads = [Webhook(secret).verify(body, headers) for headers, body, _ in receiver.received]
        assert sorted(p["type"] for p in payloads) == ["call.updated", "unit.updated"]
        assert {p["data"].get("number") or p["data"]["callsign"] for p in payloads} == {call["number"], "E51"}

        status, listed = site.first.api("GET", "webhooks/deliveries/", site.token("NFPD"))
        assert status == 200 and listed["count"] == 2, listed
        assert {d["status"] for d in listed["results"]} == {"delivered"}
        sent = {headers["webhook-id"] for headers, _, _ in receiver.received}
        assert {d["webhook_id"] for d in listed["results"]} == sent
        assert "webhook_deliver" in site.worker_log.read_text()
    finally:
        receiver.close()
