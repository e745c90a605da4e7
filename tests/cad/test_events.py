from django.db import transaction

from calls import services
from calls.models import CallType
from tests.conftest import receive
from units.models import Unit


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


def test_while_redis_is_away_the_log_says_so_once_not_once_an_event(monkeypatch, caplog):
    from cad import events

    class Away:
        pass

    def refused(layer, message):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(events, "get_channel_layer", lambda: Away())
    monkeypatch.setattr(events._sender, "submit", refused)
    monkeypatch.setattr(events, "_last_warning", -events.ANNOUNCE_WARNING_SECONDS)
    with caplog.at_level("DEBUG", logger="cad.events"):
        for seq in range(1, 21):
            events._send({"type": "cad.event", "seq": seq, "event": "call.created", "data": {}})
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    # One line with the reason; the traceback only at DEBUG, with the line for each later event.
    assert len(warnings) == 1 and warnings[0].exc_info is None
    assert "event 1;" in warnings[0].getMessage()
    assert "ConnectionError: Error 111 connecting to 127.0.0.1:6379" in warnings[0].getMessage()
    debug = [r for r in caplog.records if r.levelname == "DEBUG"]
    assert len(debug) == 20 and debug[0].exc_info[0] is ConnectionError
