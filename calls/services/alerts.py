"""The clocks the server watches so nobody has to: response-time goals and officer-safety checks;
and the one alert no clock raises, a unit's emergency button.

`timers_check()` runs every few seconds (Celery beat, or the in-process scheduler without
Redis). It looks at the state in the database, not at what it saw last time, so a scheduler
that was stopped misses nothing when it starts again. Each breach has a key (the call, or the
unit's stint in a status since its last check) that is unique in the table: two schedulers, or
one running twice, raise it once.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from cad import roles
from cad.audit import AuditAction, audit_record, object_ref
from cad.events import EventName
from cad.exceptions import Conflict, Forbidden
from cad.history import actor
from calls.choices import CallStatus, ChronologyKind
from calls.events import alert_announce
from calls.models import Alert, Call, CallShare, StatusCheckRule
from calls.services.chronology import chronology_add
from calls.services.locks import call_locked
from premises.selectors import place_at
from units.choices import UnitStatus
from units.models import Unit
from units.services.field_actions import offline_words

logger = logging.getLogger(__name__)

Kind = Alert.Kind
NOT_YET_ON_SCENE = (CallStatus.PENDING, CallStatus.DISPATCHED, CallStatus.ENROUTE)


@dataclass
class CheckResult:
    raised: int = 0
    escalated: int = 0


def timers_check(*, now: datetime | None = None) -> CheckResult:
    """Raise every goal and status-check alert now due, and escalate unanswered status checks."""
    now = now or timezone.now()
    result = CheckResult()
    checks_answered(now=now)
    breaches = [*_goal_breaches(now), *_status_check_breaches(now)]
    # Most breaches were raised on an earlier run: look them up once instead of inserting each
    # again only to be refused (a held queue of 200 calls made 1,600 queries a run).
    raised = set(Alert.objects.filter(key__in=[b.key for b in breaches]).values_list("key", flat=True))
    for breach in breaches:
        if breach.key not in raised:
            result.raised += _raise(breach, now=now)
    result.escalated = _escalate(now)
    return result


@dataclass
class Breach:
    key: str
    kind: str
    text: str
    call: Call | None = None
    unit: Unit | None = None


def _goal_breaches(now: datetime) -> list[Breach]:
    breaches = []
    # A call relayed to a partner is the partner's to send and reach: its clock is not the center's
    # (while the relay lasts; taken back, the call is ours again and its clock as it stands).
    relayed = CallShare.objects.filter(relay=True, ended_at__isnull=True).values("call_id")
    calls = (Call.objects.filter(master__isnull=True, status__in=NOT_YET_ON_SCENE)
             .exclude(pk__in=relayed).select_related("priority", "call_type"))
    for call in calls:  # the open calls nobody has reached: a few dozen on a busy floor
        breaches += _call_goal_breaches(call, now)
    return breaches


def _call_goal_breaches(call: Call, now: datetime) -> list[Breach]:
    """The goals `call` has missed by `now`: none once it is reached, closed or a duplicate."""
    if call.master_id is not None or call.status not in NOT_YET_ON_SCENE:
        return []
    # A reopened call starts a new life: its clock runs from the reopening, and what was
    # done in its first life (sent, reached) does not count for this one.
    start = call.reopened_at or call.received_at
    life = f"{call.pk}:{int(start.timestamp())}" if call.reopened_at else str(call.pk)
    dispatched = call.dispatched_at if call.dispatched_at and call.dispatched_at >= start else None
    reached = call.onscene_at if call.onscene_at and call.onscene_at >= start else None
    if reached is not None:
        return []
    breaches = []
    goal = call.priority.dispatch_goal_seconds
    waiting = call.status == CallStatus.PENDING and dispatched is None
    if waiting and start + timedelta(seconds=goal) <= now:
        breaches.append(Breach(
            key=f"dispatch_goal:{life}", kind=Kind.DISPATCH_GOAL, call=call,
            text=f"{call.number} {call.call_type.code} P{call.priority_id} waiting past its "
                 f"{_minutes(goal)} dispatch goal",
        ))
    goal = call.priority.response_goal_seconds
    if start + timedelta(seconds=goal) <= now:
        breaches.append(Breach(
            key=f"response_goal:{life}", kind=Kind.RESPONSE_GOAL, call=call,
            text=f"{call.number} {call.call_type.code} P{call.priority_id}: no unit on scene within "
                 f"its {_minutes(goal)} response goal",
        ))
    return breaches


def _status_check_breaches(now: datetime) -> list[Breach]:
    rules = {(r.status, r.call_type_id): r.interval_seconds for r in StatusCheckRule.objects.all()}
    if not rules:
        return []
    statuses = {status for status, _ in rules}
    breaches = []
    # One open check alert per unit at a time; once it is acknowledged without a check, the
    # next missed interval raises the next one.
    waiting = Alert.objects.filter(kind=Kind.STATUS_CHECK, acknowledged_at__isnull=True).values("unit_id")
    units = list(Unit.objects.filter(status__in=statuses).exclude(pk__in=waiting))
    calls = Call.objects.select_related("call_type").in_bulk({u.current_call_id for u in units} - {None})
    for unit in units:
        call = calls.get(unit.current_call_id)
        general = rules.get((unit.status, None))
        interval = rules.get((unit.status, call.call_type_id), general) if call else general
        if interval is None:
            continue
        since = max(unit.status_since, unit.checked_at or unit.status_since)
        if since + timedelta(seconds=interval) > now:
            continue
        status = UnitStatus(unit.status).label.lower()
        where = f" on {call.number} {call.call_type.code} at {call.address}" if call else ""
        missed = int((now - since).total_seconds() // interval)  # 1 for the first interval missed
        breaches.append(Breach(
            key=f"{_stint_key(unit)}:{missed}", kind=Kind.STATUS_CHECK, unit=unit, call=call,
            text=f"{unit.callsign} {status} {_minutes(interval * missed)} without a status check{where}",
        ))
    return breaches


def _stint_key(unit: Unit) -> str:
    """The unit's time in its status since its last check: what a status check alert is about."""
    since = max(unit.status_since, unit.checked_at or unit.status_since)
    return f"status_check:{unit.pk}:{since.isoformat()}"


