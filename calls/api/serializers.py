from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cad.fields import CoordinateField
from calls.choices import CallSource
from calls.models import (
    Alert,
    Assignment,
    Call,
    CallPremiseFlag,
    CallType,
    ChronologyEntry,
    Disposition,
    Priority,
)
from calls.selectors import call_alarm_permit, current_premise_flags
from premises.api.serializers import AlarmPermitSerializer
from premises.choices import FlagKind


class CallTypeSerializer(serializers.ModelSerializer):
    default_priority = serializers.IntegerField(source="default_priority_id", read_only=True)
    disciplines = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = CallType
        fields = ["code", "description", "common_type", "default_priority", "disciplines",
                  "is_alarm", "is_local"]


class DispositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disposition
        fields = ["code", "description", "is_local", "billable_false_alarm"]


class PrioritySerializer(serializers.ModelSerializer):
    class Meta:
        model = Priority
        fields = ["level", "name", "dispatch_goal_seconds", "response_goal_seconds"]


class CodeDescriptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()


class CallLocationSerializer(serializers.Serializer):
    address = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    beat = serializers.CharField(source="beat.code", default=None, allow_null=True)
    verified = serializers.BooleanField(source="location_verified")


class CallerSerializer(serializers.Serializer):
    name = serializers.CharField(source="caller_name", allow_blank=True, required=False, max_length=128)
    phone = serializers.CharField(source="caller_phone", allow_blank=True, required=False, max_length=32)


class AssignedUnitSerializer(serializers.Serializer):
    callsign = serializers.CharField(source="unit.callsign")
    agency = serializers.CharField(source="unit.agency.code")
    status = serializers.CharField()


class CallPremiseFlagSerializer(serializers.ModelSerializer):
    """A premise flag kept with the call, as it read when it was attached.

    A confidential flag's text is served only where `confidential_text` is in the context (the call
    detail, to the center's staff, each read recorded); elsewhere its text is null.
    """

    id = serializers.IntegerField(source="flag_id", allow_null=True,
                                  help_text="The premise flag; null once it is removed from the records")
    kind = serializers.ChoiceField(choices=FlagKind.choices)
    kind_display = serializers.CharField(source="get_kind_display")
    text = serializers.SerializerMethodField(
        help_text="null for a confidential flag outside the call detail, or for a partner")
    confidential = serializers.BooleanField(
        source="is_confidential", read_only=True,
        help_text="confidential when attached, or made confidential since")

    class Meta:
        model = CallPremiseFlag
        fields = ("id", "kind", "kind_display", "text", "confidential", "where", "expires_at", "attached_at")
        read_only_fields = fields

    def get_text(self, copy: CallPremiseFlag) -> str | None:
        if copy.is_confidential and not self.context.get("confidential_text"):
            return None
        return copy.text


class CallAlarmPermitSerializer(AlarmPermitSerializer):
    """The permit of an alarm call's site; `{"on_file": false}` alone when the site has none."""

    on_file = serializers.BooleanField(default=True)
    standing = serializers.SerializerMethodField(
        help_text="active, expired, not yet valid, suspended or revoked, on the day the call came in")
    standing_today = serializers.SerializerMethodField(help_text="the same, today")

    class Meta(AlarmPermitSerializer.Meta):
        fields = ("on_file", *AlarmPermitSerializer.Meta.fields, "standing_today")

    def get_standing_today(self, permit) -> str:
        return permit.standing(timezone.localdate())


