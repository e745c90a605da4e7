from rest_framework import serializers

from records.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="username", help_text="Who, by username; empty for the system")

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "user", "source_ip", "action", "object", "outcome", "detail", "hash",
                  "prev_hash"]