def checks_answered(*, now: datetime, unit: Unit | None = None) -> int:
    """Close the open status-check alerts of units that have since changed status or been
    checked: the officer answered, so the alert must neither stay nor escalate."""
    alerts = Alert.objects.filter(kind=Kind.STATUS_CHECK, acknowledged_at__isnull=True).select_related(
        "unit__agency", "call")
    if unit is not None:
        alerts = alerts.filter(unit=unit)
    closed = 0
    for alert in alerts:
        if alert.key.startswith(_stint_key(alert.unit) + ":"):
            continue  # still the same stint: still unanswered
        with transaction.atomic():
            if Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(acknowledged_at=now):
                alert.acknowledged_at = now
                alert_announce(alert, EventName.ALERT_ACKNOWLEDGED)
                closed += 1
    return closed


def _raise(breach: Breach, *, now: datetime) -> int:
    """Record and announce `breach` once; 0 if it was raised before (by us or another scheduler)."""
    try:
        with transaction.atomic():
            if breach.call is not None:
                # Calls before units before the event counter, as every service takes them
                # (calls.services.locks): a call closing meanwhile must not deadlock with us,
                # and one sent, reached or closed since it was read is no longer late.
                call = call_locked(breach.call)
                if breach.kind != Kind.STATUS_CHECK and breach.key not in {
                        late.key for late in _call_goal_breaches(call, now)}:
                    return 0
            if breach.kind == Kind.STATUS_CHECK:
                # The unit may have answered since it was read: lock it and look again.
                unit = Unit.objects.select_for_update().get(pk=breach.unit.pk)
                if not breach.key.startswith(_stint_key(unit) + ":"):
                    return 0
            alert = Alert.objects.create(
                key=breach.key, kind=breach.kind, call=breach.call, unit=breach.unit, text=breach.text,
                raised_at=now,
            )
            if breach.call is not None:
                chronology_add(breach.call, ChronologyKind.ALERT, by=None, at=now, unit=breach.unit,
                               text=f"Alert: {breach.text}")
            alert_announce(alert, EventName.ALERT_RAISED)
    except IntegrityError:
        return 0
    return 1


def _escalate(now: datetime) -> int:
    """Status checks nobody answered within CAD_STATUS_CHECK_ESCALATE_SECONDS go to the supervisors."""
    late = now - timedelta(seconds=settings.CAD_STATUS_CHECK_ESCALATE_SECONDS)
    escalated = 0
    for alert in Alert.objects.filter(kind=Kind.STATUS_CHECK, acknowledged_at__isnull=True,
                                      escalated_at__isnull=True, raised_at__lte=late):
        with transaction.atomic():
            # Conditional: of two schedulers only one escalates it.
            if Alert.objects.filter(pk=alert.pk, escalated_at__isnull=True,
                                    acknowledged_at__isnull=True).update(escalated_at=now):
                alert.escalated_at = now
                if alert.call_id:
                    chronology_add(alert.call_id, ChronologyKind.ALERT, by=None, at=now, unit=alert.unit_id,
                                   text=f"Escalated to the supervisor: {alert.text}")
                alert_announce(alert, EventName.ALERT_ESCALATED)
                escalated += 1
    return escalated


