"""The 9-1-1 line in the API: an ANI/ALI record as the telephone system sends it and as CAD keeps
it, a rebid, and the callback queue of abandoned calls."""

from django.utils import timezone
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from cad.fields import CoordinateField, TimeField
from cad.serializers import StrictInputSerializer
from calls.api.serializers.calls import CallDetailSerializer
from calls.choices import (
    CLASS_OF_SERVICE_SOURCE,
    WIRELESS_PHASE,
    CallbackOutcome,
    CallSource,
    ClassOfService,
)
from calls.models import AliRecord, Callback
from calls.selectors import callback_latest_ali

LONGEST_UNCERTAINTY_M = 100_000  # a phase I sector may be kilometres wide; beyond this it says nothing
ANI = r"^\+?[0-9]{3,15}$"
ANI_ERRORS = {"invalid": "Give the callback number as digits, e.g. 8165550100."}


class AliLocationInputSerializer(StrictInputSerializer):
    # The location fields a first record and a rebid share; the rules between them (lat with lon,
    # phase II with a point) are the service's (calls.services.ali).
    address = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=200,
                                    help_text="Civic address (wireline, VoIP), or the tower's (wireless)")
    lat = CoordinateField(required=False, allow_null=True, min_value=-90, max_value=90)
    lon = CoordinateField(required=False, allow_null=True, min_value=-180, max_value=180)
    uncertainty_m = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=LONGEST_UNCERTAINTY_M,
        help_text="Radius around lat/lon in metres (phase II)")
    confidence = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=100,
        help_text="Per cent: how likely the caller is within that radius (phase II)")


class AliInputSerializer(AliLocationInputSerializer):
    ani = serializers.RegexField(ANI, max_length=16, error_messages=ANI_ERRORS,
                                 help_text="The callback number (ANI), digits")
    class_of_service = serializers.ChoiceField(
        choices=ClassOfService.choices, help_text="NENA class of service, e.g. RESD, WPH1, WPH2, VOIP, TEXT")
    position = serializers.CharField(required=False, allow_blank=True, max_length=32,
                                     help_text="The call taker's position the line rang at")
    abandoned = serializers.BooleanField(
        required=False, default=False, help_text="Hung up or abandoned: queued for a callback, no call made")
    rang_at = TimeField(required=False, allow_null=True, help_text="When the line rang; default now")
    answered_at = TimeField(required=False, allow_null=True,
                            help_text="When it was answered; default now (an abandoned call: none)")


class AliRebidInputSerializer(AliLocationInputSerializer):
    ani = serializers.RegexField(ANI, max_length=16, required=False, error_messages=ANI_ERRORS,
                                 help_text="If sent, the line's own number")
    class_of_service = serializers.ChoiceField(choices=ClassOfService.choices, required=False,
                                               help_text="If it changed (WPH1 → WPH2); default the line's")


class CallRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class AliRecordSerializer(serializers.ModelSerializer):
    """An ANI/ALI record as CAD keeps it."""

    line = serializers.IntegerField(source="line_id", help_text="The line's first record (a rebid's own)")
    class_of_service_name = serializers.CharField(source="get_class_of_service_display")
    wireless_phase = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()
    call = CallRefSerializer(allow_null=True)
    callback = serializers.IntegerField(source="callback_id", allow_null=True)
    rebid_of = serializers.IntegerField(source="rebid_of_id", allow_null=True)
    rebids = serializers.SerializerMethodField()

    class Meta:
        model = AliRecord
        fields = ["id", "line", "ani", "class_of_service", "class_of_service_name", "wireless_phase",
                  "source", "address", "lat", "lon", "uncertainty_m", "confidence", "position", "abandoned",
                  "rang_at", "answered_at", "received_at", "call", "callback", "rebid_of", "rebids"]
        read_only_fields = fields

    @extend_schema_field({"type": "integer", "enum": [0, 1, 2], "nullable": True,
                          "description": "0 no location, 1 tower and sector, 2 handset fix; null: wireline"})
    def get_wireless_phase(self, record: AliRecord) -> int | None:
        return WIRELESS_PHASE.get(record.class_of_service)

    @extend_schema_field(serializers.ChoiceField(choices=CallSource.choices))
    def get_source(self, record: AliRecord) -> str:
        """The call's source for this class of service: 911, 911_wireless or text."""
        return str(CLASS_OF_SERVICE_SOURCE[record.class_of_service])

    def get_rebids(self, record: AliRecord) -> int:
        """How many rebids the line has had."""
        return record.rebid_of.rebid_count if record.rebid_of_id else record.rebid_count


