from rest_framework import serializers

from cad.serializers import StrictInputSerializer
from calls.models import Alert
from units.models import Unit


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
        fields = ["id", "kind", "text", "call", "call_number", "unit", "lat", "lon", "raised_at", "escalated",
                  "escalated_at", "acknowledged_at", "acknowledged_by"]
        read_only_fields = fields

    def get_escalated(self, alert: Alert) -> bool:
        return alert.escalated_at is not None


class AlertQuerySerializer(StrictInputSerializer):
    state = serializers.ChoiceField(choices=[("open", "Not yet acknowledged"), ("all", "The last 24 hours'")],
                                    default="open")


class WhereInputSerializer(StrictInputSerializer):
    """Where a unit is, as its device says: `lat` and `lon` together, or neither (its last known
    location is used)."""

    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90,
                                 help_text="Where the unit is; without it, its last known location")
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)

    def validate(self, data):
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise serializers.ValidationError({"lon" if data.get("lon") is None else "lat": [
                "Give lat and lon together, or neither (the unit's last known location is used)."]})
        return data


class EmergencyInputSerializer(WhereInputSerializer):
    unit = serializers.SlugRelatedField(slug_field="callsign", queryset=Unit.objects.all(),
                                        help_text="The unit's callsign, e.g. 1A12")
