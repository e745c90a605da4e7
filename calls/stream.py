"""The calls' part of the live stream: open calls and open alerts in a console's snapshot, and
which calls' events an agency's program may see (the API's rule, calls.selectors)."""

from django.contrib.auth.models import AbstractBaseUser

from cad import stream
from calls.api.serializers import AlertSerializer, CallSerializer
from calls.api.serializers.shares import shares_context
from calls.events import CALL_EVENTS, call_seen_by
from calls.selectors import active_calls_visible_to, call_shared_with, open_alerts_visible_to


def calls_snapshot(user: AbstractBaseUser) -> list[dict]:
    return CallSerializer(active_calls_visible_to(user), many=True, context=shares_context(user)).data


def alerts_snapshot(user: AbstractBaseUser) -> list[dict]:
    return AlertSerializer(open_alerts_visible_to(user), many=True).data


def register() -> None:
    stream.snapshot_part("calls", calls_snapshot)
    stream.snapshot_part("alerts", alerts_snapshot)
    stream.call_audience(call_shared_with)
    for event in CALL_EVENTS:
        stream.event_view(event, call_seen_by)