class CallbackSerializer(serializers.ModelSerializer):
    """An abandoned call in the callback queue: the number to call, how long it has waited, who
    is calling it back, and how it ended."""

    waiting_s = serializers.SerializerMethodField()
    ali = serializers.SerializerMethodField()
    claimed_by = serializers.CharField(source="claimed_by.username", default=None, allow_null=True)
    outcome = serializers.SerializerMethodField()
    outcome_name = serializers.SerializerMethodField()
    done_by = serializers.CharField(source="done_by.username", default=None, allow_null=True)
    call = CallRefSerializer(allow_null=True)

    class Meta:
        model = Callback
        fields = ["id", "ani", "attempts", "queued_at", "last_attempt_at", "waiting_s", "ali", "claimed_by",
                  "claimed_at", "outcome", "outcome_name", "note", "done_at", "done_by", "call"]
        read_only_fields = fields

    def get_waiting_s(self, callback: Callback) -> int:
        """Seconds from the first abandoned call to now, or to its outcome."""
        end = callback.done_at or timezone.now()
        return max(0, int((end - callback.queued_at).total_seconds()))

    @extend_schema_field(AliRecordSerializer(allow_null=True))
    def get_ali(self, callback: Callback) -> dict | None:
        """The latest ANI/ALI record of the number (its newest location)."""
        record = callback_latest_ali(callback)
        return AliRecordSerializer(record).data if record is not None else None

    @extend_schema_field({"type": "string", "enum": CallbackOutcome.values, "nullable": True})
    def get_outcome(self, callback: Callback) -> str | None:
        return callback.outcome or None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_outcome_name(self, callback: Callback) -> str | None:
        return callback.get_outcome_display() if callback.outcome else None


class CallbackOutcomeInputSerializer(StrictInputSerializer):
    outcome = serializers.ChoiceField(choices=CallbackOutcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ClaimedConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    claimed_by = serializers.CharField(required=False, help_text="Who is calling the number back now (when "
                                                                 "someone holds it; absent when it is done)")


class AliCallSerializer(CallDetailSerializer):
    """The pending call the line's ANI/ALI made, and the record it was made from (for the docs)."""

    ali = AliRecordSerializer(read_only=True, help_text="The record: its id is the line's, for rebids")

    class Meta(CallDetailSerializer.Meta):
        fields = [*CallDetailSerializer.Meta.fields, "ali"]
        read_only_fields = fields


ALI_ANSWER = PolymorphicProxySerializer(
    component_name="AliCallOrCallback", serializers=[AliCallSerializer, CallbackSerializer],
    resource_type_field_name=None)


class CallbackOutcomeCountsSerializer(serializers.Serializer):
    no_answer = serializers.IntegerField()
    pocket_dial = serializers.IntegerField()
    emergency = serializers.IntegerField()
    resolved = serializers.IntegerField()


class CallbackCountsSerializer(serializers.Serializer):
    """Today's callback queue, for the board."""

    queued = serializers.IntegerField(help_text="Entries queued today")
    waiting = serializers.IntegerField(help_text="Waiting now, whenever queued")
    oldest_waiting_s = serializers.IntegerField(allow_null=True, help_text="The longest wait now, seconds")
    outcomes = CallbackOutcomeCountsSerializer(help_text="Done today, by outcome")
