"""`bench --unit-terminals`: a thousand unit terminals and fifty consoles on one server process; a
call dispatched to one unit at a time, timed from just before the dispatch's POST to the call's
call.updated on that unit's terminal (the first message about the call it is sent).

Each terminal is an officer of its own, signed on to a unit of its own, on the stream with a session
of its own: the server decides, per event, for each of the thousand unit audiences, which may see it.
"""

import http.client
import json
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections, transaction
from django.utils import timezone

from cad import roles
from cad.bench import database_url
from cad.models import Agency
from cad.services import agency_token_create
from cad.stream_scale.cases import Scale, StreamScale
from cad.stream_scale.consoles import UPDATED
from cad.stream_scale.figures import DEADLINE, percentile
from units.models import Officer, Shift, Unit

PREFIX = "T"  # the bench's units: T0001, T0002, …


def terminals_make(count: int) -> list[dict]:
    """`count` units of CPD, each with an officer signed on; the websocket headers of each officer's
    session (a cookie), in the units' order."""
    template = Unit.objects.select_related("agency", "discipline").get(callsign="1A11")
    officers = Group.objects.get(name=roles.OFFICER)
    now = timezone.now()
    users = get_user_model()
    with transaction.atomic():
        units = Unit.objects.bulk_create([
            Unit(callsign=f"{PREFIX}{i:04d}", agency=template.agency, discipline=template.discipline,
                 home_beat=template.home_beat, status="available", status_since=now)
            for i in range(1, count + 1)])
        people = users.objects.bulk_create([users(username=f"bench-officer-{i:04d}", password="!")
                                            for i in range(1, count + 1)])
        officers.user_set.add(*people)
        Officer.objects.bulk_create([Officer(user=p, agency=template.agency) for p in people])
        Shift.objects.bulk_create([Shift(unit=u, user=p, started_at=now, started_by=p)
                                   for u, p in zip(units, people, strict=True)])
    headers = []
    for person in people:
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        headers.append({"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"})
    return headers


def unit_terminals_bench(write, *, terminals: int = 1000, consoles: int = 50, dispatches: int = 50,
                         rate: float = 5.0, client_processes: int = 4) -> None:
    _, token = agency_token_create(agency=Agency.objects.get(code="CPD"), label="bench")
    sessions = terminals_make(terminals)
    env = {**os.environ, "DATABASE_URL": database_url(), "CHANNEL_LAYER_PREFIX": f"cad-bench-{os.getpid()}"}
    connections.close_all()  # the server holds the connections from here on
    dispatches = min(dispatches, terminals)  # each to a unit of its own: none is sent twice
    write(f"Unit terminals on one server process: {terminals} terminals (each an officer signed on to a "
          f"unit, with a session of its own) and {consoles} consoles; {dispatches} calls dispatched one "
          f"unit each at {rate:g}/s; from just before the dispatch's POST to the call on that unit's "
          "terminal")
    folder = Path(tempfile.mkdtemp(prefix="cad-terminals-"))
    bench = StreamScale(write, env=env, token=token, scale=Scale(client_processes=client_processes),
                        folder=folder)
    desks = bench.consoles
    phones = type(desks)(client_processes)
    server = bench.serve(1)
    try:
        desks.connect(f"{server.ws_url}/ws/console/", bench.headers, consoles, 100)
        started = time.time()
        connected = phones.connect(f"{server.ws_url}/ws/console/", sessions, terminals, 500, watch=UPDATED)
        write(f"  {connected.opened} terminals connected in {time.time() - started:.1f} s "
              f"({connected.failed} failed{': ' + str(dict(connected.errors)) if connected.errors else ''})")
        sent = dispatch_calls(server.url, token, dispatches, rate, terminals)
        time.sleep(3)
        arrivals, dropped = phones.arrivals()
        latencies = [(arrivals[number][0] - at) * 1000 for number, at in sent.items()
                     if arrivals.get(number) and arrivals[number][0] - at <= DEADLINE]
        reach = len(latencies) / len(sent) if sent else 0.0
        also = sum(len(times) > 1 for times in arrivals.values())
        worst = max(latencies, default=float("nan"))
        write(f"  dispatch to its unit's terminal: p50 {percentile(latencies, 0.5):.1f} ms, "
              f"p99 {percentile(latencies, 0.99):.1f} ms, max {worst:.1f} ms; "
              f"reach {reach:.3f} of {len(sent)} dispatches; {also} calls reached more than one terminal; "
              f"{dropped} terminals closed by the server; server log: {server.problems()} ERROR/Traceback "
              "lines")
    finally:
        server.stop()
        phones.stop()
        bench.stop()


def dispatch_calls(url: str, token: str, count: int, rate: float, terminals: int) -> dict[str, float]:
    """`count` new calls, each dispatched to the next bench unit at `rate` a second: the wall clock
    just before each dispatch's POST, by call number."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def post(path: str, body: dict) -> dict:
        connection.request("POST", f"/api/v1/{path}", json.dumps(body), headers=headers)
        response = connection.getresponse()
        answer = json.loads(response.read())
        if response.status not in (200, 201):
            raise RuntimeError(f"POST {path}: HTTP {response.status} {answer}")
        return answer

    sent = {}
    start = time.time() + 0.5
    for i in range(count):
        call = post("calls/", {"call_type": "SUSP", "source": "911",
                               "location": {"address": f"{(i % 8 + 1) * 100 + 10} MAIN ST"}})
        time.sleep(max(0.0, start + i / rate - time.time()))
        callsign = f"{PREFIX}{(i * 37) % terminals + 1:04d}"  # spread over the terminals, none twice
        sent[call["number"]] = time.time()
        post(f"calls/{call['id']}/dispatch/", {"units": [callsign]})
    connection.close()
    return sent
