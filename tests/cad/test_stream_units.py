"""The live stream scoped to a unit terminal: its unit, its call, the units on it; nothing else."""

import pytest
from asgiref.sync import sync_to_async

from cad import events, stream
from cad.hub import Entry, unit_verdicts
from calls import services
from calls.stream import unit_sees_call
from tests.cad.test_stream import (
    WAIT,
    close_code,
    connect,
    dispatch,
    messages_until,
    new_call,
    refusal,
    run,
    session_headers,
    status,
    user,
)
from units.models import Unit
from units.services import unit_sign_off, unit_sign_on

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def city(seeded_transactional_db, settings):
    settings.CAD_STREAM_POLL_SECONDS = 0.05


def sign_on(username, callsign):
    unit_sign_on(unit=Unit.objects.get(callsign=callsign), user=user(username), by=user(username))


def note(call, text):
    services.call_note_add(call=call, by=user("dispatcher1"), text=text)


def test_a_unit_terminal_receives_its_calls_events_and_not_another_calls():
    sign_on("officer1", "1A12")
    ours, theirs = new_call(), new_call("320 MAIN ST")
    headers = session_headers("officer1")

    async def scenario():
        communicator, connected, _ = await connect(headers)
        assert connected
        snapshot = await communicator.receive_json_from(timeout=WAIT)
        start = snapshot["seq"]
        await sync_to_async(dispatch)(ours, "1A12")   # +1 call.updated, +2 unit.updated: ours
        await sync_to_async(dispatch)(theirs, "1A11")  # +3 call.updated, +4 unit.updated: not ours
        await sync_to_async(note)(ours, "suspect fled north")  # +5 ours
        await sync_to_async(note)(theirs, "nothing to see")  # +6 not ours
        await sync_to_async(status)("1A11", "enroute")  # +7 call.updated, +8 unit.updated: not ours
        await sync_to_async(status)("1A12", "enroute")  # +9 call.updated, +10 unit.updated: ours
        got = await messages_until(communicator, start + 10)
        await communicator.disconnect()
        return snapshot, start, got

    snapshot, start, got = run(scenario)
    assert [u["callsign"] for u in snapshot["data"]["units"]] == ["1A12"]
    assert snapshot["data"]["calls"] == []
    seen = [(m["seq"] - start, m["event"]) for m in got if m["event"] != "skip"]
    assert seen == [(1, "call.updated"), (2, "unit.updated"), (5, "call.note"), (9, "call.updated"),
                    (10, "unit.updated")]
    assert got[4]["data"]["entry"]["text"] == "suspect fled north"
    assert len(got) == 10  # the others arrive as skips: no gap in the seq


def test_a_unit_terminal_sees_the_other_units_on_its_call():
    sign_on("officer1", "1A12")
    call = new_call()
    dispatch(call, "1A12")
    headers = session_headers("officer1")

    async def scenario():
        communicator, _, _ = await connect(headers)
        snapshot = await communicator.receive_json_from(timeout=WAIT)
        start = snapshot["seq"]
        await sync_to_async(dispatch)(call, "1A11")  # +1 call.updated, +2 unit.updated 1A11: on our call
        got = await messages_until(communicator, start + 2)
        await communicator.disconnect()
        return snapshot, start, got

    snapshot, start, got = run(scenario)
    assert [c["number"] for c in snapshot["data"]["calls"]] == [call.number]
    assert [(m["event"], m["data"].get("callsign")) for m in got] == [
        ("call.updated", None), ("unit.updated", "1A11")]


def test_an_officer_not_signed_on_is_refused_with_a_close_code_that_says_so():
    headers = session_headers("officer2")

    async def scenario():
        return await refusal(headers)

    assert run(scenario) == 4409


def test_signing_off_ends_the_terminals_stream_at_the_next_heartbeat(settings):
    settings.CAD_STREAM_HEARTBEAT_SECONDS = 0.1
    sign_on("officer1", "1A12")
    headers = session_headers("officer1")

    async def scenario():
        communicator, _, _ = await connect(headers)
        await communicator.receive_json_from(timeout=WAIT)
        await sync_to_async(lambda: unit_sign_off(user=user("officer1"), by=user("officer1")))()
        return await close_code(communicator)

    assert run(scenario) == 4409


