from django.core.management.base import BaseCommand, CommandError

from records.audit import audit_chain_verify
from records.models import AuditEntry


class Command(BaseCommand):
    help = "Re-walk the audit chain: exit 0 when it is whole, else name the first entry that breaks it."

    def handle(self, *args, **options) -> None:
        broken = audit_chain_verify()
        if broken is not None:
            raise CommandError(f"The audit chain is broken at {broken}.")
        self.stdout.write(f"The audit chain is whole ({AuditEntry.objects.count()} entries).")
