from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cad.serializers import StrictInputSerializer
from premises.choices import FlagKind, PermitStatus
from premises.models import AlarmPermit, PremiseFlag


class PremiseFlagSerializer(serializers.ModelSerializer):
    """A flag as responders see it; also what a call keeps of a flag attached to it."""

    kind = serializers.ChoiceField(choices=FlagKind.choices)
    kind_display = serializers.CharField(source="get_kind_display")
    where = serializers.CharField()
    text = serializers.SerializerMethodField(
        help_text="null for a confidential flag: its text is on the call, where each read is recorded")

    class Meta:
        model = PremiseFlag
        fields = ("id", "kind", "kind_display", "text", "confidential", "where", "expires_at")

    def get_text(self, flag: PremiseFlag) -> str | None:
        return None if flag.confidential else flag.text


class AlarmPermitSerializer(serializers.ModelSerializer):
    standing = serializers.SerializerMethodField(
        help_text="active, expired, not yet valid, suspended or revoked, today")
    status = serializers.ChoiceField(choices=PermitStatus.choices)
    site = serializers.CharField()

    class Meta:
        model = AlarmPermit
        fields = ("number", "status", "standing", "occupancy", "holder_name", "site", "alarm_company",
                  "company_contact", "company_phone", "issued_on", "expires_on", "suspension_flagged_on")

    def get_standing(self, permit: AlarmPermit) -> str:
        return permit.standing(self.context["today"])


class PlaceSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="address, intersection, interpolated, place (a common place), coordinates; or, when "
                  "nothing matched, suggestion (did you mean; lat and lon null when only the street is "
                  "known)")
    address = serializers.CharField()
    name = serializers.CharField(help_text="a common place's name, e.g. CITY HALL; else empty")
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    beat = serializers.CharField(source="beat.code", default=None, allow_null=True)
    verified = serializers.BooleanField()


class PlaceMatchSerializer(PlaceSerializer):
    """A lookup match with what is known about the place: active premise flags (hazards first) the
    reader may see, and its alarm permit (null when it has none)."""

    premise_flags = PremiseFlagSerializer(many=True)
    alarm_permit = AlarmPermitSerializer(allow_null=True)


@extend_schema_field({"type": "string", "minLength": 2, "maxLength": 200, "pattern": r"\S[\s\S]*\S",
                      "description": "At least two characters besides the spaces around them"})
class SearchTextField(serializers.CharField):
    """What was typed, trimmed (the field trims before it counts), so the schema's pattern asks for
    two characters that are not spaces."""


class PlaceQuerySerializer(StrictInputSerializer):
    q = SearchTextField(min_length=2, max_length=200, help_text="e.g. 123 MAIN, MAIN / 3RD, CITY HALL")
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10)
    exact = serializers.BooleanField(
        default=False, help_text="only the place a call saved with this location gets (what call entry "
                                 "checks typed text against): one match, or none when it would be kept "
                                 "as typed, unverified")


BEATS_SCHEMA = {
    "type": "object",
    "description": "GeoJSON FeatureCollection; each feature's geometry is the beat's Polygon or "
                   "MultiPolygon ([lon, lat]), or null when it has no boundary",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {"type": "object", "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": {"type": "object", "nullable": True},
            "properties": {"type": "object", "properties": {
                "code": {"type": "string"}, "name": {"type": "string"}}},
        }}},
    },
}
