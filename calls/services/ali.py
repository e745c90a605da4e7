"""The 9-1-1 line: what the telephone system sends with a line (ANI/ALI) becomes a pending call
placed from it, or, when the caller hung up, an entry in the callback queue; a rebid moves the
call to the caller's newer location."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cad.audit import AuditAction, audit_record, object_ref
from cad.events import EventName
from cad.exceptions import Conflict, Invalid
from cad.history import actor
from calls.choices import CLASS_OF_SERVICE_SOURCE, LOCATED_BY_POINT, ChronologyKind, ClassOfService
from calls.events import ali_announce, call_announce, callback_announce
from calls.models import AliRecord, Call, Callback, CallType, received_at_problem
from calls.services.chronology import call_touch, chronology_add
from calls.services.entry import call_create, call_update
from calls.services.locks import call_locked

User = AbstractBaseUser

# Where a call is placed when its line sent no location at all (wireless phase 0, a bare VoIP
# line): kept as typed, unverified, for the call taker to ask.
NO_LOCATION = "NO LOCATION GIVEN: ASK THE CALLER"


def ali_call_type() -> CallType:
    """The type of a 9-1-1 call whose nature the call taker does not know yet (CAD_ALI_CALL_TYPE)."""
    call_type = CallType.objects.select_related("default_priority").filter(
        code=settings.CAD_ALI_CALL_TYPE, active=True).first()
    if call_type is None:
        raise Conflict(f"No active call type {settings.CAD_ALI_CALL_TYPE} (CAD_ALI_CALL_TYPE) for 9-1-1 "
                       f"calls whose nature is not yet known: add it in the admin, or name another one.")
    return call_type


def ali_location(record: AliRecord) -> dict[str, Any]:
    """Where a call from this record is placed, as call entry takes a location. A wireless or text
    line's point says where the caller is better than the tower's address sent with it; a wireline
    or VoIP line's civic address is the subscriber's, and is what is looked up (its coordinates, if
    any, stay on the record)."""
    has_point = record.lat is not None and record.lon is not None
    if has_point and (record.class_of_service in LOCATED_BY_POINT or not record.address):
        return {"lat": record.lat, "lon": record.lon}
    if record.address:
        return {"address": record.address}
    return {"address": NO_LOCATION}


def ali_words(record: AliRecord, *, times: bool = True) -> str:
    """The record as the chronology says it: "9-1-1 WPH2 8165550100, ±30 m at 90%, position P03,
    rang 14:02:01, answered 14:02:09" (without the times: the location alone)."""
    parts = [f"9-1-1 {record.class_of_service} {record.ani}"]
    if record.class_of_service == ClassOfService.WPH1:
        parts.append("tower and sector, no handset fix")
    elif record.class_of_service == ClassOfService.WRLS and record.lat is None:
        parts.append("no location")
    if record.lat is not None and record.lon is not None:
        point = f"{record.lat:.6f}, {record.lon:.6f}"
        if record.uncertainty_m is not None:
            point += f" ±{record.uncertainty_m:g} m"
        if record.confidence is not None:
            point += f" at {record.confidence}%"
        parts.append(point)
    if not times:
        return ", ".join(parts)
    if record.position:
        parts.append(f"position {record.position}")
    parts.append(f"rang {_clock(record.rang_at)}")
    if record.answered_at is not None:
        parts.append(f"answered {_clock(record.answered_at)}")
    return ", ".join(parts)


