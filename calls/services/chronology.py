"""The call's chronology: every action, who and when, appended and never rewritten. A record is
corrected by a supplement, a line of its own that may name the line it corrects."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cad import roles
from cad.audit import AuditAction, audit_record, object_ref
from cad.exceptions import Invalid
from cad.history import actor
from cad.models import Agency
from calls.choices import ChronologyKind
from calls.events import chronology_announce
from calls.models import SUPPLEMENT_LONGEST, Call, ChronologyEntry
from units.models import Unit
from units.services.field_actions import offline_words


def chronology_add(
    call: Call | int, kind: str, *, by: AbstractBaseUser | None, at: datetime, text: str = "",
    unit: Unit | int | None = None, changes: dict | None = None, agency: Agency | None = None,
) -> ChronologyEntry:
    """One line of the call's chronology (the call and unit as rows or ids); `agency`: the partner
    whose program wrote it, or whom it is about."""
    call_field = {"call": call} if isinstance(call, Call) else {"call_id": call}
    unit_field = {"unit": unit} if isinstance(unit, Unit) else {"unit_id": unit}
    return ChronologyEntry.objects.create(
        **call_field, **unit_field, kind=kind, by=actor(by), at=at, text=text, changes=changes or {},
        agency=agency,
    )


def call_touch(call: Call, at: datetime) -> None:
    """Its record changed without a field of its own changing: pollers asking `since` must see it."""
    Call.objects.filter(pk=call.pk).update(updated_at=at)
    call.updated_at = at


@transaction.atomic
def call_note_add(*, call: Call, by: AbstractBaseUser | None, text: str,
                  unit: Unit | None = None, device_at: datetime | None = None) -> ChronologyEntry:
    """A note on the call. One from an agency's program (a partner's) is marked with that agency;
    one from a unit's terminal, with that unit, and says so when the device made it well before
    (`device_at`: it waited for the link)."""
    text = text.strip()
    if not text:
        raise Invalid({"text": ["A note needs some text."]})
    now = timezone.now()
    late = offline_words(callsign=unit.callsign, device_at=device_at, at=now) if unit is not None else ""
    if late:
        text = f"{text} ({late})"
    agency = roles.scoped_agency(by) if by is not None else None
    entry = chronology_add(call, ChronologyKind.NOTE, by=by, at=now, text=text, agency=agency, unit=unit)
    call_touch(call, now)
    chronology_announce(call, entry)
    audit_record(action=AuditAction.CALL_NOTE, object=object_ref("call", call.pk), by=by,
                 detail={"number": call.number, "chronology_entry": entry.pk,
                         **({"agency": agency.code} if agency is not None else {})})
    return entry


@transaction.atomic
def call_supplement_add(
    *, call: Call, by: AbstractBaseUser | None, text: str, corrects: ChronologyEntry | int | None = None,
) -> ChronologyEntry:
    """Add a supplement to a call, open or closed: the only way a closed call's record is corrected."""
    text = text.strip()
    if not text:
        raise Invalid({"text": ["A supplement needs some text."]})
    if len(text) > SUPPLEMENT_LONGEST:
        raise Invalid({"text": [f"Keep a supplement to {SUPPLEMENT_LONGEST:,} characters."]})
    corrected = None
    if corrects is not None:
        corrected_id = corrects.pk if isinstance(corrects, ChronologyEntry) else corrects
        corrected = ChronologyEntry.objects.filter(call_id=call.pk, pk=corrected_id).first()
        if corrected is None:
            raise Invalid({"corrects": [f"No chronology entry {corrected_id} on {call.number}."]})
    now = timezone.now()
    entry = ChronologyEntry.objects.create(call=call, kind=ChronologyKind.SUPPLEMENT, by=actor(by), at=now,
                                           text=text, corrects=corrected)
    call_touch(call, now)
    chronology_announce(call, entry)
    audit_record(action=AuditAction.CALL_SUPPLEMENT, object=object_ref("call", call.pk), by=by,
                 detail={"number": call.number, "chronology_entry": entry.pk,
                         "corrects": corrected.pk if corrected else None})
    return entry
