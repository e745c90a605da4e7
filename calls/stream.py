"""The calls' part of the live stream: open calls, open alerts and the mutual-aid requests on open
calls in a console's snapshot, the 9-1-1 line's latest ANI/ALI records and the callback queue (the
center's consoles only), and which calls' events an agency's program may see (the API's rule,
calls.selectors). A mutual-aid event is addressed to the agency asked (calls.events), so it needs
no rule here: that agency sees it before it may see the call."""

from django.contrib.auth.models import AbstractBaseUser

from cad import stream
from cad.events import EventName
from calls.api.serializers import AlertSerializer, CallSerializer
from calls.api.serializers.ali import AliRecordSerializer, CallbackSerializer
from calls.api.serializers.mutual_aid import MutualAidRequestSerializer
from calls.api.serializers.shares import shares_context
from calls.events import CALL_EVENTS, call_seen_by, call_shape
from calls.models import Alert, Call
from calls.selectors import (
    active_calls_visible_to,
    ali_records_recent,
    call_shared_with,
    callbacks_waiting_visible_to,
    open_alerts_visible_to,
)
from calls.selectors.mutual_aid import mutual_aid_open_visible_to
from units.models import Unit


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


UNIT_CALL_EVENTS = frozenset({*CALL_EVENTS, EventName.CALL_NOTE})
ALERT_EVENTS = frozenset({EventName.ALERT_RAISED, EventName.ALERT_ESCALATED, EventName.ALERT_ACKNOWLEDGED})


def unit_sees_call(announcement: dict, callsign: str, call_id: int | None) -> bool:
    """A unit terminal sees the events of the call its unit works (a call event names the call's
    units; a note names only the call), the alerts about its unit, and the messages sent to it."""
    event, data = announcement.get("event"), announcement.get("data") or {}
    if event in UNIT_CALL_EVENTS:
        if call_id is not None and announcement.get("call_id") == call_id:
            return True
        return any(u.get("callsign") == callsign for u in data.get("units") or ())
    if event in ALERT_EVENTS:
        return data.get("unit") == callsign
    if event == EventName.MESSAGE_SENT:
        return callsign in (data.get("units") or ())  # the units it reached, written down when sent
    return False


def unit_terminal_calls(callsign: str) -> list[dict]:
    """The call the terminal's unit works, if any."""
    call_id = Unit.objects.filter(callsign=callsign).values_list("current_call_id", flat=True).first()
    call = Call.objects.filter(pk=call_id).first() if call_id else None
    return [call_shape(call)] if call is not None else []


def unit_terminal_alerts(callsign: str) -> list[dict]:
    alerts = Alert.objects.filter(unit__callsign=callsign, acknowledged_at__isnull=True) \
        .select_related("call", "unit", "acknowledged_by")
    return AlertSerializer(alerts, many=True).data


def register() -> None:
    stream.snapshot_part("calls", calls_snapshot)
    stream.snapshot_part("alerts", alerts_snapshot)
    stream.snapshot_part("mutual_aid", mutual_aid_snapshot)
    stream.snapshot_part("ali", ali_snapshot)
    stream.snapshot_part("callbacks", callbacks_snapshot)
    stream.call_audience(call_shared_with)
    stream.unit_snapshot_part("calls", unit_terminal_calls)
    stream.unit_snapshot_part("alerts", unit_terminal_alerts)
    stream.unit_rule(unit_sees_call)
    for event in CALL_EVENTS:
        stream.event_view(event, call_seen_by)
