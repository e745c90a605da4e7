"""Premise flags kept with the call: copied on as they read when attached, who read the
confidential ones, and to which agencies their text was released (their units were on the call)."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from cad.audit import AuditAction, audit_record, object_ref
from cad.history import actor
from cad.models import Agency
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


def _reads_new(call: Call, by: AbstractBaseUser, context: str
               ) -> tuple[list[PremiseFlagRead], dict[int | None, str]]:
    """Reads of the call's current confidential flags by `by`, in `context`, saved unless already
    recorded within FLAG_READ_AGAIN_AFTER; and where each flag is, by flag id."""
    copies = {c.pk: c for c in current_premise_flags(call) if c.is_confidential}
    if not copies:
        return [], {}
    now = timezone.now()
    recent = set(PremiseFlagRead.objects.filter(
        by=by, call_id=call.pk, call_flag_id__in=copies, context=context,
        at__gte=now - FLAG_READ_AGAIN_AFTER,
    ).values_list("call_flag_id", flat=True))
    reads = [
        PremiseFlagRead(flag_id=copy.flag_id, call_flag_id=copy.pk, by=by, at=now, call_id=call.pk,
                        call_number=call.number, context=context)
        for pk, copy in copies.items() if pk not in recent
    ]
    PremiseFlagRead.objects.bulk_create(reads)
    return reads, {copy.flag_id: copy.where for copy in copies.values()}


def call_premise_flags_release_record(*, call: Call, by: AbstractBaseUser | None, agency: Agency,
                                      units: list[str]) -> int:
    """The text of the call's confidential flags was served to `agency`'s program because its
    `units` are on the call (the flag reaches the crew it is meant for): each flag released is a
    flag read (context "released") and a flag.released audit entry naming the agency and its units,
    at most once per flag and call every FLAG_READ_AGAIN_AFTER. Returns how many were recorded."""
    if actor(by) is None or not units:
        return 0
    reads, where = _reads_new(call, by, "released")
    for read in reads:
        audit_record(action=AuditAction.FLAG_RELEASED, object=object_ref("flag", read.flag_id), by=by,
                     detail={"call": call.number, "call_id": call.pk, "call_flag": read.call_flag_id,
                             "agency": agency.code, "units": units, "where": where.get(read.flag_id, "")})
    return len(reads)


def call_premise_flags_read_record(*, call: Call, by: AbstractBaseUser | None) -> int:
    """`by` was served the text of the call's current confidential flags (the call detail): record
    it against the call, at most once per person, flag and call every FLAG_READ_AGAIN_AFTER.
    Returns how many reads were recorded. What was served is the call's copy, so the read is of the
    copy (and of its flag while the flag is still in the records)."""
    if actor(by) is None:
        return 0
    reads, where = _reads_new(call, by, "call")
    confidential_reads_audit(reads, where=where)
    return len(reads)
