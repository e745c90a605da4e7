"""The calls' part of the live stream: open calls, open alerts and the mutual-aid requests on open
calls in a console's snapshot, the 9-1-1 line's latest ANI/ALI records and the callback queue (the
center's consoles only), and which calls' events an agency's program may see (the API's rule,
calls.selectors). A mutual-aid event is addressed to the agency asked (calls.events), so it needs
no rule here: that agency sees it before it may see the call."""

from django.contrib.auth.models import AbstractBaseUser

from cad import stream
from calls.api.serializers import AlertSerializer, CallSerializer
from calls.api.serializers.ali import AliRecordSerializer, CallbackSerializer
from calls.api.serializers.mutual_aid import MutualAidRequestSerializer
from calls.api.serializers.shares import shares_context
from calls.events import CALL_EVENTS, call_seen_by
from calls.selectors import (
    active_calls_visible_to,
    ali_records_recent,
    call_shared_with,
    callbacks_waiting_visible_to,
    open_alerts_visible_to,
)
from calls.selectors.mutual_aid import mutual_aid_open_visible_to


def calls_snapshot(user: AbstractBaseUser) -> list[dict]:
    return CallSerializer(active_calls_visible_to(user), many=True, context=shares_context(user)).data


def alerts_snapshot(user: AbstractBaseUser) -> list[dict]:
    return AlertSerializer(open_alerts_visible_to(user), many=True).data


def mutual_aid_snapshot(user: AbstractBaseUser) -> list[dict]:
    return MutualAidRequestSerializer(mutual_aid_open_visible_to(user), many=True).data


def ali_snapshot(user: AbstractBaseUser) -> list[dict]:
    return AliRecordSerializer(ali_records_recent(user), many=True).data


def callbacks_snapshot(user: AbstractBaseUser) -> list[dict]:
    return CallbackSerializer(callbacks_waiting_visible_to(user), many=True).data


def register() -> None:
    stream.snapshot_part("calls", calls_snapshot)
    stream.snapshot_part("alerts", alerts_snapshot)
    stream.snapshot_part("mutual_aid", mutual_aid_snapshot)
    stream.snapshot_part("ali", ali_snapshot)
    stream.snapshot_part("callbacks", callbacks_snapshot)
    stream.call_audience(call_shared_with)
    for event in CALL_EVENTS:
        stream.event_view(event, call_seen_by)
