"""Premise flags kept with the call: copied on as they read when attached, and who read the
confidential ones."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from cad.history import actor
from calls.choices import ChronologyKind
from calls.models import Call, CallPremiseFlag
from calls.selectors import current_premise_flags
from calls.services.chronology import chronology_add
from premises.choices import FlagKind
from premises.models import PremiseFlagRead
from premises.places import Place
from premises.selectors import premise_flags_for
from premises.services import confidential_reads_audit

# A console refetches an open call on every change to it: one read per person, flag and call in this time.
FLAG_READ_AGAIN_AFTER = timedelta(minutes=10)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def premise_flags_attach(
    call: Call, place: Place, *, by: AbstractBaseUser | None, at: datetime, previous: int = 0
) -> list[CallPremiseFlag]:
    """Copy the place's active flags onto the call as they read at `at`; they become its current
    flags (call.premise_flags_at must already be `at`). Earlier copies stay as history."""
    copies = CallPremiseFlag.objects.bulk_create([
        CallPremiseFlag(
            call=call, flag=flag, kind=flag.kind, text=flag.text, confidential=flag.confidential,
            expires_at=flag.expires_at, where=flag.where[:200], call_address=call.address,
            attached_at=at, attached_by=actor(by),
        )
        for flag in premise_flags_for(place, at=at)
    ])
    if copies:
        kinds = ", ".join(
            FlagKind(c.kind).label.lower() + (" (confidential)" if c.confidential else "") for c in copies
        )
        chronology_add(call, ChronologyKind.PREMISE_FLAGS, by=by, at=at,
                       text=f"{_plural(len(copies), 'premise flag')} attached: {kinds}")
    elif previous:
        chronology_add(call, ChronologyKind.PREMISE_FLAGS, by=by, at=at,
                       text="No premise flags at the new location")
    return copies


def call_premise_flags_read_record(*, call: Call, by: AbstractBaseUser | None) -> int:
    """`by` was served the text of the call's current confidential flags (the call detail): record
    it against the call, at most once per person, flag and call every FLAG_READ_AGAIN_AFTER.
    Returns how many reads were recorded. What was served is the call's copy, so the read is of the
    copy (and of its flag while the flag is still in the records)."""
    if actor(by) is None:
        return 0
    copies = {c.pk: c for c in current_premise_flags(call) if c.is_confidential}
    if not copies:
        return 0
    now = timezone.now()
    recent = set(PremiseFlagRead.objects.filter(
        by=by, call_id=call.pk, call_flag_id__in=copies, at__gte=now - FLAG_READ_AGAIN_AFTER
    ).values_list("call_flag_id", flat=True))
    reads = [
        PremiseFlagRead(flag_id=copy.flag_id, call_flag_id=copy.pk, by=by, at=now, call_id=call.pk,
                        call_number=call.number, context="call")
        for pk, copy in copies.items() if pk not in recent
    ]
    PremiseFlagRead.objects.bulk_create(reads)
    confidential_reads_audit(reads, where={copy.flag_id: copy.where for copy in copies.values()})
    return len(reads)
