"""Partner agencies and the calls they follow: a call shared with a partner (it sees the call, its
chronology and its events) or relayed to it (it takes responsibility; the call stays on the
center's board marked as relayed), the share ended, and a partner sending its own units to a call
relayed to it.

Each change holds the call's row lock, so two dispatchers sharing or ending at once never both win:
the second finds the share the first made (or ended) and is told so."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cad.audit import AuditAction, audit_record, object_ref
from cad.events import EventName
from cad.exceptions import Conflict, Forbidden, Invalid
from cad.history import actor
from cad.models import Agency
from calls.choices import ChronologyKind
from calls.events import call_announce, call_unshared_announce
from calls.models import Call, CallShare
from calls.selectors import call_shared_with
from calls.selectors.shares import open_share
from calls.services.chronology import call_touch, chronology_add
from calls.services.dispatch import call_dispatch
from calls.services.locks import call_locked
from units.models import Unit

User = AbstractBaseUser
NOTE_LONGEST = CallShare._meta.get_field("note").max_length


def share_target_problem(agency: Agency) -> str | None:
    """Why a call cannot be shared with `agency` (None when it can): only partner agencies. The
    center's own agency has every call already; an agency the center dispatches has its units sent
    by the center (and its program follows every call they are sent to), so a relay to it would
    hand responsibility to the very desk that holds it."""
    if agency.kind == Agency.Kind.CENTER:
        return f"{agency.code} is this center's own agency: its calls are ours already."
    if agency.kind != Agency.Kind.PARTNER:
        return (f"{agency.code} is dispatched by this center: send its units instead. Calls are shared "
                f"with and relayed to partner agencies only.")
    return None


def _what(relay: bool) -> str:
    return "relayed to" if relay else "shared with"


def _since(share: CallShare) -> str:
    by = share.shared_by.get_username() if share.shared_by_id else "the system"
    return f"since {timezone.localtime(share.shared_at):%H:%M:%S}, by {by}"


@transaction.atomic
def call_share(*, call: Call, agency: Agency, by: User | None, note: str = "", relay: bool = False) -> Call:
    """Share `call` with a partner agency, or relay it (`relay`: the partner takes responsibility).
    A call shared with the agency already may be turned into a relay, and a relay back into a share;
    the same again is a 409, as is a second relay while another partner holds the call."""
    problem = share_target_problem(agency)
    if problem:
        raise Invalid({"agency": [problem]})
    note = note.strip()
    if len(note) > NOTE_LONGEST:
        raise Invalid({"note": [f"Keep the note to {NOTE_LONGEST} characters."]})
    call = call_locked(call)
    if call.is_closed:
        raise Conflict(f"Call {call.number} is closed: a closed call is not shared. Reopen it first.")
    current = open_share(call, agency)
    if current is not None and current.relay == relay:
        raise Conflict(f"{call.number} is {_what(relay)} {agency.code} already ({_since(current)}).")
    if relay:
        holder = (CallShare.objects.filter(call=call, relay=True, ended_at__isnull=True)
                  .exclude(agency=agency).select_related("agency", "shared_by").first())
        if holder is not None:
            raise Conflict(f"{call.number} is relayed to {holder.agency.code} already ({_since(holder)}): "
                           f"end that relay before relaying it to {agency.code}.")
    now = timezone.now()
    if current is not None:
        # A share turned into a relay (or back): the old one ends as the new one starts, so the
        # partner never loses sight of the call.
        current.ended_at, current.ended_by = now, actor(by)
        current.save(update_fields=["ended_at", "ended_by"])
    share = CallShare.objects.create(call=call, agency=agency, relay=relay, note=note, shared_at=now,
                                     shared_by=actor(by))
    text = f"{'Relayed to' if relay else 'Shared with'} {agency.code} ({agency.name})"
    if current is not None:
        text += " (was shared)" if relay else " (the relay taken back)"
    if note:
        text += f": {note}"
    chronology_add(call, ChronologyKind.RELAYED if relay else ChronologyKind.SHARED, by=by, at=now,
                   text=text, agency=agency)
    call_touch(call, now)
    call_announce(call, EventName.CALL_UPDATED)
    audit_record(action=AuditAction.CALL_SHARE, object=object_ref("call", call.pk), by=by, detail={
        "number": call.number, "agency": agency.code, "relay": relay, "note": note, "share": share.pk,
        "was": ("relayed" if current.relay else "shared") if current is not None else None})
    return call


@transaction.atomic
def call_unshare(*, call: Call, agency: Agency, by: User | None) -> Call:
    """End the call's share with (or relay to) `agency`. From then on the partner sees the call
    only if it sees it otherwise (it sent it in, or its units were sent to it); if not, its live
    stream is told the call has left its view (call.unshared). Open or closed, a call's share ends."""
    call = call_locked(call)
    share = open_share(call, agency)
    if share is None:
        raise Conflict(f"{call.number} is not shared with {agency.code}: nothing to end.")
    now = timezone.now()
    share.ended_at, share.ended_by = now, actor(by)
    share.save(update_fields=["ended_at", "ended_by"])
    chronology_add(call, ChronologyKind.UNSHARED, by=by, at=now, agency=agency,
                   text=f"{'Relay to' if share.relay else 'Share with'} {agency.code} ended")
    call_touch(call, now)
    call_announce(call, EventName.CALL_UPDATED)
    if not call_shared_with(call.pk, agency.code):
        call_unshared_announce(call, share)
    audit_record(action=AuditAction.CALL_UNSHARE, object=object_ref("call", call.pk), by=by, detail={
        "number": call.number, "agency": agency.code, "relay": share.relay, "share": share.pk})
    return call


def foreign_units_problem(agency: Agency, callsigns: Iterable[str]) -> dict | None:
    """The 400 for units a partner named that are not its own (or not units at all): the same words
    for both, so a partner learns nothing of other agencies' units."""
    callsigns = sorted(callsigns)
    if not callsigns:
        return None
    return {"units": [f"{callsign}: not one of {agency.code}'s units." for callsign in callsigns]}


@transaction.atomic
def call_dispatch_for_partner(*, call: Call, agency: Agency, units: Iterable[Unit], by: User | None) -> Call:
    """A partner's program sends its own units to a call relayed to it (it took responsibility for
    it); on any other call, or with another agency's unit, nothing is sent."""
    units = list(units)
    call = call_locked(call)
    share = open_share(call, agency)
    if share is None or not share.relay:
        state = "shared with it, not relayed" if share is not None else "not relayed to it"
        raise Forbidden(f"{agency.code} sends its units only to a call relayed to it; "
                        f"{call.number} is {state}.")
    problem = foreign_units_problem(agency, [u.callsign for u in units if u.agency_id != agency.pk])
    if problem:
        raise Invalid(problem)
    return call_dispatch(call=call, units=units, by=by)