class CallSerializer(serializers.ModelSerializer):
    """A call as lists, partners and the live stream see it."""

    priority = serializers.IntegerField(source="priority_id")
    call_type = CodeDescriptionSerializer()
    location = CallLocationSerializer(source="*")
    caller = CallerSerializer(source="*")
    disposition = CodeDescriptionSerializer(allow_null=True)
    master = serializers.CharField(source="master.number", default=None, allow_null=True)
    units = serializers.SerializerMethodField()
    premise_flags = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id", "number", "status", "priority", "call_type", "source", "location", "caller",
            "narrative", "received_at", "entered_at", "dispatched_at", "enroute_at", "onscene_at",
            "closed_at", "reopened_at", "disposition", "master", "units", "premise_flags", "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CallPremiseFlagSerializer(many=True, allow_null=True))
    def get_premise_flags(self, call: Call) -> list[dict] | None:
        """The flags attached for the current location (hazards first); [] when it has none; null
        for calls entered before flags were kept with calls."""
        if call.premise_flags_at is None:
            return None
        return CallPremiseFlagSerializer(current_premise_flags(call), many=True, context=self.context).data

    @extend_schema_field(AssignedUnitSerializer(many=True))
    def get_units(self, call: Call) -> list[dict]:
        """The units on the call now (open assignments)."""
        assignments = getattr(call, "open_assignments", None)
        if assignments is None:
            assignments = call.assignments.filter(cleared_at__isnull=True).select_related(
                "unit__agency"
            )
        return AssignedUnitSerializer(assignments, many=True).data


class AssignmentSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.callsign")
    agency = serializers.CharField(source="unit.agency.code")
    dispatched_by = serializers.CharField(source="dispatched_by.username", default=None)

    class Meta:
        model = Assignment
        fields = ["unit", "agency", "status", "dispatched_at", "dispatched_by", "enroute_at",
                  "onscene_at", "transporting_at", "at_hospital_at", "cleared_at"]
        read_only_fields = fields


class ChronologyEntrySerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None)
    unit = serializers.CharField(source="unit.callsign", default=None)

    class Meta:
        model = ChronologyEntry
        fields = ["id", "at", "by", "kind", "unit", "text", "changes"]
        read_only_fields = fields


class CallDetailSerializer(CallSerializer):
    """One call with everything that happened on it."""

    assignments = AssignmentSerializer(many=True, read_only=True)
    chronology = ChronologyEntrySerializer(many=True, read_only=True)
    duplicates = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    alarm_permit = serializers.SerializerMethodField()

    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields, "alarm_permit", "duplicates", "assignments", "chronology"]
        read_only_fields = fields

    @extend_schema_field(CallAlarmPermitSerializer(allow_null=True))
    def get_alarm_permit(self, call: Call) -> dict | None:
        """On an alarm call: the site's permit as it stood the day the alarm came in (and today), or
        `{"on_file": false}`; null on calls that are not alarm calls."""
        if not call.call_type.is_alarm:
            return None
        day = timezone.localdate(call.received_at)
        permit = call_alarm_permit(call, on=day)
        if permit is None:
            return {"on_file": False}
        return CallAlarmPermitSerializer(permit, context={"today": day}).data


class LocationInputSerializer(serializers.Serializer):
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    intersection = serializers.CharField(required=False, allow_blank=True, max_length=200)
    lat = CoordinateField(required=False, min_value=-90, max_value=90)
    lon = CoordinateField(required=False, min_value=-180, max_value=180)

    def validate(self, data):
        if ("lat" in data) != ("lon" in data):
            raise serializers.ValidationError("Give lat and lon together.")
        if data.get("address") and data.get("intersection"):
            raise serializers.ValidationError("Give an address or an intersection, not both.")
        if not (data.get("address") or data.get("intersection") or "lat" in data):
            raise serializers.ValidationError("Give an address, an intersection, or lat and lon.")
        return data


class CodeField(serializers.CharField):
    """A reference code (ROBBERY, 02) given in any case, becoming its row; unknown codes are a 400.

    Only plain letters and digits reach the database, so odd text (NUL bytes) never does.
    """

    def __init__(self, *, queryset, noun: str, listing: str, longest: int, **kwargs):
        super().__init__(**kwargs)
        self.queryset, self.noun, self.listing, self.longest = queryset, noun, listing, longest

    def to_internal_value(self, data):
        code = super().to_internal_value(data).strip().upper()
        known = code.isascii() and code.isalnum() and len(code) <= self.longest
        found = self.queryset.filter(code=code).first() if known else None
        if found is None:
            raise serializers.ValidationError(f"Unknown {self.noun} {code!r}; see {self.listing}.")
        return found


