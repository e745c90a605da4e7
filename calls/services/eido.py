"""Another center's EIDO arriving (POST eido/): a new pending call here, or an update of the call
its incident already made, through call entry's own services. Its notes are added once each, by
their ids, however often the EIDO is posted again."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from cad.exceptions import Conflict, Invalid
from cad.models import Agency
from calls.choices import CallSource
from calls.eido.read import IncomingIncident
from calls.models import Call, CallNoteReceived, CallType
from calls.selectors.eido import call_of_incident
from calls.services.chronology import call_note_add, call_supplement_add
from calls.services.entry import call_create, call_update
from calls.services.locks import call_locked
from premises.selectors import place_for_location


@dataclass(frozen=True)
class EidoReceipt:
    call: Call
    created: bool
    notes_added: int


def call_type_for_incident(common_type: str) -> tuple[CallType, bool]:
    """Our call type for an EIDO's incident type (an APCO 2.103 common type): the type of that
    code, else the first of ours reported as it, else the general type (CAD_EIDO_GENERAL_CALL_TYPE);
    with whether it mapped."""
    types = CallType.objects.select_related("default_priority").filter(active=True)
    found = (types.filter(code=common_type, is_local=False).first()
             or types.filter(common_type=common_type).order_by("is_local", "code").first())
    if found is not None:
        return found, True
    general = types.filter(code=settings.CAD_EIDO_GENERAL_CALL_TYPE).first()
    if general is None:
        raise Invalid({"incidentComponent": [
            f"The incident type {common_type!r} maps to no call type here, and the general type "
            f"{settings.CAD_EIDO_GENERAL_CALL_TYPE!r} (CAD_EIDO_GENERAL_CALL_TYPE) is not an active "
            f"call type."]})
    return general, False


@transaction.atomic
def call_eido_receive(
    *, incoming: IncomingIncident, by: AbstractBaseUser, agency: Agency | None, visible: QuerySet[Call],
) -> EidoReceipt:
    """Make or update the call of `incoming` (an EIDO another center sent). `agency` is the partner
    that sent it (its token's agency; for the center's own programs, the agency the EIDO says owns
    the incident, when it is one of our partners); `visible` the calls the sender may see, where an
    earlier EIDO's call is looked for. An incident id of ours that the sender may not see: LookupError."""
    sender = agency or _partner_named(incoming.owning_agency_code)
    # One arrival of a sender's incident at a time: the first makes the call, a second one meeting
    # it waits and then finds it.
    if sender is not None:
        Agency.objects.select_for_update().filter(pk=sender.pk).first()
    call = call_of_incident(incoming.incident_id, visible)
    if call is None:
        return _call_make(incoming, by=by, sender=sender)
    return _call_change(call, incoming, by=by, sender=sender)


def _partner_named(code: str | None) -> Agency | None:
    if not code:
        return None
    return Agency.objects.filter(code=code, kind=Agency.Kind.PARTNER).first()


def _call_make(incoming: IncomingIncident, *, by: AbstractBaseUser, sender: Agency | None) -> EidoReceipt:
    call_type, mapped = call_type_for_incident(incoming.common_type)
    now = timezone.now()
    # A partner's clock a moment ahead must not make its incident "received in the future".
    received_at = min(incoming.received_at, now) if incoming.received_at else now
    call = call_create(
        call_type=call_type, location=incoming.location, by=by, source=CallSource.PARTNER,
        priority=_priority(incoming, call_type) if mapped else None,
        caller_name=incoming.caller_name, caller_phone=incoming.caller_phone, narrative=incoming.narrative,
        received_at=received_at, sent_by=sender, sent_by_incident=incoming.incident_id,
    )
    if not mapped:
        call_note_add(call=call, by=by, text=(
            f"The sender's incident type {incoming.common_type}"
            + (f" ({incoming.internal_type})" if incoming.internal_type else "")
            + f" maps to no call type here: entered as {call_type.code}."))
    added = _notes_add(call, incoming, by=by, sender=sender)
    return EidoReceipt(call=call, created=True, notes_added=added)


def _priority(incoming: IncomingIncident, call_type: CallType):
    if incoming.priority is None or incoming.priority == call_type.default_priority_id:
        return None
    return type(call_type.default_priority).objects.filter(level=incoming.priority).first()


def _call_change(call: Call, incoming: IncomingIncident, *, by: AbstractBaseUser,
                 sender: Agency | None) -> EidoReceipt:
    call = call_locked(call)
    if not call.is_closed:
        changes = _changes(call, incoming)
        if changes:
            call = call_update(call=call, by=by, **changes)
    added = _notes_add(call, incoming, by=by, sender=sender)
    return EidoReceipt(call=call, created=False, notes_added=added)


def _changes(call: Call, incoming: IncomingIncident) -> dict:
    """What the EIDO says differently of the call, in call_update's terms. A type is changed only
    when the incident's common type is not what ours is reported as: a local type sent out and back
    stays itself."""
    changes: dict = {}
    if incoming.common_type != call.call_type.common_type:
        call_type, mapped = call_type_for_incident(incoming.common_type)
        if mapped and call_type.pk != call.call_type_id:
            changes["call_type"] = call_type
    if incoming.priority is not None and incoming.priority != call.priority_id:
        changes["priority"] = type(call.priority).objects.get(level=incoming.priority)
    place = place_for_location(incoming.location)
    if place.address != call.address or _moved(place.lat, place.lon, call.lat, call.lon):
        changes["location"] = incoming.location
    for name in ("caller_name", "narrative"):
        value = getattr(incoming, name)
        if value and value != getattr(call, name):
            changes[name] = value
    # A number comes back as a tel: URI's digits: 816-555-0142 is still 8165550142.
    if incoming.caller_phone and _digits(incoming.caller_phone) != _digits(call.caller_phone):
        changes["caller_phone"] = incoming.caller_phone
    return changes


def _digits(phone: str) -> str:
    return re.sub(r"[^\d+]", "", phone)


def _moved(lat, lon, old_lat, old_lon) -> bool:
    """A point moved, beyond the 6 decimals (about 10 cm) an EIDO's PIDF-LO carries."""
    if (lat is None) != (old_lat is None):
        return True
    return lat is not None and (abs(lat - old_lat) > 1e-6 or abs(lon - old_lon) > 1e-6)


def _notes_add(call: Call, incoming: IncomingIncident, *, by: AbstractBaseUser, sender: Agency | None) -> int:
    """The EIDO's notes not added before, oldest first; on a closed call, as supplements."""
    known = set(CallNoteReceived.objects.filter(
        call=call, eido_id__in=[n.eido_id for n in incoming.notes]).values_list("eido_id", flat=True))
    added = 0
    for note in incoming.notes:
        if note.eido_id in known:
            continue
        known.add(note.eido_id)
        add = call_supplement_add if call.is_closed else call_note_add
        entry = add(call=call, by=by, text=note.text)
        try:
            with transaction.atomic():
                CallNoteReceived.objects.create(call=call, eido_id=note.eido_id, entry=entry, agency=sender,
                                                received_at=entry.at)
        except IntegrityError:
            raise Conflict(f"Note {note.eido_id} reached {call.number} from another post at the same "
                           f"moment; send the EIDO again.") from None
        added += 1
    return added
