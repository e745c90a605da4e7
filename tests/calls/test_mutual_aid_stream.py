"""Mutual aid on the live stream: the agency asked gets its request at once, before it may see the
call, and its answer's consequences (the call, its unit); other partners get a skip; the center's
consoles get everything. A partner connecting later finds its pending request in its snapshot."""

import pytest
from asgiref.sync import sync_to_async

from cad import events
from cad.models import Agency
from calls import services
from calls.models import CallType
from tests.cad.test_stream import WAIT, connect, messages_until, run, token_headers, user
from units.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def city(seeded_transactional_db, settings):
    settings.CAD_STREAM_POLL_SECONDS = 0.05


def new_call(address):
    return services.call_create(call_type=CallType.objects.get(code="FSTRU"), location={"address": address},
                                by=user("dispatcher1"))


def ask(call, agency="NFPD", capability="engine"):
    return services.mutual_aid_request(call=call, agency=Agency.objects.get(code=agency),
                                       capability=capability, count=1, by=user("dispatcher1"),
                                       note="second alarm")


def accept(request, callsign="E51"):
    return services.mutual_aid_accept(mutual_aid=request, units=[Unit.objects.get(callsign=callsign)],
                                      by=Agency.objects.get(code="NFPD").service_user)


def shown(messages):
    return [(m["event"], m.get("data", {}).get("agency") if m["event"].startswith("mutual_aid") else None)
            for m in messages]


def test_the_partner_asked_gets_its_request_before_it_sees_the_call_and_no_other_partner_does():
    fire = new_call("430 ELM ST")
    nfpd, dcso = token_headers("NFPD"), token_headers("DCSO")

    async def scenario():
        theirs, _, _ = await connect(nfpd)
        other, _, _ = await connect(dcso)
        center, _, _ = await connect("dispatcher1")
        start = (await theirs.receive_json_from(timeout=WAIT))["seq"]
        await other.receive_json_from(timeout=WAIT)
        await center.receive_json_from(timeout=WAIT)
        request = await sync_to_async(ask)(fire)  # mutual_aid.requested
        asked_seq = await sync_to_async(events.latest_seq)()
        await sync_to_async(ask)(fire, agency="SFPD")  # put to another district
        await sync_to_async(accept)(request)  # call.updated, unit.updated, mutual_aid.accepted
        end = await sync_to_async(events.latest_seq)()
        got = {name: await messages_until(socket, end)
               for name, socket in (("NFPD", theirs), ("DCSO", other), ("center", center))}
        for socket in (theirs, other, center):
            await socket.disconnect()
        return start, asked_seq, end, got

    start, asked_seq, end, got = run(scenario)
    assert asked_seq == start + 1 and end == start + 5
    assert shown(got["NFPD"]) == [("mutual_aid.requested", "NFPD"), ("skip", None), ("call.updated", None),
                                  ("unit.updated", None), ("mutual_aid.accepted", "NFPD")]
    request = got["NFPD"][0]["data"]
    assert request["call"]["number"] == fire.number
    assert (request["call"]["call_type"]["code"], request["call"]["priority"]) == ("FSTRU", 1)
    assert request["call"]["location"]["address"] == "430 ELM ST"
    assert (request["capability"], request["count"], request["note"]) == ("engine", 1, "second alarm")
    assert got["NFPD"][2]["data"]["number"] == fire.number  # its engine is on the call: it sees the call now
    assert got["NFPD"][4]["data"]["units"] == ["E51"]
    assert [m["event"] for m in got["DCSO"]] == ["skip"] * 5
    assert shown(got["center"]) == [("mutual_aid.requested", "NFPD"), ("mutual_aid.requested", "SFPD"),
                                    ("call.updated", None), ("unit.updated", None),
                                    ("mutual_aid.accepted", "NFPD")]


def test_a_partner_connecting_later_finds_its_pending_request_in_its_snapshot_and_others_do_not():
    fire = new_call("430 ELM ST")
    request = ask(fire)
    ask(new_call("650 CEDAR ST"), agency="SFPD")

    async def snapshot(headers):
        socket, connected, _ = await connect(headers)
        assert connected
        first = await socket.receive_json_from(timeout=WAIT)
        await socket.disconnect()
        return first["data"]

    nfpd_token, dcso_token = token_headers("NFPD"), token_headers("DCSO")

    async def scenario():
        return await snapshot(nfpd_token), await snapshot(dcso_token), await snapshot("dispatcher1")

    nfpd, dcso, center = run(scenario)
    assert [r["id"] for r in nfpd["mutual_aid"]] == [request.pk]
    assert nfpd["calls"] == []  # the request, not the call
    assert dcso["mutual_aid"] == []
    assert [r["agency"] for r in center["mutual_aid"]] == ["NFPD", "SFPD"]


def test_a_decline_and_a_cancel_reach_the_partner_asked():
    fire = new_call("430 ELM ST")
    headers, dispatcher = token_headers("NFPD"), user("dispatcher1")

    async def scenario():
        socket, _, _ = await connect(headers)
        start = (await socket.receive_json_from(timeout=WAIT))["seq"]
        first = await sync_to_async(ask)(fire)
        await sync_to_async(services.mutual_aid_decline)(mutual_aid=first, reason="E51 at a barn fire",
                                                         by=None)
        second = await sync_to_async(ask)(fire, capability="medic")
        await sync_to_async(services.mutual_aid_cancel)(mutual_aid=second, by=dispatcher, reason="M2 free")
        got = await messages_until(socket, start + 4)
        await socket.disconnect()
        return got

    got = run(scenario)
    assert [m["event"] for m in got] == [
        "mutual_aid.requested", "mutual_aid.declined", "mutual_aid.requested", "mutual_aid.cancelled"]
    assert got[1]["data"]["decline_reason"] == "E51 at a barn fire"
    assert (got[3]["data"]["state"], got[3]["data"]["cancel_reason"]) == ("cancelled", "M2 free")