class CallTypeField(CodeField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=CallType.objects.select_related("default_priority").filter(active=True),
            noun="call type", listing="/api/v1/call-types/", longest=16, **kwargs,
        )


class PriorityField(serializers.IntegerField):
    """1 (highest) to 5, given as a number; becomes the Priority with its goals."""

    def to_internal_value(self, data):
        level = super().to_internal_value(data)
        priority = Priority.objects.filter(level=level).first() if 1 <= level <= 5 else None
        if priority is None:
            raise serializers.ValidationError("Give a priority from 1 (highest) to 5.")
        return priority

    def to_representation(self, value):
        return value.level if isinstance(value, Priority) else value


class CallerInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=128)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)


class CallCreateSerializer(serializers.Serializer):
    call_type = CallTypeField(help_text="APCO 2.103 or local code, e.g. ROBBERY")
    location = LocationInputSerializer()
    caller = CallerInputSerializer(required=False)
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    source = serializers.ChoiceField(choices=CallSource.choices, default=CallSource.E911)
    priority = PriorityField(required=False, help_text="Overrides the call type's default")
    received_at = serializers.DateTimeField(required=False, help_text="When the line rang; default now")

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        caller = data.pop("caller", {})
        # Only what was sent: changing the caller's name must not erase the phone.
        if "name" in caller:
            data["caller_name"] = caller["name"]
        if "phone" in caller:
            data["caller_phone"] = caller["phone"]
        return data


class CallUpdateSerializer(CallCreateSerializer):
    call_type = CallTypeField(required=False)
    location = LocationInputSerializer(required=False)
    source = serializers.ChoiceField(choices=CallSource.choices, required=False)
    received_at = None

    def validate(self, data):
        # A field that cannot be changed here (status, number, …) must say so, not be ignored.
        unknown = sorted(set(getattr(self, "initial_data", {})) - set(self.fields))
        if unknown:
            hints = {"status": "Use dispatch/, close/ or reopen/.", "disposition": "Use close/."}
            raise serializers.ValidationError(
                {name: [hints.get(name, "This field cannot be changed.")] for name in unknown}
            )
        return data


class DispatchInputSerializer(serializers.Serializer):
    units = serializers.ListField(
        child=serializers.CharField(max_length=16), min_length=1, max_length=50,
        help_text="Callsigns, e.g. [\"1A12\"]",
    )


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000)


class CloseInputSerializer(serializers.Serializer):
    disposition = CodeField(
        queryset=Disposition.objects.all(), noun="disposition", listing="/api/v1/dispositions/",
        longest=8, help_text="APCO 1.111 code, e.g. 02",
    )
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReopenInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class LinkInputSerializer(serializers.Serializer):
    master = serializers.CharField(help_text="The master call's number (YYYY-NNNNNN) or id")


class AlertSerializer(serializers.ModelSerializer):
    """A timer that ran out, shown on every console (and the board) until someone acknowledges it."""

    call = serializers.IntegerField(source="call_id", allow_null=True, read_only=True)
    call_number = serializers.CharField(source="call.number", default=None, read_only=True)
    unit = serializers.CharField(source="unit.callsign", default=None, read_only=True)
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", default=None, read_only=True)
    escalated = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = ["id", "kind", "text", "call", "call_number", "unit", "raised_at", "escalated",
                  "escalated_at", "acknowledged_at", "acknowledged_by"]
        read_only_fields = fields

    def get_escalated(self, alert: Alert) -> bool:
        return alert.escalated_at is not None
