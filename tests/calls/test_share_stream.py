"""Partner agencies on the live stream /ws/console/: a partner's program follows exactly the calls
shared with it, relayed to it, sent in by it, or that its units were sent to; it is told once when
a call leaves its view; it reads its own share of a call and no other partner's. A second partner
sees none of it."""

import pytest
from asgiref.sync import sync_to_async
from rest_framework.test import APIClient

from cad import events
from cad.models import Agency
from cad.services import agency_token_create
from calls import services
from tests.cad.test_stream import WAIT, connect, dispatch, messages_until, new_call, run, token_headers, user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def city(seeded_transactional_db, settings):
    settings.CAD_STREAM_POLL_SECONDS = 0.05


def share(call, code, relay=False):
    return services.call_share(call=call, agency=Agency.objects.get(code=code), by=user("dispatcher1"),
                               relay=relay)


def unshare(call, code):
    return services.call_unshare(call=call, agency=Agency.objects.get(code=code), by=user("dispatcher1"))


def note(call, text):
    return services.call_note_add(call=call, by=user("dispatcher1"), text=text)


async def first(headers):
    communicator, connected, _ = await connect(headers)
    assert connected
    snapshot = await communicator.receive_json_from(timeout=WAIT)
    assert snapshot["event"] == "snapshot"
    return communicator, snapshot


def shown(messages):
    """(event, call number or id) of what was sent, skips as ("skip", None)."""
    return [(m["event"], (m.get("data") or {}).get("number")) for m in messages]


def test_a_partner_gets_a_call_when_it_is_shared_and_is_told_once_when_the_share_ends():
    call = new_call()
    nfpd, dcso = token_headers("NFPD"), token_headers("DCSO")

    async def scenario():
        partner, snapshot = await first(nfpd)
        other, _ = await first(dcso)
        start = snapshot["seq"]
        await sync_to_async(share)(call, "NFPD")  # call.updated
        await sync_to_async(note)(call, "Smoke showing")  # call.note
        await sync_to_async(unshare)(call, "NFPD")  # call.updated, call.unshared
        await sync_to_async(note)(call, "After the share")  # call.note
        last = await sync_to_async(events.latest_seq)()
        theirs = await messages_until(partner, last)
        others = await messages_until(other, last)
        quiet = await partner.receive_nothing(timeout=0.3)
        await partner.disconnect()
        await other.disconnect()
        return snapshot, start, last, theirs, others, quiet

    snapshot, start, last, theirs, others, quiet = run(scenario)
    assert snapshot["data"]["calls"] == []
    assert last == start + 5
    assert shown(theirs) == [("call.updated", call.number), ("call.note", call.number), ("skip", None),
                             ("call.unshared", call.number), ("skip", None)]
    assert [s["agency"] for s in theirs[0]["data"]["shared_with"]] == ["NFPD"]
    assert theirs[1]["data"]["entry"]["text"] == "Smoke showing"
    assert theirs[3]["data"] == {"id": call.pk, "number": call.number, "agency": "NFPD", "relay": False}
    assert quiet
    assert shown(others) == [("skip", None)] * 5


def test_the_center_sees_every_share_and_a_partner_only_its_own_on_the_stream():
    call = new_call()
    share(call, "DCSO")

    async def scenario():
        partner, start = await first(await sync_to_async(token_headers)("NFPD"))
        center, _ = await first("dispatcher2")
        await sync_to_async(share)(call, "NFPD", True)
        theirs = await messages_until(partner, start["seq"] + 1)
        ours = await messages_until(center, start["seq"] + 1)
        again, snapshot = await first(await sync_to_async(token_headers)("NFPD"))
        await partner.disconnect()
        await center.disconnect()
        await again.disconnect()
        return theirs, ours, snapshot

    theirs, ours, snapshot = run(scenario)
    assert [(s["agency"], s["relay"]) for s in theirs[-1]["data"]["shared_with"]] == [("NFPD", True)]
    assert [(s["agency"], s["relay"]) for s in ours[-1]["data"]["shared_with"]] == [
        ("DCSO", False), ("NFPD", True)]
    [seen] = snapshot["data"]["calls"]
    assert [s["agency"] for s in seen["shared_with"]] == ["NFPD"]


def test_a_partner_follows_the_calls_it_sends_in_and_those_its_units_are_sent_to_and_nothing_else():
    _, key = agency_token_create(agency=Agency.objects.get(code="NFPD"))
    program = APIClient()
    program.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    worked, ours = new_call("320 MAIN ST"), new_call("330 MAIN ST")

    async def scenario():
        partner, snapshot = await first([(b"authorization", f"Token {key}".encode())])
        start = snapshot["seq"]
        sent = await sync_to_async(lambda: program.post("/api/v1/calls/", {
            "call_type": "FSTRU", "location": {"address": "350 MAIN ST"}, "incident_number": "F26-7"},
            format="json").json())()  # call.created
        await sync_to_async(dispatch)(worked, "E51")  # call.updated, unit.updated
        await sync_to_async(dispatch)(ours, "1A12")  # call.updated, unit.updated
        got = await messages_until(partner, start + 5)
        await partner.disconnect()
        return sent, got

    sent, got = run(scenario)
    assert shown(got) == [("call.created", sent["number"]), ("call.updated", worked.number),
                          ("unit.updated", None), ("skip", None), ("skip", None)]
    assert got[0]["data"]["sent_by"]["incident_number"] == "F26-7"
    assert got[2]["data"]["callsign"] == "E51"


def test_a_call_a_partner_still_sees_is_not_removed_from_its_view_when_a_share_ends():
    call = new_call()
    dispatch(call, "E51")
    share(call, "NFPD")

    async def scenario():
        partner, snapshot = await first(await sync_to_async(token_headers)("NFPD"))
        await sync_to_async(unshare)(call, "NFPD")
        got = await messages_until(partner, snapshot["seq"] + 1)
        quiet = await partner.receive_nothing(timeout=0.3)
        await partner.disconnect()
        return snapshot, got, quiet

    snapshot, got, quiet = run(scenario)
    assert [c["number"] for c in snapshot["data"]["calls"]] == [call.number]
    assert shown(got) == [("call.updated", call.number)]  # its unit is on it: still its call
    assert got[0]["data"]["shared_with"] == []
    assert quiet