def test_deciding_for_a_thousand_unit_terminals_makes_no_query(django_assert_max_num_queries):
    call = new_call()
    dispatch(call, "1A12")
    unit_calls = stream.UnitCalls()
    for row in events.Event.objects.order_by("seq"):
        unit_calls.follow(row.announcement())
    audiences = {stream.unit_audience(f"X{n}") for n in range(1000)} | {stream.unit_audience("1A12")}
    note(call, "shots heard")
    entry = Entry.of(events.Event.objects.order_by("-seq").first().announcement())
    with django_assert_max_num_queries(0):
        verdicts = unit_verdicts(entry, audiences, unit_calls)
    assert [a for a, shared in verdicts.items() if shared] == ["unit:1A12"]
    assert len(verdicts) == 1001


def test_a_unit_terminal_sees_the_messages_sent_to_its_unit_and_no_other():
    message = {"event": "message.sent", "call_id": None, "agency_code": "",
               "data": {"id": 1, "units": ["4A11", "4A12"], "text": "road closed"}}

    assert unit_sees_call(message, "4A11", None) and unit_sees_call(message, "4A12", 7)
    assert not unit_sees_call(message, "1A12", None)
    assert not unit_sees_call({**message, "data": {"id": 2, "units": [], "from_unit": "4A11"}}, "4A11", None)


def test_a_terminal_catching_up_sees_what_its_unit_worked_then_not_what_it_works_now():
    sign_on("officer1", "1A12")
    first, second = new_call(), new_call("320 MAIN ST")
    dispatch(first, "1A12")
    headers = session_headers("officer1")

    async def scenario():
        board, _, _ = await connect("supervisor1")  # keeps this process's stream going meanwhile
        await board.receive_json_from(timeout=WAIT)
        terminal, _, _ = await connect(headers)
        left_at = (await terminal.receive_json_from(timeout=WAIT))["seq"]
        await terminal.disconnect()
        # Missed while the car's link was down:
        await sync_to_async(note)(second, "before 1A12 was sent here")  # not 1A12's call then
        await sync_to_async(note)(first, "while 1A12 was here")
        await sync_to_async(status)("1A12", "available")
        await sync_to_async(dispatch)(second, "1A12")
        await sync_to_async(note)(second, "after 1A12 was sent here")
        latest = await sync_to_async(events.latest_seq)()
        back, _, _ = await connect(headers, f"?since={left_at}")
        replayed = await messages_until(back, latest)
        await back.disconnect()
        await board.disconnect()
        return replayed

    replayed = run(scenario)
    assert replayed[0]["event"] != "snapshot"
    notes = [m["data"]["entry"]["text"] for m in replayed if m["event"] == "call.note"]
    assert notes == ["while 1A12 was here", "after 1A12 was sent here"]


def test_a_terminal_from_before_what_the_server_knows_of_its_unit_gets_a_snapshot():
    sign_on("officer1", "1A12")
    call = new_call()
    headers = session_headers("officer1")

    async def scenario():
        board, _, _ = await connect("supervisor1")
        before = (await board.receive_json_from(timeout=WAIT))["seq"]
        await sync_to_async(dispatch)(call, "1A11")
        await sync_to_async(note)(call, "1A11 on scene soon")
        # The first terminal of 1A12 this process has seen, asking to resume from before that.
        terminal, _, _ = await connect(headers, f"?since={before}")
        first = await terminal.receive_json_from(timeout=WAIT)
        await terminal.disconnect()
        await board.disconnect()
        return first

    first = run(scenario)
    assert first["event"] == "snapshot"
    assert [u["callsign"] for u in first["data"]["units"]] == ["1A12"]


def test_which_call_a_unit_worked_is_kept_seq_by_seq():
    unit_calls = stream.UnitCalls()
    unit_calls.seed("1A12", 7, 100)
    for seq, call in ((103, None), (105, 9)):
        unit_calls.follow({"seq": seq, "event": "unit.updated", "call_id": None,
                           "data": {"callsign": "1A12", "call": call}})
    unit_calls.seed("1A12", 3, 106)  # the database's answer, older than the events: ignored

    calls = [unit_calls.call_at("1A12", seq) for seq in (100, 102, 103, 104, 105, 200)]
    assert calls == [7, 7, None, None, 9, 9]
    assert unit_calls.knows("1A12", 100) and not unit_calls.knows("1A12", 99)
    assert not unit_calls.knows("1A11", 1000)
