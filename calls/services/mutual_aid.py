"""Mutual aid: the center asks a partner agency for units of one capability on a call; the partner
accepts with its own units, which are dispatched on the call at once (call_dispatch, as any
dispatch), or declines with a reason; a dispatcher may withdraw a request still pending, and
closing the call withdraws them all.

Every step locks the call, then the request: an accept and a decline racing for one request are
taken one after the other, and the second finds it answered (409).
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from cad.audit import AuditAction, audit_record, object_ref
from cad.events import EventName
from cad.exceptions import Conflict, Invalid
from cad.history import actor
from cad.models import Agency
from calls.choices import ChronologyKind, MutualAidState
from calls.events import mutual_aid_announce
from calls.models import MUTUAL_AID_MOST_UNITS, Call, MutualAidRequest
from calls.selectors.mutual_aid import agency_capabilities, capabilities_known
from calls.services.chronology import call_touch, chronology_add
from calls.services.dispatch import call_dispatch
from calls.services.locks import call_locked
from units.choices import UnitStatus
from units.models import Unit

User = AbstractBaseUser
NOTE_LONGEST = 500


def mutual_aid_request(*, call: Call, agency: Agency, capability: str, count: int, by: User | None,
                       note: str = "") -> MutualAidRequest:
    """Ask `agency` (a partner) for `count` units with `capability` on the open `call`."""
    try:
        return _request(call=call, agency=agency, capability=capability, count=count, by=by, note=note)
    except IntegrityError as exc:
        # The one-pending-request constraint caught a second ask that slipped past the check.
        raise Conflict(f"{agency.code} was just asked for {capability.strip()} on this call; "
                       "wait for its answer.") from exc


@transaction.atomic
def _request(*, call: Call, agency: Agency, capability: str, count: int, by: User | None,
             note: str) -> MutualAidRequest:
    typed = capability.strip()
    # Named as units and plans spell it, whatever case it was typed in.
    capability = {known.lower(): known for known in capabilities_known()}.get(typed.lower())
    note = note.strip()
    errors = {}
    if agency.kind == Agency.Kind.CENTER:
        errors["agency"] = [f"{agency.code} is the center itself: dispatch its units directly."]
    elif agency.kind != Agency.Kind.PARTNER:
        errors["agency"] = [f"{agency.code} is dispatched by the center, not a partner: dispatch its units "
                            "directly."]
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MUTUAL_AID_MOST_UNITS:
        errors["count"] = [f"Ask for 1 to {MUTUAL_AID_MOST_UNITS} units."]
    if len(note) > NOTE_LONGEST:
        errors["note"] = [f"Keep the note to {NOTE_LONGEST} characters."]
    if capability is None:
        errors["capability"] = [f"Unknown capability {typed!r}: no unit has it and no response plan "
                                "asks for it."]
    elif "agency" not in errors:
        theirs = agency_capabilities(agency)
        if capability not in theirs:
            errors["capability"] = [f"{agency.code} has no unit with {capability}; its units have: "
                                    f"{', '.join(sorted(theirs)) or 'nothing on record'}."]
    if errors:
        raise Invalid(errors)
    call = call_locked(call)
    if call.is_closed:
        raise Conflict(f"Call {call.number} is closed; reopen it to ask for mutual aid.")
    asked = (MutualAidRequest.objects.filter(call=call, agency=agency, capability=capability,
                                             state=MutualAidState.PENDING).first())
    if asked is not None:
        raise Conflict(f"{agency.code} was asked for {capability} on {call.number} at "
                       f"{_clock(asked.requested_at)} and has not answered yet; cancel that request to ask "
                       "again.")
    now = timezone.now()
    request = MutualAidRequest.objects.create(
        call=call, agency=agency, capability=capability, count=count, note=note,
        requested_at=now, requested_by=actor(by),
    )
    text = f"Mutual aid asked of {agency.code}: {count} × {capability}" + (f" ({note})" if note else "")
    chronology_add(call, ChronologyKind.MUTUAL_AID, by=by, at=now, text=text)
    call_touch(call, now)
    mutual_aid_announce(request, EventName.MUTUAL_AID_REQUESTED)
    audit_record(action=AuditAction.MUTUAL_AID_REQUEST, object=object_ref("call", call.pk), by=by, detail={
        "number": call.number, "mutual_aid": request.pk, "agency": agency.code, "capability": capability,
        "count": count})
    return request


def mutual_aid_accept(*, mutual_aid: MutualAidRequest, units: Iterable[Unit], by: User | None
                      ) -> MutualAidRequest:
    """The partner asked accepts with its own available units with the capability asked (at most
    as many as asked): they are dispatched on the call at once."""
    units = list(units)
    with transaction.atomic():
        call, request = _locked(mutual_aid)
        _refuse_units(request, units)
        now = timezone.now()
        call_dispatch(call=call, units=units, by=by)
        request.state = MutualAidState.ACCEPTED
        request.answered_at, request.answered_by = now, actor(by)
        request.save(update_fields=["state", "answered_at", "answered_by"])
        request.units.set(units)
        callsigns = ", ".join(sorted(unit.callsign for unit in units))
        chronology_add(call, ChronologyKind.MUTUAL_AID, by=by, at=now,
                       text=f"{request.agency.code} accepted mutual aid ({_asked(request)}) with "
                            f"{callsigns}; answered in {_took(request.answer_seconds)}")
        call_touch(call, now)
        mutual_aid_announce(request, EventName.MUTUAL_AID_ACCEPTED)
        audit_record(action=AuditAction.MUTUAL_AID_ACCEPT, object=object_ref("call", call.pk), by=by, detail={
            "number": call.number, "mutual_aid": request.pk, "agency": request.agency.code,
            "units": sorted(unit.callsign for unit in units), "answer_seconds": request.answer_seconds})
    return request


@transaction.atomic
def mutual_aid_decline(*, mutual_aid: MutualAidRequest, reason: str, by: User | None) -> MutualAidRequest:
    """The partner asked cannot help, and says why."""
    reason = reason.strip()
    if not reason:
        raise Invalid({"reason": ["Say why, e.g. \"E51 committed to a fire\"."]})
    if len(reason) > NOTE_LONGEST:
        raise Invalid({"reason": [f"Keep the reason to {NOTE_LONGEST} characters."]})
    call, request = _locked(mutual_aid)
    now = timezone.now()
    request.state = MutualAidState.DECLINED
    request.answered_at, request.answered_by = now, actor(by)
    request.decline_reason = reason
    request.save(update_fields=["state", "answered_at", "answered_by", "decline_reason"])
    chronology_add(call, ChronologyKind.MUTUAL_AID, by=by, at=now,
                   text=f"{request.agency.code} declined mutual aid ({_asked(request)}): {reason}; "
                        f"answered in {_took(request.answer_seconds)}")
    call_touch(call, now)
    mutual_aid_announce(request, EventName.MUTUAL_AID_DECLINED)
    audit_record(action=AuditAction.MUTUAL_AID_DECLINE, object=object_ref("call", call.pk), by=by, detail={
        "number": call.number, "mutual_aid": request.pk, "agency": request.agency.code, "reason": reason,
        "answer_seconds": request.answer_seconds})
    return request


@transaction.atomic
def mutual_aid_cancel(*, mutual_aid: MutualAidRequest, by: User | None, reason: str = "") -> MutualAidRequest:
    """A dispatcher withdraws a request the partner has not answered yet."""
    reason = reason.strip()
    if len(reason) > NOTE_LONGEST:
        raise Invalid({"reason": [f"Keep the reason to {NOTE_LONGEST} characters."]})
    call, request = _locked(mutual_aid)
    _withdraw(call, request, by=by, at=timezone.now(), reason=reason)
    return request


def mutual_aid_withdrawn(call: Call, *, by: User | None, at: datetime, reason: str) -> list[MutualAidRequest]:
    """Every request still pending on `call` is cancelled (the call is closing); the caller holds
    the call's lock."""
    pending = list(MutualAidRequest.objects.select_for_update()
                   .filter(call=call, state=MutualAidState.PENDING).order_by("pk"))
    for request in pending:
        _withdraw(call, request, by=by, at=at, reason=reason)
    return pending


