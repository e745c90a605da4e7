"""What the calls app announces on the live stream, in the shapes its API answers with."""

from cad.events import EventName, publish
from calls.api.serializers import AlertSerializer, CallSerializer, ChronologyEntrySerializer
from calls.api.serializers.ali import AliRecordSerializer, CallbackSerializer
from calls.api.serializers.messages import MessageSerializer
from calls.api.serializers.mutual_aid import MutualAidRequestSerializer
from calls.api.serializers.shares import ALL_SHARES, shares_seen
from calls.models import (
    Alert,
    AliRecord,
    Call,
    Callback,
    CallShare,
    ChronologyEntry,
    Message,
    MutualAidRequest,
)

CALL_EVENTS = (EventName.CALL_CREATED, EventName.CALL_UPDATED, EventName.CALL_CLOSED)


def call_shape(call: Call) -> dict:
    """The call as lists and the live stream see it, with every share: the stream shows each
    partner only its own (call_seen_by)."""
    return CallSerializer(call, context={"shares_for": ALL_SHARES}).data


def call_seen_by(data: dict, agency_code: str) -> dict | None:
    """A call event's data as a partner reads it: its own share and no other partner's (None when
    the call has no other partner's share)."""
    shares = data.get("shared_with") or []
    own = shares_seen(shares, agency_code)
    return None if len(own) == len(shares) else {**data, "shared_with": own}


def call_announce(call: Call, name: EventName, *, shape: dict | None = None,
                  changes: dict[str, list] | None = None) -> None:
    """call.created, call.updated or call.closed, with the call as lists and partners see it
    (`shape`, when the service read it already), and what changed: `changes`, field → [old, new],
    as the chronology logs it (partners' webhooks carry it)."""
    data = shape if shape is not None else call_shape(call)
    if changes:
        data = {**data, "changes": changes}
    publish(name, data, call_id=call.pk)


def chronology_announce(call: Call, entry: ChronologyEntry) -> None:
    """A note or a supplement on the call (call.note): open consoles show the new line."""
    publish(EventName.CALL_NOTE, {"call": call.pk, "number": call.number,
                                  "entry": ChronologyEntrySerializer(entry).data}, call_id=call.pk)


def call_unshared_announce(call: Call, share: CallShare) -> None:
    """call.unshared, to the partner alone whose share ended and which sees the call no more: it
    drops the call from its view (the center's consoles get it too, and a call.updated beside it)."""
    publish(EventName.CALL_UNSHARED, {"id": call.pk, "number": call.number, "agency": share.agency.code,
                                      "relay": share.relay}, call_id=call.pk, agency_code=share.agency.code)


def alert_announce(alert: Alert, name: EventName) -> None:
    """alert.raised, .escalated or .acknowledged. A unit's alert off any call concerns its agency;
    one about a call concerns whoever may see the call."""
    agency = alert.unit.agency.code if alert.unit_id and alert.call_id is None else ""
    publish(name, AlertSerializer(alert).data, call_id=alert.call_id, agency_code=agency)


def mutual_aid_announce(request: MutualAidRequest, name: EventName) -> None:
    """mutual_aid.requested, .accepted, .declined or .cancelled, as GET mutual-aid/{id}/ answers:
    addressed to the agency asked (and the center's consoles and board), even while that agency
    may not see the call yet, and to no other partner."""
    publish(name, MutualAidRequestSerializer(request).data, call_id=request.call_id,
            agency_code=request.agency.code)


def ali_announce(record: AliRecord, name: EventName) -> None:
    """ali.received or ali.rebid: the line's record on the center's consoles. It names no call and
    no agency, so no partner's program is sent it (cad.stream.shared_with)."""
    publish(name, AliRecordSerializer(record).data)


def callback_announce(callback: Callback, name: EventName) -> None:
    """callback.queued or callback.updated (an attempt more, claimed, released, done): the center's
    consoles only, as ali_announce."""
    publish(name, CallbackSerializer(callback).data)


def message_announce(message: Message) -> None:
    """message.sent: the center's consoles see every message; a unit's terminal the ones sent to it
    (`units`, written down when it was sent). Partners' programs see none of them."""
    publish(EventName.MESSAGE_SENT, MessageSerializer(message).data)
