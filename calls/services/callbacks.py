"""The callback queue: abandoned 9-1-1 calls and hang-ups, called back by one dispatcher at a time,
each ending with an outcome; an emergency opens a call placed from the line's ANI/ALI."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cad import roles
from cad.audit import AuditAction, audit_record, object_ref
from cad.events import EventName
from cad.exceptions import Conflict, Invalid
from cad.history import actor
from calls.choices import CLASS_OF_SERVICE_SOURCE, CallbackOutcome
from calls.events import callback_announce
from calls.models import AliRecord, Call, Callback
from calls.services.ali import ali_call_type, ali_location, ali_words
from calls.services.entry import call_create

User = AbstractBaseUser
NOTE_LONGEST = 2000


def _locked(callback: Callback) -> Callback:
    return Callback.objects.select_for_update(of=("self",)).select_related("claimed_by", "done_by").get(
        pk=callback.pk)


def _person(by: User | None) -> AbstractBaseUser:
    person = actor(by)
    if person is None:
        raise Invalid({"detail": "A callback is handled by someone signed in."})
    return person


def _done(callback: Callback) -> Conflict:
    who = f" by {callback.done_by.username}" if callback.done_by_id else ""
    return Conflict(f"The callback to {callback.ani} is done: {callback.get_outcome_display().lower()}{who} "
                    f"at {timezone.localtime(callback.done_at):%H:%M:%S}.")


def _taken(callback: Callback, also: str = "") -> Conflict:
    """Who has it, in the answer's text and on its own for programs."""
    since = timezone.localtime(callback.claimed_at)
    return Conflict({"detail": f"{callback.claimed_by.username} is calling {callback.ani} back "
                               f"(claimed {since:%H:%M:%S}).{also}",
                     "claimed_by": callback.claimed_by.username})


@transaction.atomic
def callback_claim(*, callback: Callback, by: User | None) -> Callback:
    """The caller takes the number to call back; nobody else may while they hold it (a second claim is
    a 409 naming who has it). Claiming one's own again changes nothing."""
    person = _person(by)
    now = timezone.now()
    # Conditional: of two dispatchers claiming at once, exactly one changes the row.
    taken = Callback.objects.filter(pk=callback.pk, done_at__isnull=True, claimed_by__isnull=True).update(
        claimed_by=person, claimed_at=now)
    callback = _locked(callback)
    if not taken:
        if callback.is_done:
            raise _done(callback)
        if callback.claimed_by_id != person.pk:
            raise _taken(callback)
        return callback
    callback_announce(callback, EventName.CALLBACK_UPDATED)
    audit_record(action=AuditAction.CALLBACK_CLAIM, object=object_ref("callback", callback.pk), by=by,
                 detail={"ani": callback.ani, "waiting_s": int((now - callback.queued_at).total_seconds())})
    return callback


@transaction.atomic
def callback_release(*, callback: Callback, by: User | None) -> Callback:
    """Back to the queue for anyone: by the one who holds it, or a supervisor."""
    person = _person(by)
    callback = _locked(callback)
    if callback.is_done:
        raise _done(callback)
    if callback.claimed_by_id is None:
        raise Conflict(f"Nobody holds the callback to {callback.ani}: nothing to release.")
    holder = callback.claimed_by.username
    if callback.claimed_by_id != person.pk and not roles.is_supervisor(person):
        raise _taken(callback, " Only they or a supervisor may release it.")
    Callback.objects.filter(pk=callback.pk).update(claimed_by=None, claimed_at=None)
    callback.claimed_by, callback.claimed_at = None, None
    callback_announce(callback, EventName.CALLBACK_UPDATED)
    audit_record(action=AuditAction.CALLBACK_RELEASE, object=object_ref("callback", callback.pk), by=by,
                 detail={"ani": callback.ani, "held_by": holder})
    return callback


@transaction.atomic
def callback_outcome(*, callback: Callback, by: User | None, outcome: str, note: str = "") -> Callback:
    """How the callback ended (no answer, pocket dial, emergency, resolved): it leaves the queue and
    is released. An emergency opens a pending call placed from the number's newest ANI/ALI, with
    the note as its narrative (`callback.call`)."""
    person = _person(by)
    if outcome not in CallbackOutcome.values:
        raise Invalid({"outcome": [f"One of {', '.join(CallbackOutcome.values)}."]})
    note = note.strip()
    if len(note) > NOTE_LONGEST:
        raise Invalid({"note": [f"Keep a note to {NOTE_LONGEST:,} characters."]})
    callback = _locked(callback)
    if callback.is_done:
        raise _done(callback)
    if callback.claimed_by_id is not None and callback.claimed_by_id != person.pk:
        raise _taken(callback)
    now = timezone.now()
    if outcome == CallbackOutcome.EMERGENCY:
        callback.call = _emergency_call(callback, by=by, note=note, at=now)
    callback.outcome, callback.note = outcome, note
    callback.done_at, callback.done_by = now, person
    callback.claimed_by, callback.claimed_at = None, None
    callback.save()
    callback_announce(callback, EventName.CALLBACK_UPDATED)
    audit_record(action=AuditAction.CALLBACK_OUTCOME, object=object_ref("callback", callback.pk), by=by,
                 detail={"ani": callback.ani, "outcome": outcome, "attempts": callback.attempts,
                         "waiting_s": int((now - callback.queued_at).total_seconds()),
                         **({"call": callback.call.number} if callback.call_id else {})})
    return callback


def _emergency_call(callback: Callback, *, by: User | None, note: str, at) -> Call:
    # The lines' records are locked as a rebid locks them, so a rebid arriving now either moves
    # this call or is already the location it is placed at.
    records = list(AliRecord.objects.select_for_update().filter(callback=callback).order_by("pk"))
    latest = max(records, key=lambda r: (r.received_at, r.pk))
    waited = int((at - callback.queued_at).total_seconds())
    call = call_create(
        call_type=ali_call_type(), location=ali_location(latest), by=by,
        source=CLASS_OF_SERVICE_SOURCE[latest.class_of_service], caller_phone=callback.ani, narrative=note,
        origin=f"called back after {waited // 60} min {waited % 60:02d} s: {ali_words(latest)}, abandoned",
    )
    AliRecord.objects.filter(pk__in=[r.pk for r in records]).update(call=call)
    return call
