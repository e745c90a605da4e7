"""Premise flags: kept by records clerks, approved by supervisors, and who read a confidential one."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cad.audit import AuditAction, audit_record, field_changes, object_ref
from premises.models import PremiseFlag, PremiseFlagRead

# Changing these on a flag that needs approval sends it back for approval.
FLAG_CONTENT_FIELDS = {"kind", "text", "address", "lat", "lon", "radius_m", "expires_at", "confidential"}


@transaction.atomic
def premise_flag_save(
    *, flag: PremiseFlag, by: AbstractBaseUser | None, changed: Iterable[str] = ()
) -> PremiseFlag:
    """Create or change a flag. A new flag records who made it; a changed flag that needs approval
    goes back for approval, so nothing unapproved reaches a call. Only someone who may approve flags
    takes the need for approval off a flag (by=None is the system: imports, the demo)."""
    if flag.pk is not None and not flag.requires_approval and by is not None and not by.has_perm(
        "premises.approve_premiseflag"
    ) and PremiseFlag.objects.filter(pk=flag.pk, requires_approval=True).exists():
        raise ValidationError({"requires_approval": "Only a supervisor may take approval off a flag."})
    if flag.pk is None:
        flag.created_by = flag.created_by or by
        flag.approved_by, flag.approved_at = None, None
    elif flag.requires_approval and (set(changed) & (FLAG_CONTENT_FIELDS | {"requires_approval"})):
        flag.approved_by, flag.approved_at = None, None
    if not flag.requires_approval:
        flag.approved_by, flag.approved_at = None, None
    flag.full_clean()
    before = PremiseFlag.objects.filter(pk=flag.pk).first() if flag.pk is not None else None
    flag.save()
    audit_record(action=AuditAction.FLAG_CHANGE if before else AuditAction.FLAG_CREATE,
                 object=object_ref("flag", flag.pk), by=by, detail={"changes": field_changes(before, flag)})
    return flag


@transaction.atomic
def premise_flag_approve(*, flag: PremiseFlag, by: AbstractBaseUser) -> bool:
    """A supervisor approves a flag waiting for approval. Returns False when it was not waiting."""
    now = timezone.now()
    updated = PremiseFlag.objects.filter(
        pk=flag.pk, requires_approval=True, approved_at__isnull=True
    ).update(approved_by=by, approved_at=now, updated_at=now)
    if updated:
        flag.approved_by, flag.approved_at = by, now
        audit_record(action=AuditAction.FLAG_APPROVE, object=object_ref("flag", flag.pk), by=by)
    return bool(updated)


def premise_flag_read_record(
    *, flag: PremiseFlag, by: AbstractBaseUser, call_id: int | None = None, call_number: str = "",
    context: str = "",
) -> PremiseFlagRead | None:
    """Record that `by` was shown a confidential flag (on that call, when there is one). Reads of
    flags that are not confidential are not recorded: returns None."""
    if not flag.confidential or by is None or not by.is_authenticated:
        return None
    read = PremiseFlagRead.objects.create(
        flag=flag, by=by, at=timezone.now(), call_id=call_id, call_number=call_number, context=context
    )
    confidential_reads_audit([read], where={flag.pk: flag.where})
    return read


def premise_flags_read_record(
    *, flags: Iterable[PremiseFlag], by: AbstractBaseUser, call_id: int | None = None,
    call_number: str = "", context: str = "",
) -> int:
    """premise_flag_read_record for each confidential flag shown at once. Returns how many."""
    if by is None or not by.is_authenticated:
        return 0
    now = timezone.now()
    reads = [
        PremiseFlagRead(flag=flag, by=by, at=now, call_id=call_id, call_number=call_number,
                        context=context)
        for flag in {f.pk: f for f in flags if f.confidential}.values()
    ]
    PremiseFlagRead.objects.bulk_create(reads)
    confidential_reads_audit(reads, where={read.flag.pk: read.flag.where for read in reads})
    return len(reads)


def confidential_reads_audit(reads: Iterable[PremiseFlagRead], *, where: dict[int | None, str]) -> None:
    """Each confidential flag shown goes on the audit trail too, with the call and the place it was
    shown for (`where`, by flag id); the flag reads stay the premises' own record of them."""
    for read in reads:
        audit_record(action=AuditAction.FLAG_CONFIDENTIAL_READ, object=object_ref("flag", read.flag_id),
                     by=read.by, detail={"call": read.call_number or None, "call_id": read.call_id,
                                         "call_flag": read.call_flag_id, "context": read.context,
                                         "where": where.get(read.flag_id, "")})
