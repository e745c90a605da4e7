from rest_framework import serializers

from cad.serializers import StrictInputSerializer
from calls.models import Alert


class AlertSerializer(serializers.ModelSerializer):
    """A timer that ran out, shown on every console (and the board) until someone acknowledges it."""

    call = serializers.IntegerField(source="call_id", allow_null=True, read_only=True)
    call_number = serializers.CharField(source="call.number", default=None, allow_null=True, read_only=True)
    unit = serializers.CharField(source="unit.callsign", default=None, allow_null=True, read_only=True)
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", default=None, allow_null=True,
                                            read_only=True)
    escalated = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = ["id", "kind", "text", "call", "call_number", "unit", "raised_at", "escalated",
                  "escalated_at", "acknowledged_at", "acknowledged_by"]
        read_only_fields = fields

    def get_escalated(self, alert: Alert) -> bool:
        return alert.escalated_at is not None


class AlertQuerySerializer(StrictInputSerializer):
    state = serializers.ChoiceField(choices=[("open", "Not yet acknowledged"), ("all", "The last 24 hours'")],
                                    default="open")