def _clock(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M:%S")


def _location_problems(*, class_of_service: str, address: str, lat: float | None, lon: float | None,
                       uncertainty_m: float | None, confidence: int | None, rebid: bool) -> dict:
    """What cannot be meant in a record's location, field by field."""
    problems: dict[str, list[str]] = {}
    has_point = lat is not None and lon is not None
    if (lat is None) != (lon is None):
        problems["lat" if lat is None else "lon"] = ["Give lat and lon together."]
    if not has_point:
        for name, value in (("uncertainty_m", uncertainty_m), ("confidence", confidence)):
            if value is not None:
                problems.setdefault(name, []).append("Only with lat and lon: it describes that point.")
        if class_of_service == ClassOfService.WPH2 and "lat" not in problems and "lon" not in problems:
            problems["lat"] = ["Phase II (WPH2) carries the handset's lat and lon."]
    if rebid and not has_point and not address and not problems:
        problems["lat"] = ["A rebid is a newer location: give lat and lon, or an address."]
    if uncertainty_m is not None and uncertainty_m < 0:
        problems.setdefault("uncertainty_m", []).append("Cannot be negative.")
    if confidence is not None and not 0 <= confidence <= 100:
        problems.setdefault("confidence", []).append("A per cent, 0 to 100.")
    return problems


def _time_problems(*, rang_at: datetime, answered_at: datetime | None, now: datetime) -> dict:
    problems = {}
    for name, moment in (("rang_at", rang_at), ("answered_at", answered_at)):
        problem = moment is not None and received_at_problem(moment, now=now)
        if problem:
            problems[name] = [problem]
    if answered_at is not None and answered_at < rang_at and not problems:
        problems["answered_at"] = ["Before rang_at: a line is answered after it rings."]
    return problems


@transaction.atomic
def ali_receive(
    *,
    by: User | None,
    ani: str,
    class_of_service: str,
    address: str | None = "",
    lat: float | None = None,
    lon: float | None = None,
    uncertainty_m: float | None = None,
    confidence: int | None = None,
    position: str = "",
    abandoned: bool = False,
    rang_at: datetime | None = None,
    answered_at: datetime | None = None,
) -> AliRecord:
    """A line's ANI/ALI: a pending call of unknown nature placed from it (`record.call`), or, for
    an abandoned call or hang-up, an entry in the callback queue (`record.callback`). The ring and
    answer times are stamped on the call (default now; an abandoned call has no answer)."""
    now = timezone.now()
    ani, address, position = ani.strip(), (address or "").strip(), position.strip()
    if not ani:
        raise Invalid({"ani": ["The callback number (ANI) is needed."]})
    if class_of_service not in ClassOfService.values:
        raise Invalid({"class_of_service": [f"One of {', '.join(ClassOfService.values)}."]})
    if not abandoned and answered_at is None:
        answered_at = now
    if rang_at is None:
        rang_at = min(answered_at, now) if answered_at is not None else now
    problems = {
        **_location_problems(class_of_service=class_of_service, address=address, lat=lat, lon=lon,
                             uncertainty_m=uncertainty_m, confidence=confidence, rebid=False),
        **_time_problems(rang_at=rang_at, answered_at=answered_at, now=now),
    }
    if problems:
        raise Invalid(problems)
    record = AliRecord(
        ani=ani, class_of_service=class_of_service, address=address, lat=lat, lon=lon,
        uncertainty_m=uncertainty_m, confidence=confidence, position=position, abandoned=abandoned,
        rang_at=rang_at, answered_at=answered_at, received_at=now, received_by=actor(by),
    )
    if abandoned:
        record.callback, event = _callback_queued(ani=ani, at=rang_at)
    else:
        record.call = call_create(
            call_type=ali_call_type(), location=ali_location(record), by=by,
            source=CLASS_OF_SERVICE_SOURCE[class_of_service], caller_phone=ani,
            received_at=answered_at, rang_at=rang_at, answered_at=answered_at, origin=ali_words(record),
        )
    record.save()
    ali_announce(record, EventName.ALI_RECEIVED)
    if abandoned:
        callback_announce(record.callback, event)
    audit_record(action=AuditAction.ALI_RECEIVE, object=object_ref("ali", record.pk), by=by, detail={
        "ani": ani, "class_of_service": class_of_service, "abandoned": abandoned,
        **({"call": record.call.number} if record.call else {"callback": record.callback_id,
                                                             "attempts": record.callback.attempts})})
    return record


def _callback_queued(*, ani: str, at: datetime) -> tuple[Callback, EventName]:
    """The number's entry in the callback queue: a new one, or the one already waiting with one
    more attempt (a pocket dial ringing again is called back once)."""
    waiting = Callback.objects.select_for_update().filter(ani=ani, done_at__isnull=True).first()
    if waiting is not None:
        Callback.objects.filter(pk=waiting.pk).update(attempts=F("attempts") + 1,
                                                      last_attempt_at=max(at, waiting.last_attempt_at))
        waiting.refresh_from_db()
        return waiting, EventName.CALLBACK_UPDATED
    try:
        with transaction.atomic():
            queued = Callback.objects.create(ani=ani, queued_at=at, last_attempt_at=at)
        return queued, EventName.CALLBACK_QUEUED
    except IntegrityError:
        # Another hang-up from this number was queued in the same moment: add to that one.
        return _callback_queued(ani=ani, at=at)


@transaction.atomic
def ali_rebid(
    *,
    record: AliRecord,
    by: User | None,
    ani: str | None = None,
    class_of_service: str | None = None,
    address: str | None = "",
    lat: float | None = None,
    lon: float | None = None,
    uncertainty_m: float | None = None,
    confidence: int | None = None,
) -> AliRecord:
    """A newer location for the caller on a line (a wireless rebid): kept as a record of its own,
    and the line's call moved there through call_update, which logs old → new after "location
    rebid N (…)". A line without a call (queued for a callback) keeps the location for it."""
    line = AliRecord.objects.select_for_update().get(pk=record.line_id)
    if ani is not None and ani.strip() != line.ani:
        raise Invalid({"ani": [f"This line's number is {line.ani}: a rebid is for the same caller."]})
    latest = line.rebids.order_by("-received_at", "-id").first() or line
    class_of_service = class_of_service or latest.class_of_service
    address = (address or "").strip()
    problems = _location_problems(class_of_service=class_of_service, address=address, lat=lat, lon=lon,
                                  uncertainty_m=uncertainty_m, confidence=confidence, rebid=True)
    if problems:
        raise Invalid(problems)
    now = timezone.now()
    line.rebid_count += 1
    AliRecord.objects.filter(pk=line.pk).update(rebid_count=line.rebid_count)
    rebid = AliRecord.objects.create(
        ani=line.ani, class_of_service=class_of_service, address=address, lat=lat, lon=lon,
        uncertainty_m=uncertainty_m, confidence=confidence, position=line.position, abandoned=line.abandoned,
        rang_at=line.rang_at, answered_at=line.answered_at, received_at=now, received_by=actor(by),
        call_id=line.call_id, callback_id=line.callback_id, rebid_of=line,
    )
    if line.call_id is not None:
        _call_moved(call_locked(line.call_id), rebid, by=by, number=line.rebid_count, at=now)
    ali_announce(rebid, EventName.ALI_REBID)
    if line.callback_id is not None:
        callback_announce(Callback.objects.get(pk=line.callback_id), EventName.CALLBACK_UPDATED)
    audit_record(action=AuditAction.ALI_REBID, object=object_ref("ali", line.pk), by=by, detail={
        "ani": line.ani, "rebid": line.rebid_count, "record": rebid.pk, "class_of_service": class_of_service,
        "lat": lat, "lon": lon, "address": address, "uncertainty_m": uncertainty_m, "confidence": confidence})
    return rebid


def _call_moved(call: Call, rebid: AliRecord, *, by: User | None, number: int, at: datetime) -> None:
    why = f"location rebid {number} ({ali_words(rebid, times=False).removeprefix('9-1-1 ')})"
    before = call.updated_at
    call = call_update(call=call, by=by, why=why, location=ali_location(rebid))
    if call.updated_at == before:
        # The same place again: still a rebid the call taker should see was made.
        chronology_add(call, ChronologyKind.CHANGED, by=by, at=at, text=f"{why}: the same location")
        call_touch(call, at)
        call_announce(call, EventName.CALL_UPDATED)