def _withdraw(call: Call, request: MutualAidRequest, *, by: User | None, at: datetime, reason: str) -> None:
    request.state = MutualAidState.CANCELLED
    request.cancelled_at, request.cancelled_by = at, actor(by)
    request.cancel_reason = reason
    request.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason"])
    chronology_add(call, ChronologyKind.MUTUAL_AID, by=by, at=at,
                   text=f"Mutual aid request to {request.agency.code} ({_asked(request)}) cancelled"
                        + (f": {reason}" if reason else ""))
    call_touch(call, at)
    mutual_aid_announce(request, EventName.MUTUAL_AID_CANCELLED)
    audit_record(action=AuditAction.MUTUAL_AID_CANCEL, object=object_ref("call", call.pk), by=by, detail={
        "number": call.number, "mutual_aid": request.pk, "agency": request.agency.code, "reason": reason})


def _locked(mutual_aid: MutualAidRequest) -> tuple[Call, MutualAidRequest]:
    """The call's lock, then the request's, as every call service takes them; a request already
    answered or withdrawn is a 409 that says how."""
    call = call_locked(mutual_aid.call_id)
    request = MutualAidRequest.objects.select_for_update().get(pk=mutual_aid.pk)
    request.call = call
    if request.state != MutualAidState.PENDING:
        raise Conflict(_answered(request))
    return call, request


def _answered(request: MutualAidRequest) -> str:
    if request.state == MutualAidState.ACCEPTED:
        units = ", ".join(sorted(u.callsign for u in request.units.all()))
        return f"Already accepted at {_clock(request.answered_at)} with {units}."
    if request.state == MutualAidState.DECLINED:
        return f"Already declined at {_clock(request.answered_at)}: {request.decline_reason}"
    return f"Cancelled by the center at {_clock(request.cancelled_at)}; nothing to answer."


def _refuse_units(request: MutualAidRequest, units: list[Unit]) -> None:
    """Why these units cannot answer the request (a 400 naming each), or nothing."""
    if not units:
        raise Invalid({"units": ["Name at least one of your units."]})
    problems = []
    if len({unit.pk for unit in units}) > request.count:
        problems.append(f"{request.count} asked for; send at most that many.")
    for unit in sorted(units, key=lambda u: u.callsign):
        if unit.agency_id != request.agency_id:
            problems.append(f"{unit.callsign} is not a {request.agency.code} unit.")
        elif request.capability not in (unit.capabilities or ()):
            problems.append(f"{unit.callsign} has no {request.capability} capability.")
        elif unit.status != UnitStatus.AVAILABLE:
            problems.append(f"{unit.callsign} is {unit.get_status_display().lower()}, not available.")
    if problems:
        raise Invalid({"units": problems})


def _asked(request: MutualAidRequest) -> str:
    return f"{request.count} × {request.capability}"


def _took(seconds: float | None) -> str:
    seconds = int(seconds or 0)  # whole seconds gone by, as the console's clocks count them
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _clock(at: datetime | None) -> str:
    return timezone.localtime(at).strftime("%H:%M:%S") if at else "?"
