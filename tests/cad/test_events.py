import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from cad.events import CONSOLE_GROUP
from calls import services
from calls.models import CallType
from units.models import Unit


@pytest.fixture
def console_channel():
    layer = get_channel_layer()
    name = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(CONSOLE_GROUP, name)
    yield layer, name
    async_to_sync(layer.group_discard)(CONSOLE_GROUP, name)


def receive(layer, name, count=1):
    """Read `count` messages in one event loop (channels-redis keeps its buffers per loop)."""

    async def read():
        return [await layer.receive(name) for _ in range(count)]

    messages = async_to_sync(read)()
    return messages[0] if count == 1 else messages


def test_a_new_call_is_announced_after_commit_with_the_api_shape(
    alice, console_channel, django_capture_on_commit_callbacks
):
    layer, name = console_channel
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call = services.call_create(
            call_type=CallType.objects.get(code="ROBBERY"), location={"address": "310 MAIN ST"}, by=alice
        )
        assert callbacks == []  # nothing is sent while the transaction is open
    message = receive(layer, name)
    assert message["event"] == "call.created"
    assert message["data"]["number"] == call.number
    assert message["data"]["location"]["beat"] == "1"


def test_dispatch_announces_the_call_and_the_unit(alice, console_channel, django_capture_on_commit_callbacks):
    layer, name = console_channel
    call = services.call_create(
        call_type=CallType.objects.get(code="ROBBERY"), location={"address": "310 MAIN ST"}, by=alice
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.call_dispatch(call=call, units=[Unit.objects.get(callsign="1A12")], by=alice)
    events = receive(layer, name, 2)
    assert [e["event"] for e in events] == ["call.updated", "unit.updated"]
    assert events[0]["data"]["status"] == "dispatched"
    assert events[1]["data"] == {**events[1]["data"], "callsign": "1A12", "status": "dispatched",
                                 "call": call.pk}


def test_a_rolled_back_change_is_never_announced(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                services.call_create(
                    call_type=CallType.objects.get(code="ROBBERY"),
                    location={"address": "310 MAIN ST"}, by=alice,
                )
                raise RuntimeError("the request failed after the write")
        except RuntimeError:
            pass
    assert callbacks == []


def test_a_call_is_saved_even_when_redis_is_down(alice, settings, django_capture_on_commit_callbacks):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},  # nothing listens there
    }}
    channel_layers.backends.clear()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call = services.call_create(
                call_type=CallType.objects.get(code="ROBBERY"), location={"address": "310 MAIN ST"},
                by=alice,
            )
    finally:
        channel_layers.backends.clear()
    call.refresh_from_db()
    assert call.chronology.count() == 1
