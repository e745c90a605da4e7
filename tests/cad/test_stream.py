"""The live stream /ws/console/ as CONTRACT.md gives it: snapshot, gap-free seq, replay, roles."""

import asyncio
from datetime import datetime, timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from cad import events
from cad.asgi import application
from cad.models import Agency, AgencyToken, Event
from cad.services import agency_token_create
from calls import services
from calls.models import Call, CallType, Disposition
from units.models import Unit
from units.services import unit_status_set

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1:8000")
HOST = (b"host", b"127.0.0.1:8000")
WAIT = 3


@pytest.fixture(autouse=True)
def city(seeded_transactional_db, settings):
    settings.CAD_STREAM_POLL_SECONDS = 0.05


def user(username):
    return get_user_model().objects.get(username=username)


def session_headers(username):
    client = Client()
    client.force_login(user(username))
    return [ORIGIN, HOST, (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]


def token_headers(agency_code):
    _, key = agency_token_create(agency=Agency.objects.get(code=agency_code))
    return [(b"authorization", f"Token {key}".encode())]


def new_call(address="310 MAIN ST", by="dispatcher1"):
    return services.call_create(call_type=CallType.objects.get(code="ROBBERY"),
                                location={"address": address}, by=user(by))


def dispatch(call, callsign, by="dispatcher1"):
    return services.call_dispatch(call=call, units=[Unit.objects.get(callsign=callsign)], by=user(by))


def status(callsign, value, by="dispatcher1"):
    return unit_status_set(unit=Unit.objects.get(callsign=callsign), status=value, by=user(by))


async def connect(headers, query=""):
    if isinstance(headers, str):
        headers = await sync_to_async(session_headers)(headers)
    communicator = WebsocketCommunicator(application, f"/ws/console/{query}", headers=headers)
    connected, code = await communicator.connect(timeout=WAIT)
    return communicator, connected, code


async def messages_until(communicator, seq):
    """Everything the stream sends up to and including `seq`, heartbeats left out."""
    seen = []
    while True:
        message = await communicator.receive_json_from(timeout=WAIT)
        if message["event"] == "heartbeat":
            continue
        seen.append(message)
        if message["seq"] >= seq:
            return seen


def run(scenario):
    return async_to_sync(scenario)()


async def refusal(headers, query=""):
    """The close code of a socket the server accepts only to say why it will not serve it."""
    communicator, connected, code = await connect(headers, query)
    if not connected:
        return code
    message = await communicator.receive_output(timeout=WAIT)
    assert message["type"] == "websocket.close", message
    return message["code"]


def test_a_dispatcher_gets_a_snapshot_of_every_open_call_and_every_unit():
    open_call = new_call()
    closed = new_call("320 MAIN ST")
    dispatch(closed, "1A11")
    status("1A11", "onscene")
    status("1A11", "available")
    services.call_close(call=closed, disposition=Disposition.objects.get(code="02"),
                        by=user("dispatcher1"))

    async def scenario():
        communicator, connected, _ = await connect("dispatcher1")
        assert connected
        snapshot = await communicator.receive_json_from(timeout=WAIT)
        await communicator.disconnect()
        return snapshot

    snapshot = run(scenario)
    assert snapshot["event"] == "snapshot"
    assert snapshot["seq"] == events.latest_seq() > 0
    assert [c["number"] for c in snapshot["data"]["calls"]] == [open_call.number]
    assert len(snapshot["data"]["units"]) == Unit.objects.count()
    unit = next(u for u in snapshot["data"]["units"] if u["callsign"] == "1A11")
    assert unit["status"] == "available"


def test_changes_arrive_in_order_with_seq_rising_by_one():
    async def scenario():
        communicator, _, _ = await connect("dispatcher2")
        start = (await communicator.receive_json_from(timeout=WAIT))["seq"]
        call = await sync_to_async(new_call)()
        await sync_to_async(dispatch)(call, "1A12")
        got = await messages_until(communicator, start + 3)
        await communicator.disconnect()
        return start, call, got

    start, call, got = run(scenario)
    assert [(m["event"], m["seq"]) for m in got] == [
        ("call.created", start + 1), ("call.updated", start + 2), ("unit.updated", start + 3)]
    assert got[0]["data"]["number"] == call.number
    assert got[1]["data"]["units"] == [{"callsign": "1A12", "agency": "CPD", "status": "dispatched"}]
    assert got[2]["data"]["call_number"] == call.number


def test_reconnecting_with_since_replays_exactly_the_missed_events_then_goes_live():
    async def scenario():
        communicator, _, _ = await connect("dispatcher1")
        last = (await communicator.receive_json_from(timeout=WAIT))["seq"]
        await communicator.disconnect()
        # Missed while away: a call, a dispatch, a note.
        call = await sync_to_async(new_call)()
        await sync_to_async(dispatch)(call, "1A12")
        await sync_to_async(services.call_note_add)(call=call, by=None, text="caller hung up")
        missed = await sync_to_async(lambda: list(Event.objects.filter(seq__gt=last).values_list(
            "seq", "event")))()
        back, connected, _ = await connect("dispatcher1", f"?since={last}")
        assert connected
        replayed = await messages_until(back, missed[-1][0])
        await sync_to_async(status)("1A12", "enroute")
        live = await messages_until(back, missed[-1][0] + 2)
        nothing_more = await back.receive_nothing(timeout=0.3)
        await back.disconnect()
        return missed, replayed, live, nothing_more

    missed, replayed, live, nothing_more = run(scenario)
    assert [(m["seq"], m["event"]) for m in replayed] == missed
    assert [m["event"] for m in replayed] == ["call.created", "call.updated", "unit.updated", "call.note"]
    assert replayed[-1]["data"]["entry"]["text"] == "caller hung up"
    assert [m["seq"] for m in live] == [missed[-1][0] + 1, missed[-1][0] + 2]
    assert nothing_more


def test_since_older_than_what_is_kept_gets_a_fresh_snapshot():
    new_call()
    new_call("320 MAIN ST")
    Event.objects.filter(seq__lt=events.latest_seq()).update(at=timezone.now() - timedelta(days=2))
    assert events.events_prune() > 0

    async def scenario():
        communicator, _, _ = await connect("dispatcher1", "?since=0")
        first = await communicator.receive_json_from(timeout=WAIT)
        await communicator.disconnect()
        return first

    first = run(scenario)
    assert first["event"] == "snapshot"
    assert first["seq"] == events.latest_seq()
    assert len(first["data"]["calls"]) == 2


def test_since_ahead_of_the_server_gets_a_snapshot():
    async def scenario():
        communicator, _, _ = await connect("dispatcher1", "?since=999999")
        first = await communicator.receive_json_from(timeout=WAIT)
        await communicator.disconnect()
        return first

    assert run(scenario)["event"] == "snapshot"


def test_an_event_the_channel_layer_lost_still_arrives_from_the_database(monkeypatch):
    async def scenario():
        communicator, _, _ = await connect("dispatcher1")
        start = (await communicator.receive_json_from(timeout=WAIT))["seq"]
        monkeypatch.setattr(events, "_send", lambda message: None)  # Redis is away
        call = await sync_to_async(new_call)()
        got = await messages_until(communicator, start + 1)
        await communicator.disconnect()
        return start, call, got

    start, call, got = run(scenario)
    assert got == [{"event": "call.created", "seq": start + 1, "data": got[0]["data"]}]
    assert got[0]["data"]["number"] == call.number


def test_a_gap_is_filled_from_the_database_before_the_next_event(monkeypatch):
    async def scenario():
        communicator, _, _ = await connect("dispatcher1")
        start = (await communicator.receive_json_from(timeout=WAIT))["seq"]
        real_send = events._send
        monkeypatch.setattr(events, "_send", lambda message: None)
        first = await sync_to_async(new_call)()
        monkeypatch.setattr(events, "_send", real_send)
        second = await sync_to_async(new_call)("320 MAIN ST")
        got = await messages_until(communicator, start + 2)
        await communicator.disconnect()
        return start, first, second, got

    start, first, second, got = run(scenario)
    assert [(m["seq"], m["data"]["number"]) for m in got] == [
        (start + 1, first.number), (start + 2, second.number)]


def test_heartbeats_carry_the_latest_seq(settings):
    settings.CAD_STREAM_HEARTBEAT_SECONDS = 0.1

    async def scenario():
        communicator, _, _ = await connect("supervisor1")
        snapshot = await communicator.receive_json_from(timeout=WAIT)
        beat = await communicator.receive_json_from(timeout=WAIT)
        await communicator.disconnect()
        return snapshot, beat

    snapshot, beat = run(scenario)
    assert beat == {"event": "heartbeat", "seq": snapshot["seq"], "now": beat["now"]}
    assert abs(datetime.fromisoformat(beat["now"]) - timezone.now()) < timedelta(seconds=5)


@pytest.mark.parametrize("username", ["dispatcher1", "supervisor1", "clerk1"])
def test_the_centers_staff_may_follow_the_stream(username):
    async def scenario():
        communicator, connected, _ = await connect(username)
        await communicator.disconnect()
        return connected

    assert run(scenario)


def test_no_anonymous_connection():
    async def scenario():
        return await refusal([ORIGIN, HOST])

    assert run(scenario) == 4401  # "signed out", which the console shows as such


def test_an_account_without_a_role_is_refused():
    get_user_model().objects.create_user("visitor", password="x-long-password-1")

    async def scenario():
        return await refusal("visitor")

    assert run(scenario) == 4403


def denials() -> list[tuple]:
    from records.models import AuditEntry

    return list(AuditEntry.objects.filter(action="denied").order_by("pk").values_list(
        "object", "outcome", "username", "source_ip", "detail"))


def test_a_refused_socket_is_on_the_audit_trail_with_who_from_where_and_why():
    get_user_model().objects.create_user("visitor", password="x-long-password-1")
    behind_proxy = [ORIGIN, HOST, (b"x-forwarded-for", b"203.0.113.9")]

    async def scenario():
        anonymous = WebsocketCommunicator(application, "/ws/console/", headers=behind_proxy)
        anonymous.scope["client"] = ("198.51.100.7", 50000)  # not a proxy of ours: its header is not believed
        await anonymous.connect(timeout=WAIT)
        assert (await anonymous.receive_output(timeout=WAIT))["code"] == 4401
        return await refusal("visitor")

    assert run(scenario) == 4403
    (anonymous, visitor) = denials()
    assert anonymous[:4] == ("/ws/console/", "denied", "", "198.51.100.7")
    assert anonymous[4]["close"] == 4401 and "no valid credentials" in anonymous[4]["reason"]
    assert visitor[:3] == ("/ws/console/", "denied", "visitor")
    assert visitor[4]["close"] == 4403 and "may not follow" in visitor[4]["reason"]


def test_a_socket_from_another_sites_page_is_on_the_audit_trail_with_its_origin():
    headers = cookie_only("dispatcher1")

    async def scenario():
        return await connect([(b"origin", b"https://evil.example"), HOST, *headers])

    assert not run(scenario)[1]
    [(path, outcome, _, _, detail)] = denials()
    assert (path, outcome, detail["origin"]) == ("/ws/console/", "denied", "https://evil.example")


def test_a_console_let_in_leaves_no_denial():
    async def scenario():
        communicator, connected, _ = await connect("dispatcher1")
        await communicator.receive_json_from(timeout=WAIT)  # its snapshot: it was admitted
        await communicator.disconnect()
        return connected

    assert run(scenario)
    assert denials() == []


def cookie_only(username):
    return [h for h in session_headers(username) if h[0] == b"cookie"]


@pytest.mark.parametrize("origin", [b"https://evil.example", b"http://127.0.0.1:9999", b"null"])
def test_another_sites_page_cannot_open_the_stream_with_a_dispatchers_cookie(origin):
    headers = cookie_only("dispatcher1")

    async def scenario():
        return await connect([(b"origin", origin), HOST, *headers])

    _, connected, _ = run(scenario)
    assert not connected


def test_the_sites_own_page_may_open_it_behind_a_tls_proxy_too():
    headers = cookie_only("dispatcher1")

    async def scenario():
        results = []
        for origin in (b"http://127.0.0.1:8000", b"https://127.0.0.1:8000"):
            communicator, connected, _ = await connect([(b"origin", origin), HOST, *headers])
            results.append(connected)
            await communicator.disconnect()
        return results

    assert run(scenario) == [True, True]


async def close_code(communicator):
    while True:
        message = await communicator.receive_output(timeout=WAIT)
        if message["type"] == "websocket.close":
            return message["code"]


def test_signing_out_ends_the_stream_at_the_next_heartbeat(settings):
    settings.CAD_STREAM_HEARTBEAT_SECONDS = 0.1
    client = Client()
    client.force_login(user("dispatcher1"))
    headers = [ORIGIN, HOST, (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]

    async def scenario():
        communicator, _, _ = await connect(headers)
        await communicator.receive_json_from(timeout=WAIT)
        await sync_to_async(client.logout)()
        return await close_code(communicator)

    assert run(scenario) == 4401


def test_a_revoked_token_ends_the_stream_at_the_next_heartbeat(settings):
    from cad.services import agency_tokens_revoke

    settings.CAD_STREAM_HEARTBEAT_SECONDS = 0.1
    headers = token_headers("DCSO")

    async def scenario():
        communicator, _, _ = await connect(headers)
        await communicator.receive_json_from(timeout=WAIT)
        await sync_to_async(lambda: agency_tokens_revoke(
            tokens=AgencyToken.objects.filter(agency__code="DCSO"), by=None))()
        return await close_code(communicator)

    assert run(scenario) == 4401


def test_a_role_taken_away_ends_the_stream(settings):
    settings.CAD_STREAM_HEARTBEAT_SECONDS = 0.1
    headers = session_headers("dispatcher2")

    async def scenario():
        communicator, _, _ = await connect(headers)
        await communicator.receive_json_from(timeout=WAIT)
        await sync_to_async(lambda: user("dispatcher2").groups.clear())()
        return await close_code(communicator)

    assert run(scenario) == 4403


@pytest.mark.parametrize("frame", [{"text_data": "not json"}, {"bytes_data": b"\x00\x01"}])
def test_a_bad_frame_gets_an_error_and_the_stream_goes_on(frame):
    from cad.hub import connected

    async def scenario():
        communicator, _, _ = await connect("dispatcher1")
        start = (await communicator.receive_json_from(timeout=WAIT))["seq"]
        await communicator.send_to(**frame)
        error = await communicator.receive_json_from(timeout=WAIT)
        await sync_to_async(new_call)()
        after = await messages_until(communicator, start + 1)
        await communicator.disconnect()
        await asyncio.sleep(0.1)
        return error, after, connected()

    error, after, left = run(scenario)
    assert error["event"] == "error"
    assert after[-1]["event"] == "call.created"
    assert left == 0  # nothing kept for a closed socket


def test_a_partners_heartbeat_never_runs_ahead_of_the_events_it_was_sent(settings):
    settings.CAD_STREAM_HEARTBEAT_SECONDS = 0.001
    settings.CAD_STREAM_POLL_SECONDS = 0.001
    headers = token_headers("DCSO")

    async def scenario():
        communicator, _, _ = await connect(headers)
        last = (await communicator.receive_json_from(timeout=WAIT))["seq"]
        for n in range(15):
            await sync_to_async(new_call)(f"{100 + n} MAIN ST")
        target = await sync_to_async(events.latest_seq)()
        ahead = []
        while last < target:
            message = await communicator.receive_json_from(timeout=WAIT)
            if message["event"] == "heartbeat":
                if message["seq"] > last:
                    ahead.append((message["seq"], last))
                continue
            assert message["seq"] == last + 1
            last = message["seq"]
        await communicator.disconnect()
        return ahead

    assert run(scenario) == []


def test_a_bad_token_is_refused_even_with_a_cookie():
    headers = [*session_headers("dispatcher1"), (b"authorization", b"Token not-a-real-key")]

    async def scenario():
        return await refusal(headers)

    assert run(scenario) == 4401


def test_a_partner_sees_only_its_own_units_and_the_calls_they_were_sent_to():
    theirs = new_call()
    dispatch(theirs, "S21")
    ours = new_call("320 MAIN ST")
    headers = token_headers("DCSO")

    async def scenario():
        communicator, connected, _ = await connect(headers)  # a program: no Origin header
        assert connected
        snapshot = await communicator.receive_json_from(timeout=WAIT)
        start = snapshot["seq"]
        await sync_to_async(dispatch)(ours, "1A12")  # call.updated, unit.updated: not theirs
        await sync_to_async(status)("S21", "enroute")  # call.updated, unit.updated: theirs
        got = await messages_until(communicator, start + 4)
        await communicator.disconnect()
        return snapshot, start, got

    snapshot, start, got = run(scenario)
    assert [c["number"] for c in snapshot["data"]["calls"]] == [theirs.number]
    assert {u["agency"] for u in snapshot["data"]["units"]} == {"DCSO"}
    assert [(m["seq"], m["event"]) for m in got] == [
        (start + 1, "skip"), (start + 2, "skip"), (start + 3, "call.updated"), (start + 4, "unit.updated")]
    assert "data" not in got[0]
    assert got[2]["data"]["number"] == theirs.number
    assert got[3]["data"]["callsign"] == "S21"


def test_a_client_may_ask_for_a_snapshot_or_a_replay_on_the_open_socket():
    async def scenario():
        communicator, _, _ = await connect("dispatcher1")
        start = (await communicator.receive_json_from(timeout=WAIT))["seq"]
        await sync_to_async(new_call)()
        await messages_until(communicator, start + 1)
        await communicator.send_json_to({"action": "since", "seq": start})
        again = await messages_until(communicator, start + 1)
        await communicator.send_json_to({"action": "snapshot"})
        snapshot = await communicator.receive_json_from(timeout=WAIT)
        await communicator.send_json_to({"action": "dance"})
        error = await communicator.receive_json_from(timeout=WAIT)
        await communicator.disconnect()
        return start, again, snapshot, error

    start, again, snapshot, error = run(scenario)
    assert [(m["seq"], m["event"]) for m in again] == [(start + 1, "call.created")]
    assert snapshot["event"] == "snapshot" and snapshot["seq"] == start + 1
    assert error["event"] == "error"


def test_events_are_pruned_after_the_retention_but_the_newest_stays():
    new_call()
    new_call("320 MAIN ST")
    Event.objects.update(at=timezone.now() - timedelta(hours=25))
    latest = events.latest_seq()

    from cad.tasks import events_prune

    assert events_prune.apply().get() == latest - 1
    assert list(Event.objects.values_list("seq", flat=True)) == [latest]
    new_call("330 MAIN ST")
    assert events.latest_seq() == latest + 1


def test_a_call_closed_while_away_is_gone_from_the_next_snapshot():
    call = new_call()
    assert Call.objects.filter(pk=call.pk).exists()

    async def scenario():
        communicator, _, _ = await connect("dispatcher1")
        first = await communicator.receive_json_from(timeout=WAIT)
        await communicator.disconnect()
        await sync_to_async(services.call_close)(
            call=call, disposition=await sync_to_async(Disposition.objects.get)(code="ACX"),
            by=None)
        again, _, _ = await connect("dispatcher1", f"?since={first['seq']}")
        replay = await messages_until(again, first["seq"] + 1)
        await again.disconnect()
        return first, replay

    first, replay = run(scenario)
    assert call.number in [c["number"] for c in first["data"]["calls"]]
    assert replay[0]["event"] == "call.closed"
    assert replay[0]["data"]["status"] == "closed"


def test_many_consoles_each_get_every_event_once():
    async def scenario():
        consoles = [(await connect("dispatcher1"))[0] for _ in range(5)]
        starts = [(await c.receive_json_from(timeout=WAIT))["seq"] for c in consoles]
        for address in ("310 MAIN ST", "320 MAIN ST", "330 MAIN ST"):
            await sync_to_async(new_call)(address)
        got = [await messages_until(c, s + 3) for c, s in zip(consoles, starts, strict=True)]
        quiet = [await c.receive_nothing(timeout=0.2) for c in consoles]
        await asyncio.gather(*(c.disconnect() for c in consoles))
        return starts, got, quiet

    starts, got, quiet = run(scenario)
    assert len(set(starts)) == 1
    for messages in got:
        assert [m["seq"] for m in messages] == [starts[0] + 1, starts[0] + 2, starts[0] + 3]
    assert all(quiet)
