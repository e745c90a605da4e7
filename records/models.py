import pgtrigger
from django.conf import settings
from django.db import models

from cad.audit import Outcome
from cad.history import AppendOnlyModel
from cad.models import AgencyToken


class AuditEntry(AppendOnlyModel):
    """One thing done, by whom, from where, with what outcome: appended, never changed. Each entry's
    hash covers its content and the previous entry's hash, so an edit or a gap shows (audit_verify)."""

    at = models.DateTimeField(db_index=True)
    # Plain references, no constraint: an account or token removed later must not rewrite its entries.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+")
    username = models.CharField(max_length=150, blank=True, db_index=True)
    token = models.ForeignKey(AgencyToken, null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    object = models.CharField(max_length=100, blank=True, db_index=True)
    outcome = models.CharField(max_length=10, choices=[(o.value, o.value) for o in Outcome])
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name_plural = "audit entries"
        ordering = ["-id"]
        triggers = [pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or 'system'} {self.action} {self.object}"


class AuditDigest(AppendOnlyModel):
    """What a prune removed from the start of the chain, signed with SECRET_KEY: the chain is
    verified from the newest digest's last hash on."""

    created_at = models.DateTimeField()
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    count = models.PositiveIntegerField()
    prev_hash = models.CharField(max_length=64, blank=True)
    last_hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["-last_id"]
        triggers = [pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"entries {self.first_id}–{self.last_id} ({self.count}), pruned {self.created_at:%Y-%m-%d}"


# False-alarm billing's tables belong to this app; they live in its billing package.
from records.billing.models import (  # noqa: E402
    Appeal,
    Bill,
    BillingRun,
    BillLine,
    BillNumberCounter,
    FalseAlarmCall,
    FeeSchedule,
    FeeTier,
    NoticeSending,
    Payment,
    ScheduleDisposition,
)

# The records an inquiry searches, and the inquiries, in their own package.
from records.inquiries.models import (  # noqa: E402
    Bolo,
    Inquiry,
    MissingPerson,
    Person,
    PersonIdentifier,
    Vehicle,
    Warrant,
)

# The reports' tables, in their own package.
from records.reports.models import CommittedLevel, OpenCallsDay, ReportRun, WorkloadChange  # noqa: E402

__all__ = ["Appeal", "AuditDigest", "AuditEntry", "Bill", "BillLine", "BillNumberCounter", "BillingRun",
           "Bolo", "CommittedLevel", "FalseAlarmCall", "FeeSchedule", "FeeTier", "Inquiry", "MissingPerson",
           "NoticeSending", "OpenCallsDay", "Payment", "Person", "PersonIdentifier", "ReportRun",
           "ScheduleDisposition", "Vehicle", "Warrant", "WorkloadChange"]
