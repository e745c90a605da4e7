"""Mutual aid in the API and on the live stream: a request as both sides see it, and what the
endpoints accept."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cad.models import Agency
from cad.serializers import StrictInputSerializer
from calls.api.serializers.calls import CallLocationSerializer, CodeDescriptionSerializer
from calls.choices import CallStatus, MutualAidState
from calls.models import MUTUAL_AID_MOST_UNITS, Call, MutualAidRequest


class MutualAidCallSerializer(serializers.ModelSerializer):
    """What the partner asked needs to decide, even before it may see the call itself."""

    status = serializers.ChoiceField(choices=CallStatus.choices)
    priority = serializers.IntegerField(source="priority_id")
    call_type = CodeDescriptionSerializer()
    location = CallLocationSerializer(source="*")

    class Meta:
        model = Call
        fields = ["id", "number", "status", "priority", "call_type", "location"]
        read_only_fields = fields


class MutualAidRequestSerializer(serializers.ModelSerializer):
    """A mutual-aid request: what was asked of whom on which call, and how it was answered."""

    call = MutualAidCallSerializer()
    agency = serializers.CharField(source="agency.code", help_text="The partner agency asked")
    agency_name = serializers.CharField(source="agency.name")
    state = serializers.ChoiceField(choices=MutualAidState.choices)
    requested_by = serializers.CharField(source="requested_by.username", default=None, allow_null=True)
    answered_by = serializers.CharField(source="answered_by.username", default=None, allow_null=True)
    answer_seconds = serializers.FloatField(
        allow_null=True, help_text="Time to answer: answered_at − requested_at; null until answered")
    units = serializers.SerializerMethodField()
    cancelled_by = serializers.CharField(source="cancelled_by.username", default=None, allow_null=True)

    class Meta:
        model = MutualAidRequest
        fields = ["id", "call", "agency", "agency_name", "capability", "count", "note", "state",
                  "requested_at", "requested_by", "answered_at", "answered_by", "answer_seconds",
                  "decline_reason", "units", "cancelled_at", "cancelled_by", "cancel_reason"]
        read_only_fields = fields

    @extend_schema_field({"type": "array", "items": {"type": "string"},
                          "description": "The callsigns it was accepted with"})
    def get_units(self, request: MutualAidRequest) -> list[str]:
        return sorted(unit.callsign for unit in request.units.all())


@extend_schema_field({"type": "string", "pattern": r"^\s*[A-Za-z0-9_-]{1,16}\s*$",
                      "description": "A partner agency's code, in any case, e.g. NFPD"})
class AgencyField(serializers.CharField):
    """An agency's code becoming its row; an unknown code is a 400."""

    def to_internal_value(self, data):
        code = super().to_internal_value(data).strip()
        found = None
        if code.isascii() and 0 < len(code) <= 16 and code.replace("-", "").replace("_", "").isalnum():
            found = Agency.objects.filter(code__iexact=code).first()
        if found is None:
            raise serializers.ValidationError(
                f"Unknown agency {code!r}; see GET /api/v1/mutual-aid/partners/.")
        return found


class MutualAidRequestInputSerializer(StrictInputSerializer):
    agency = AgencyField(help_text="The partner agency to ask, e.g. NFPD")
    capability = serializers.CharField(max_length=32,
                                       help_text='As units and response plans name it, e.g. "engine"')
    count = serializers.IntegerField(min_value=1, max_value=MUTUAL_AID_MOST_UNITS, default=1,
                                     help_text="How many units")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MutualAidAcceptInputSerializer(StrictInputSerializer):
    units = serializers.ListField(
        child=serializers.CharField(max_length=16), min_length=1, max_length=MUTUAL_AID_MOST_UNITS,
        help_text='The partner\'s own available units with the capability asked, e.g. ["E51"]',
    )


class MutualAidDeclineInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=500, help_text="Why not, e.g. \"E51 committed to a fire\"")


class MutualAidCancelInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MutualAidPartnerCapabilitySerializer(serializers.Serializer):
    capability = serializers.CharField()
    units = serializers.IntegerField(help_text="How many of the agency's units have it")
    available = serializers.IntegerField(help_text="How many of those are available now")


class MutualAidPartnerSerializer(serializers.Serializer):
    agency = serializers.CharField()
    name = serializers.CharField()
    capabilities = MutualAidPartnerCapabilitySerializer(many=True)
