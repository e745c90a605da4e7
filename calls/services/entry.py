"""Call taking: a call is numbered, placed, typed and saved; what is known about it changes."""

import uuid
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cad.audit import AuditAction, audit_record, object_ref
from cad.events import EventName
from cad.exceptions import Conflict, Invalid
from cad.history import actor
from cad.models import Agency
from calls.choices import CallSource, ChronologyKind
from calls.events import call_announce, call_shape
from calls.models import Call, CallNumberCounter, CallType, Priority, received_at_problem
from calls.selectors import current_premise_flags
from calls.services.chronology import chronology_add
from calls.services.flags import premise_flags_attach
from calls.services.locks import call_locked
from premises.places import Place
from premises.selectors import place_for_location

User = AbstractBaseUser

CHANGEABLE = frozenset({"call_type", "priority", "source", "location", "caller_name", "caller_phone",
                        "narrative"})
LOGGED_FIELDS = (
    "call_type", "priority", "source", "address", "lat", "lon", "beat", "location_verified",
    "caller_name", "caller_phone", "narrative",
)


def call_number_next(*, year: int) -> str:
    """The next call number of `year`, e.g. 2026-000123; must run inside the creating transaction."""
    table = connection.ops.quote_name(CallNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE year = %s RETURNING last", [year])
        row = cursor.fetchone()
    if row is None:
        try:
            with transaction.atomic():
                CallNumberCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass  # another call opened the year first; its row exists now
        return call_number_next(year=year)
    return f"{year:04d}-{row[0]:06d}"


def _provisional_number() -> str:
    """Unique, and never seen outside the creating transaction: the number is given before commit."""
    return f"new-{uuid.uuid4().hex[:12]}"


def _place_fields(place: Place) -> dict[str, Any]:
    return {
        "address": place.address, "lat": place.lat, "lon": place.lon,
        "beat": place.beat, "location_verified": place.verified, "address_point_id": place.address_id,
    }


@transaction.atomic
def call_create(
    *,
    call_type: CallType,
    location: dict[str, Any],
    by: User | None,
    source: str = CallSource.E911,
    priority: Priority | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    narrative: str = "",
    received_at: datetime | None = None,
    sent_by: Agency | None = None,
    sent_by_incident: str = "",
    rang_at: datetime | None = None,
    answered_at: datetime | None = None,
    origin: str = "",
) -> Call:
    """A new pending call. A call a partner agency sent in carries `sent_by` (that agency, which
    follows it from then on) and its own incident number. A 9-1-1 line's carries when it rang and
    was answered; `origin` says in the chronology where the call came from (its ANI/ALI)."""
    now = timezone.now()
    received_at = received_at or now
    problem = received_at_problem(received_at, now=now)
    if problem:
        raise Invalid({"received_at": [problem]})
    if sent_by is not None and sent_by_incident:
        _incident_not_sent_before(sent_by, sent_by_incident)
    place = place_for_location(location)
    call = Call.objects.create(
        number=_provisional_number(),
        source=source,
        call_type=call_type,
        priority=priority or call_type.default_priority,
        caller_name=caller_name,
        caller_phone=caller_phone,
        narrative=narrative,
        received_at=received_at,
        entered_at=now,
        created_by=actor(by),
        premise_flags_at=now,
        sent_by=sent_by,
        sent_by_incident=sent_by_incident,
        rang_at=rang_at,
        answered_at=answered_at,
        **_place_fields(place),
    )
    text = f"{call_type.code} P{call.priority_id} at {call.address}"
    if not place.verified:
        text += " (location not verified)"
    if sent_by is not None:
        text += f"; sent in by {sent_by.code}" + (f" ({sent_by_incident})" if sent_by_incident else "")
    if origin:
        text += f"; {origin}"
    chronology_add(call, ChronologyKind.CREATED, by=by, at=now, text=text)
    # A new call has no units or shares yet, and its flags are the ones just attached: its shapes
    # (the event, the API's answer) need not read them back.
    call.open_assignments = []
    call.open_shares = []
    call.current_premise_flags = premise_flags_attach(call, place, by=by, at=now)
    # The number comes last. The year's counter is held to commit (the numbers stay gap-free), so
    # calls entered at once wait on each other for it: only for the counter, the event and the audit
    # entry, not for the look-ups and the event's payload, which are read before.
    shape = call_shape(call)
    call.number = call_number_next(year=timezone.localtime(received_at).year)
    Call.objects.filter(pk=call.pk).update(number=call.number)
    call_announce(call, EventName.CALL_CREATED, shape={**shape, "number": call.number})
    audit_record(action=AuditAction.CALL_CREATE, object=object_ref("call", call.pk), by=by, detail={
        "number": call.number, "call_type": call_type.code, "priority": call.priority_id,
        "address": call.address, "source": source,
        **({"sent_by": sent_by.code, "sent_by_incident": sent_by_incident} if sent_by else {})})
    return call


def _incident_not_sent_before(agency: Agency, incident: str) -> None:
    """A partner's program that sends its incident again (a retry after a lost answer) is told the
    call it already made, instead of making a second. The agency's row lock makes two sendings at
    once wait for each other."""
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    earlier = Call.objects.filter(sent_by=agency, sent_by_incident=incident).first()
    if earlier is not None:
        raise Conflict(f"{agency.code}'s incident {incident} was sent in already: it is call "
                       f"{earlier.number} (id {earlier.pk}).")


def _loggable(value: Any) -> Any:
    if hasattr(value, "pk"):
        return str(value)
    return value


@transaction.atomic
def call_update(*, call: Call, by: User | None, why: str = "", **changes: Any) -> Call:
    """Change what is known about an open call; every changed field is logged old → new, after
    `why` when a change has a reason of its own ("location rebid 2 (…)")."""
    call = call_locked(call)
    if call.is_closed:
        raise Conflict(f"Call {call.number} is closed: a closed call is not edited. Add a supplement "
                       f"(POST /api/v1/calls/{call.pk}/supplements/) to correct it, or reopen it.")
    unknown = set(changes) - CHANGEABLE
    if unknown:
        raise Invalid({name: ["This field cannot be changed."] for name in sorted(unknown)})
    place = None
    if "location" in changes:
        place = place_for_location(changes.pop("location"))
        changes.update(_place_fields(place))
    logged, changed = {}, False
    for name, value in changes.items():
        old = getattr(call, name)
        if old != value:
            changed = True
            setattr(call, name, value)
            if name in LOGGED_FIELDS:  # not the address point's id: the address says it
                logged[name] = [_loggable(old), _loggable(value)]
    if not changed:
        return call
    now = timezone.now()
    moved = place is not None and bool({"address", "lat", "lon"} & set(logged))
    previous = 0
    if moved:
        previous = len(current_premise_flags(call))
        call.premise_flags_at = now
    call.save()
    if logged:
        text = "; ".join(f"{name}: {old} → {new}" for name, (old, new) in logged.items())
        if why:
            text = f"{why}: {text}"
        chronology_add(call, ChronologyKind.CHANGED, by=by, at=now, text=text, changes=logged)
    if moved:
        premise_flags_attach(call, place, by=by, at=now, previous=previous)
    call_announce(call, EventName.CALL_UPDATED, changes=logged)
    audit_record(action=AuditAction.CALL_CHANGE, object=object_ref("call", call.pk), by=by,
                 detail={"number": call.number, "changes": logged, **({"why": why} if why else {})})
    return call