@transaction.atomic
def alert_acknowledge(*, alert: Alert, by: AbstractBaseUser | None) -> Alert:
    """Someone has seen it and is handling it: it leaves the consoles and the board. An emergency
    stays until a supervisor acknowledges it."""
    now = timezone.now()
    if alert.kind == Kind.EMERGENCY and not roles.is_supervisor(by):
        raise Forbidden(f"Only a supervisor acknowledges an emergency ({alert.unit.callsign}'s stays on "
                        "every console and the board until then).")
    if not Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=actor(by)
    ):
        raise Conflict("That alert was already acknowledged.")
    alert.refresh_from_db()
    if alert.call_id:
        chronology_add(alert.call_id, ChronologyKind.ALERT, by=by, at=now, unit=alert.unit_id,
                       text=f"Alert acknowledged: {alert.text}")
    alert_announce(alert, EventName.ALERT_ACKNOWLEDGED)
    audit_record(action=AuditAction.ALERT_ACKNOWLEDGE, object=object_ref("alert", alert.pk), by=by,
                 detail={"kind": alert.kind, "text": alert.text, "call": alert.call_id,
                         "unit": alert.unit_id})
    return alert


def status_check_answered(*, unit: Unit, by: AbstractBaseUser | None, at: datetime) -> None:
    """The unit answered its status check (units' unit_check restarted its clock): the call it works
    says so, and its open check alerts end."""
    if unit.current_call_id:
        chronology_add(unit.current_call_id, ChronologyKind.STATUS_CHECK, by=by, at=at, unit=unit,
                       text=f"Status check: {unit.callsign} OK ({UnitStatus(unit.status).label.lower()})")
    for alert in Alert.objects.filter(kind=Kind.STATUS_CHECK, unit=unit, acknowledged_at__isnull=True):
        Alert.objects.filter(pk=alert.pk).update(acknowledged_at=at, acknowledged_by=actor(by))
        alert.acknowledged_at, alert.acknowledged_by = at, actor(by)
        alert_announce(alert, EventName.ALERT_ACKNOWLEDGED)


def _minutes(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


def unit_emergency_raise(*, unit: Unit, by: AbstractBaseUser | None, lat: float | None = None,
                         lon: float | None = None, device_at: datetime | None = None) -> tuple[Alert, bool]:
    """A unit's emergency button (on its terminal, or relayed by a dispatcher from its radio): the
    highest alert, on every console and the board at once (raised escalated, so it sounds loudest
    and comes first) until a supervisor acknowledges it, with where the unit was: `lat`/`lon` as
    the button sent them, else the unit's last known location. A second press while one is open
    raises nothing more: (the open alert, False). Pressed on a terminal well before it reached the
    server (`device_at`: it waited for the link), the alert says so."""
    now = timezone.now()
    with transaction.atomic():
        # Calls before units, as every service takes them (calls.services.locks).
        call = call_locked(unit.current_call_id) if unit.current_call_id else None
        unit = Unit.objects.select_for_update().select_related("agency").get(pk=unit.pk)
        if call is not None and unit.current_call_id != call.pk:
            call = call_locked(unit.current_call_id) if unit.current_call_id else None
        already = Alert.objects.filter(kind=Kind.EMERGENCY, unit=unit, acknowledged_at__isnull=True).first()
        if already is not None:
            return already, False
        if lat is None or lon is None:
            lat, lon = unit.last_lat, unit.last_lon
        known = lat is not None and lon is not None
        where = f"last location {place_at(lat, lon).address} ({lat:.5f}, {lon:.5f})" if known \
            else "location unknown"
        on_call = f" on {call.number} ({call.address})" if call is not None else ""
        late = offline_words(callsign=unit.callsign, device_at=device_at, at=now)
        late = f" ({late})" if late else ""
        alert = Alert.objects.create(
            key=f"emergency:{unit.pk}:{now.isoformat()}", kind=Kind.EMERGENCY, call=call, unit=unit,
            text=f"EMERGENCY {unit.callsign}{on_call}: {where}{late}"[:200], lat=lat, lon=lon,
            raised_at=now, escalated_at=now)
        if call is not None:
            chronology_add(call, ChronologyKind.ALERT, by=by, at=now, unit=unit, text=f"Alert: {alert.text}")
        audit_record(action=AuditAction.UNIT_EMERGENCY, object=object_ref("unit", unit.pk), by=by,
                     detail={"alert": alert.pk, "unit": unit.callsign, "call": call.number if call else None,
                             "lat": lat, "lon": lon})
        alert_announce(alert, EventName.ALERT_RAISED)
    return alert, True
