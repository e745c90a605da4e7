"""Messages between the center's consoles and units in the field: to one unit, to every unit of a
beat or an agency, and back from a unit to the consoles. The units a message reaches are written
down when it is sent, so the live stream decides who sees it from the event alone, and the record
says who was sent what even after the beat's units change."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cad.audit import AuditAction, audit_record, object_ref
from cad.exceptions import Invalid
from cad.history import actor
from cad.models import Agency
from calls.choices import ChronologyKind, MessageTo
from calls.events import chronology_announce, message_announce
from calls.models import Call, Message
from calls.services.chronology import chronology_add
from premises.models import Beat
from units.choices import UnitStatus
from units.models import Unit
from units.services.field_actions import offline_words

MESSAGE_LONGEST = 1000
# Units that are not working are not sent a message for every unit of a beat or an agency.
NOT_WORKING = (UnitStatus.OFF_DUTY, UnitStatus.OUT_OF_SERVICE)


def _recipients(to_kind: str, to: str) -> tuple[str, list[str]]:
    """The address as kept (upper-cased) and the callsigns it reaches now; Invalid when there is none."""
    to = (to or "").strip().upper()
    if to_kind == MessageTo.CONSOLES:
        return "", []
    if not to:
        raise Invalid({"to": ["Say whom it is for: a unit's callsign, a beat or an agency."]})
    if to_kind == MessageTo.UNIT:
        unit = Unit.objects.filter(callsign=to).first()
        if unit is None:
            raise Invalid({"to": [f"There is no unit {to}."]})
        return unit.callsign, [unit.callsign]
    if to_kind == MessageTo.BEAT:
        if not Beat.objects.filter(code=to).exists():
            raise Invalid({"to": [f"There is no beat {to}."]})
        units = Unit.objects.filter(home_beat__code=to)
    elif to_kind == MessageTo.AGENCY:
        if not Agency.objects.filter(code=to).exists():
            raise Invalid({"to": [f"There is no agency {to}."]})
        units = Unit.objects.filter(agency__code=to)
    else:
        raise Invalid({"to_kind": [f"One of {', '.join(MessageTo.values)}."]})
    working = units.exclude(status__in=NOT_WORKING).order_by("callsign")
    callsigns = list(working.values_list("callsign", flat=True))
    if not callsigns:
        raise Invalid({"to": [f"No unit of {to_kind} {to} is working now: nothing was sent."]})
    return to, callsigns


@transaction.atomic
def message_send(*, by: AbstractBaseUser | None, text: str, to_kind: str, to: str = "",
                 call: Call | None = None, from_unit: Unit | None = None,
                 device_at: datetime | None = None) -> Message:
    """Send a message (from a console, or from `from_unit`'s terminal to the consoles); one about
    `call` is a line of its chronology too, which says so when the terminal made it well before
    (`device_at`). Announced on the stream as message.sent."""
    text = (text or "").strip()
    problems = {}
    if not text:
        problems["text"] = ["A message needs some text."]
    elif len(text) > MESSAGE_LONGEST:
        problems["text"] = [f"Keep a message to {MESSAGE_LONGEST:,} characters."]
    if to_kind == MessageTo.CONSOLES and from_unit is None:
        problems["to_kind"] = ["Only a unit sends to the consoles; a console sends to a unit, a beat or an "
                               "agency."]
    if problems:
        raise Invalid(problems)
    to, units = _recipients(to_kind, to)
    now = timezone.now()
    message = Message.objects.create(sent_at=now, sent_by=actor(by), from_unit=from_unit, to_kind=to_kind,
                                     to=to, units=units, call=call, text=text)
    if call is not None:
        sender = from_unit.callsign if from_unit is not None else "console"
        whom = "the consoles" if to_kind == MessageTo.CONSOLES else f"{MessageTo(to_kind).label.lower()} {to}"
        line = f"Message from {sender} to {whom}: {text}"
        late = offline_words(callsign=sender, device_at=device_at, at=now) if from_unit is not None else ""
        entry = chronology_add(call, ChronologyKind.MESSAGE, by=by, at=now, unit=from_unit,
                               text=f"{line} ({late})" if late else line)
        chronology_announce(call, entry)
    audit_record(action=AuditAction.MESSAGE_SEND, object=object_ref("message", message.pk), by=by,
                 detail={"to_kind": to_kind, "to": to, "units": units, "call": call.number if call else None,
                         "from_unit": from_unit.callsign if from_unit else None, "length": len(text)})
    message_announce(message)
    return message
