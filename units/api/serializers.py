from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cad.fields import CoordinateField, TimeField
from cad.serializers import StrictInputSerializer
from units.choices import UnitStatus
from units.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    discipline = serializers.CharField(source="discipline.code", read_only=True)
    home_beat = serializers.CharField(source="home_beat.code", read_only=True, default=None, allow_null=True)
    station = serializers.CharField(source="station.name", read_only=True, default=None, allow_null=True)
    call = serializers.IntegerField(source="current_call_id", read_only=True, allow_null=True)
    call_number = serializers.SerializerMethodField()
    eido_status = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = [
            "callsign", "agency", "unit_type", "discipline", "capabilities", "home_beat", "station",
            "status", "status_since", "eido_status", "call", "call_number", "location",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True, "description": "The call's number"})
    def get_call_number(self, unit: Unit) -> str | None:
        return unit.current_call_number or None

    @extend_schema_field({"type": "object", "properties": {
        "primary": {"type": "string"}, "secondary": {"type": "string"}}})
    def get_eido_status(self, unit: Unit) -> dict:
        primary, secondary = unit.eido_status
        return {"primary": primary, "secondary": secondary}

    @extend_schema_field({"type": "object", "nullable": True, "properties": {
        "lat": {"type": "number"}, "lon": {"type": "number"},
        "at": {"type": "string", "format": "date-time"}}})
    def get_location(self, unit: Unit) -> dict | None:
        if unit.last_lat is None or unit.last_lon is None:
            return None
        return {"lat": unit.last_lat, "lon": unit.last_lon,
                "at": serializers.DateTimeField().to_representation(unit.location_at)
                if unit.location_at else None}


class UnitStatusInputSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=UnitStatus.choices)


class UnitLocationInputSerializer(StrictInputSerializer):
    lat = CoordinateField(min_value=-90, max_value=90)
    lon = CoordinateField(min_value=-180, max_value=180)
    at = TimeField(required=False, help_text="When the fix was taken (with its offset); default now")
