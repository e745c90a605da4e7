"""Alarm permits, kept by records clerks."""

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
