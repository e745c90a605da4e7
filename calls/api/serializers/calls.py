"""A call as the API, the live stream and partners see it: in lists, and in the detail."""

from django.utils import timezone
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from calls.api.serializers.shares import (
    ALL_SHARES,
    CallShareSerializer,
    SentBySerializer,
    shares_for,
    shares_seen,
)
from calls.models import Assignment, Call, CallPremiseFlag, ChronologyEntry
from calls.selectors import call_alarm_permit, chronology_page, current_premise_flags
from calls.selectors.shares import open_shares
from premises.api.serializers import AlarmPermitSerializer
from premises.choices import FlagKind


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


@extend_schema_field({"type": "boolean", "enum": [True]})
class OnFileField(serializers.BooleanField):
    pass


@extend_schema_field({"type": "boolean", "enum": [False]})
class NotOnFileField(serializers.BooleanField):
    pass


class CallAlarmPermitSerializer(AlarmPermitSerializer):
    """The permit of an alarm call's site."""

    on_file = OnFileField(default=True)
    standing = serializers.SerializerMethodField(
        help_text="active, expired, not yet valid, suspended or revoked, on the day the call came in")
    standing_today = serializers.SerializerMethodField(help_text="the same, today")

    class Meta(AlarmPermitSerializer.Meta):
        fields = ("on_file", *AlarmPermitSerializer.Meta.fields, "standing_today")

    def get_standing_today(self, permit) -> str:
        return permit.standing(timezone.localdate())


class NoAlarmPermitSerializer(serializers.Serializer):
    """An alarm call whose site has no permit on file: `{"on_file": false}` alone."""

    on_file = NotOnFileField()


ALARM_PERMIT = PolymorphicProxySerializer(
    component_name="CallAlarmPermitOrNone", serializers=[CallAlarmPermitSerializer, NoAlarmPermitSerializer],
    resource_type_field_name=None, allow_null=True)


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
    sent_by = serializers.SerializerMethodField()
    shared_with = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id", "number", "status", "priority", "call_type", "source", "location", "caller",
            "narrative", "rang_at", "answered_at", "received_at", "entered_at", "dispatched_at", "enroute_at",
            "onscene_at", "closed_at", "reopened_at", "disposition", "master", "units", "premise_flags",
            "sent_by", "shared_with", "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SentBySerializer(allow_null=True))
    def get_sent_by(self, call: Call) -> dict | None:
        """The partner agency that sent the call in (source partner) and its incident number; null
        for the center's own calls."""
        return SentBySerializer(call).data if call.sent_by_id else None

    @extend_schema_field(CallShareSerializer(many=True))
    def get_shared_with(self, call: Call) -> list[dict]:
        """The partner agencies the call is shared with or relayed to now, oldest first. The center
        sees them all; a partner sees only its own."""
        return shares_seen(CallShareSerializer(open_shares(call), many=True).data, shares_for(self.context))

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
    dispatched_by = serializers.CharField(source="dispatched_by.username", default=None, allow_null=True)

    class Meta:
        model = Assignment
        fields = ["unit", "agency", "status", "dispatched_at", "dispatched_by", "enroute_at",
                  "onscene_at", "transporting_at", "at_hospital_at", "cleared_at"]
        read_only_fields = fields


class CorrectedEntrySerializer(serializers.ModelSerializer):
    """The line a supplement corrects, as the chronology shows it: "corrects 14:02:11 DISPATCH"."""

    class Meta:
        model = ChronologyEntry
        fields = ["id", "at", "kind"]
        read_only_fields = fields


class ChronologyEntrySerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None, allow_null=True)
    agency = serializers.CharField(
        source="agency.code", default=None, allow_null=True,
        help_text="The agency whose program wrote the line (a partner's note), or the partner a share "
                  "line is about; null for the center's own lines")
    unit = serializers.CharField(source="unit.callsign", default=None, allow_null=True)
    corrects = CorrectedEntrySerializer(allow_null=True, read_only=True,
                                        help_text="A supplement: the entry of this call it corrects")

    class Meta:
        model = ChronologyEntry
        fields = ["id", "at", "by", "agency", "kind", "unit", "text", "changes", "corrects"]
        read_only_fields = fields


def chronology_earlier_url(call_id: int, entries: list[ChronologyEntry], more: bool) -> str | None:
    """Where the entries before these are read, or None when these are the first."""
    return f"/api/v1/calls/{call_id}/chronology/?before={entries[0].pk}" if more and entries else None


class ChronologyPageSerializer(serializers.Serializer):
    results = ChronologyEntrySerializer(many=True, help_text="Oldest first")
    earlier = serializers.CharField(allow_null=True,
                                    help_text="The page of entries before these; null at the first")


class CallDetailSerializer(CallSerializer):
    """One call with everything that happened on it: its latest chronology entries (50, oldest
    first) and where the earlier ones are read (`chronology_earlier`)."""

    assignments = AssignmentSerializer(many=True, read_only=True)
    chronology = serializers.SerializerMethodField()
    chronology_earlier = serializers.SerializerMethodField()
    duplicates = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    alarm_permit = serializers.SerializerMethodField()

    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields, "alarm_permit", "duplicates", "assignments", "chronology",
                  "chronology_earlier"]
        read_only_fields = fields

    def _chronology(self, call: Call) -> tuple[list[ChronologyEntry], bool]:
        if getattr(call, "_chronology_page", None) is None:
            viewer = shares_for(self.context)
            # A partner (or a reader not named) does not read the lines about other partners' shares.
            partner = None if viewer == ALL_SHARES else viewer or ""
            call._chronology_page = chronology_page(call.pk, partner=partner)
        return call._chronology_page

    @extend_schema_field(ChronologyEntrySerializer(many=True))
    def get_chronology(self, call: Call) -> list[dict]:
        return ChronologyEntrySerializer(self._chronology(call)[0], many=True).data

    @extend_schema_field({"type": "string", "nullable": True,
                          "description": "GET it for the entries before these; null when there are none"})
    def get_chronology_earlier(self, call: Call) -> str | None:
        return chronology_earlier_url(call.pk, *self._chronology(call))

    @extend_schema_field(ALARM_PERMIT)
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
