"""Alarm permits, kept by records clerks."""

from datetime import date

from django.db import transaction

from cad.audit import AuditAction, audit_record, field_changes, object_ref
from premises.models import AlarmPermit
from premises.normalize import normalize


@transaction.atomic
def alarm_permit_save(*, permit: AlarmPermit) -> AlarmPermit:
    """Create or change a permit; a site given as text is written in the street file's spelling."""
    if permit.site_address_id is None and permit.site_text:
        permit.site_text = normalize(permit.site_text)
    permit.full_clean()
    before = AlarmPermit.objects.filter(pk=permit.pk).first() if permit.pk is not None else None
    permit.save()
    audit_record(action=AuditAction.PERMIT_CHANGE if before else AuditAction.PERMIT_CREATE,
                 object=object_ref("permit", permit.pk), detail={"changes": field_changes(before, permit)})
    return permit


@transaction.atomic
def alarm_permits_flag_for_suspension(*, permit_ids: set[int], on: date, reason: str) -> list[str]:
    """Flag the permits whose false alarms reached the suspension threshold (`reason` says which
    count): information only, for the clerks who decide and the dispatchers who see the permit on
    an alarm call. A permit already flagged keeps its day. Returns the numbers newly flagged."""
    flagged = list(AlarmPermit.objects.select_for_update().filter(pk__in=permit_ids,
                                                                  suspension_flagged_on__isnull=True))
    for permit in flagged:
        AlarmPermit.objects.filter(pk=permit.pk).update(suspension_flagged_on=on)
        audit_record(action=AuditAction.PERMIT_CHANGE, object=object_ref("permit", permit.pk),
                     detail={"changes": {"suspension_flagged_on": [None, on.isoformat()]}, "reason": reason})
    return [permit.number for permit in flagged]
