"""Changes the records desk makes: printing a call's record is itself on the audit trail."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from cad.audit import AuditAction, audit_record, object_ref
from calls.models import Call
from calls.services import call_premise_flags_read_record
from records.selectors import CallRecord, call_record

PRINT_FORMATS = ("html", "pdf")


@transaction.atomic
def call_record_print(*, call: Call, by: AbstractBaseUser, format: str) -> CallRecord:
    """The call's record as `by` may read it, with the printing on the audit trail (and each
    confidential flag it shows recorded as a read, as the call detail does)."""
    if format not in PRINT_FORMATS:
        raise ValueError(f"format must be one of {PRINT_FORMATS}")
    record = call_record(call, reader=by)
    if record.confidential_shown:
        call_premise_flags_read_record(call=record.call, by=by)
    audit_record(
        action=AuditAction.CALL_PRINT,
        object=object_ref("call", call.pk),
        by=by,
        detail={"number": record.number, "format": format, "chronology_entries": len(record.chronology)},
    )
    return record
