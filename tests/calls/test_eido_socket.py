"""The EIDO conveyance, /ws/eido/ (NENA-STA-024): subscribe, notify with EIDOs, acknowledge,
keepalive every minRate, expiry, unsubscribe; a partner's subscription sees only the calls
calls_shared_with gives its agency."""

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client

from cad.admission import CLOSE_UNAUTHENTICATED
from cad.asgi import application
from cad.models import Agency
from cad.services import agency_token_create
from calls import services
from calls.eido.ids import incident_id
from calls.eido.schema import eido_problems
from calls.models import CallType
from units.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 3


@pytest.fixture(autouse=True)
def city(seeded_transactional_db, settings):
    settings.CAD_STREAM_POLL_SECONDS = 0.05


def user(username):
    return get_user_model().objects.get(username=username)


def session_headers(username):
    client = Client()
    client.force_login(user(username))
    return [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000"),
            (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]


def token_headers(agency_code):
    _, key = agency_token_create(agency=Agency.objects.get(code=agency_code))
    return [(b"authorization", f"Token {key}".encode())]


def new_call(address="310 MAIN ST"):
    return services.call_create(call_type=CallType.objects.get(code="ROBBERY"), location={"address": address},
                                by=user("dispatcher1"))


def note(call, text):
    return services.call_note_add(call=call, by=user("dispatcher1"), text=text)


def dispatch(call, callsign):
    unit = Unit.objects.get(callsign=callsign)
    return services.call_dispatch(call=call, units=[unit], by=user("dispatcher1"))


async def connect(headers):
    communicator = WebsocketCommunicator(application, "/ws/eido/", headers=headers)
    connected, _ = await communicator.connect(timeout=WAIT)
    assert connected
    return communicator


async def subscribe(communicator, **body):
    await communicator.send_json_to({"subscribe": {"requestId": "r1", "requestType": "EIDO", **body}})
    return (await communicator.receive_json_from(timeout=WAIT))["subscribeResponse"]


async def notified(communicator, timeout=WAIT) -> dict:
    message = await communicator.receive_json_from(timeout=timeout)
    assert "notify" in message, message
    return message["notify"]


async def acknowledge(communicator, notify: dict) -> None:
    await communicator.send_json_to({"notifyResponse": {"transactionId": notify["transactionId"],
                                                        "statusCode": 200}})


async def unsubscribe(communicator, request_id: str, subscription_id: str) -> None:
    body = {"requestId": request_id, "subscriptionId": subscription_id}
    await communicator.send_json_to({"unsubscribe": body})


def notes_of(eido: dict) -> list[str]:
    return [n["notesActionComments"] for n in eido["notesComponent"]]


def run(scenario):
    return async_to_sync(scenario)()


def test_a_single_incident_is_notified_at_once_and_at_each_change():
    call = new_call()
    headers = session_headers("dispatcher1")

    async def scenario():
        socket = await connect(headers)
        answer = await subscribe(socket, requestSubType="single", incidentId=incident_id(call), minRate=60)
        assert (answer["statusCode"], answer["requestId"], answer["minRate"]) == (200, "r1", 60)
        first = await notified(socket)
        assert first["subscriptionId"] == answer["subscriptionId"]
        [eido] = first["notification"]
        assert eido["incidentComponent"]["internalIncidentId"] == call.number and eido_problems(eido) == []
        await acknowledge(socket, first)
        await sync_to_async(note)(call, "Suspect ran north")
        second = await notified(socket)
        assert "Suspect ran north" in notes_of(second["notification"][0])
        assert second["transactionId"] != first["transactionId"]
        await socket.disconnect()

    run(scenario)


def test_a_keepalive_comes_every_min_rate_and_an_unacknowledged_notify_is_sent_again():
    call = new_call()
    headers = session_headers("dispatcher1")

    async def scenario():
        socket = await connect(headers)
        await subscribe(socket, requestSubType="single", incidentId=incident_id(call), minRate=1)
        first = await notified(socket)
        again = await notified(socket, timeout=2.5)  # not acknowledged: the same notify again
        assert again["transactionId"] == first["transactionId"]
        await acknowledge(socket, first)
        started = asyncio.get_running_loop().time()
        keepalive = await notified(socket, timeout=2.5)
        assert keepalive["transactionId"] != first["transactionId"]
        assert keepalive["notification"][0]["incidentComponent"]["internalIncidentId"] == call.number
        assert 0.5 < asyncio.get_running_loop().time() - started < 2
        await socket.disconnect()

    run(scenario)


def test_a_subscription_ends_when_it_expires_unless_renewed():
    headers = session_headers("dispatcher1")

    async def scenario():
        socket = await connect(headers)
        short = await subscribe(socket, requestSubType="all", expires=1, minRate=30)
        assert short["expires"] == 1
        renewed = await subscribe(socket, requestSubType="all", expires=1, minRate=30)
        await socket.send_json_to({"subscribe": {"requestId": "r2", "expires": 3,
                                                 "subscriptionId": renewed["subscriptionId"]}})
        assert (await socket.receive_json_from(timeout=WAIT))["subscribeResponse"]["expires"] == 3
        ended = (await socket.receive_json_from(timeout=2.5))["subscriptionTerminated"]
        assert (ended["subscriptionId"], ended["statusCode"]) == (short["subscriptionId"], 410)
        assert await socket.receive_nothing(timeout=1)  # the renewed one lives on
        await socket.disconnect()

    run(scenario)


def test_after_unsubscribe_nothing_more_is_notified():
    headers = session_headers("dispatcher1")

    async def scenario():
        socket = await connect(headers)
        answer = await subscribe(socket, requestSubType="all", minRate=60)
        await unsubscribe(socket, "r9", answer["subscriptionId"])
        reply = (await socket.receive_json_from(timeout=WAIT))["unsubscribeResponse"]
        assert (reply["requestId"], reply["statusCode"]) == ("r9", 200)
        await sync_to_async(new_call)()
        assert await socket.receive_nothing(timeout=1)
        await unsubscribe(socket, "r10", answer["subscriptionId"])
        assert (await socket.receive_json_from(timeout=WAIT))["unsubscribeResponse"]["statusCode"] == 404
        await socket.disconnect()

    run(scenario)


def test_a_partners_subscription_gets_only_the_calls_it_may_see():
    headers = token_headers("DCSO")
    hidden = new_call("320 MAIN ST")

    async def scenario():
        socket = await connect(headers)
        await subscribe(socket, requestSubType="all", minRate=60)
        await sync_to_async(new_call)("330 MAIN ST")  # not the sheriff's
        theirs = await sync_to_async(new_call)()
        await sync_to_async(dispatch)(theirs, "S21")  # the sheriff's deputy is sent: now it may see it
        got = [await notified(socket)]
        while not await socket.receive_nothing(timeout=1):  # its creation and its dispatch, apart or together
            got.append(await notified(socket))
        assert {e["incidentComponent"]["internalIncidentId"] for n in got for e in n["notification"]} == {
            theirs.number}
        await sync_to_async(note)(hidden, "not for the sheriff")
        assert await socket.receive_nothing(timeout=1)
        await socket.send_json_to({"subscribe": {"requestId": "x", "requestSubType": "single",
                                                 "incidentId": incident_id(hidden)}})
        refused = (await socket.receive_json_from(timeout=WAIT))["subscribeResponse"]
        assert (refused["requestId"], refused["statusCode"]) == ("x", 404)
        await socket.disconnect()

    run(scenario)


def test_new_gives_each_incident_once():
    headers = session_headers("dispatcher1")

    async def scenario():
        socket = await connect(headers)
        await subscribe(socket, requestSubType="new", minRate=60)
        call = await sync_to_async(new_call)()
        got = await notified(socket)
        assert got["notification"][0]["incidentComponent"]["internalIncidentId"] == call.number
        await sync_to_async(note)(call, "more")
        assert await socket.receive_nothing(timeout=1)
        await socket.disconnect()

    run(scenario)


def test_what_is_not_understood_gets_the_sta_024_code_and_the_socket_stays():
    headers = session_headers("dispatcher1")

    async def scenario():
        socket = await connect(headers)
        await socket.send_to(text_data="not json")
        assert (await socket.receive_json_from(timeout=WAIT))["error"]["statusCode"] == 400
        assert (await subscribe(socket, requestType="ADR"))["statusCode"] == 501
        assert (await subscribe(socket, requestSubType="single"))["statusCode"] == 400
        assert (await subscribe(socket, requestSubType="single", incidentId="urn:nope"))["statusCode"] == 404
        assert (await subscribe(socket, requestSubType="all", minRate=0))["statusCode"] == 400
        assert (await subscribe(socket, requestSubType="all"))["statusCode"] == 200
        await socket.disconnect()

    run(scenario)


def test_no_subscription_without_credentials():
    async def scenario():
        socket = WebsocketCommunicator(application, "/ws/eido/")
        connected, _ = await socket.connect(timeout=WAIT)
        assert connected  # answered at once, then told why it is closed
        message = await socket.receive_output(timeout=WAIT)
        assert (message["type"], message["code"]) == ("websocket.close", CLOSE_UNAUTHENTICATED)

    run(scenario)
