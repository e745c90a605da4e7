"""Likely duplicates in the API: the candidates, what was looked for, and the question asked
before a call is saved."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cad.fields import CoordinateField, TimeField
from cad.serializers import StrictInputSerializer
from calls.api.serializers.calls import CallDetailSerializer, CallSerializer
from calls.api.serializers.inputs import CallTypeField, location_problem
from calls.api.serializers.shares import ALL_SHARES
from calls.models import Call, CallType, received_at_problem
from calls.selectors.duplicates import Candidate, likely_duplicates_of
from premises.places import Place


class DuplicateCandidateSerializer(serializers.Serializer):
    call = CallSerializer(help_text="The earlier open call (list shape)")
    distance_m = serializers.IntegerField(help_text="Straight-line distance, metres")
    minutes_apart = serializers.FloatField(help_text="How many minutes before this call it was received")
    same_type = serializers.BooleanField(help_text="The same call type")
    related_type = serializers.BooleanField(help_text="The same APCO common type")
    reason = serializers.CharField(help_text='e.g. "same type, 48 m, 2 min earlier"')

    def to_representation(self, candidate: Candidate) -> dict:
        data = super().to_representation(candidate)
        data["distance_m"] = round(candidate.distance_m)
        data["minutes_apart"] = round(candidate.minutes_apart, 1)
        return data


class DuplicateLocationSerializer(serializers.Serializer):
    address = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    beat = serializers.CharField(source="beat.code", default=None, allow_null=True)
    verified = serializers.BooleanField()


class DuplicatesSerializer(serializers.Serializer):
    """What was looked for (where, the type's window) and the candidates, best first."""

    location = DuplicateLocationSerializer()
    call_type = serializers.CharField(source="call_type.code")
    radius_m = serializers.IntegerField(source="call_type.duplicate_radius_m")
    window_minutes = serializers.IntegerField(source="call_type.duplicate_window_minutes")
    candidates = DuplicateCandidateSerializer(many=True)


class DuplicateQuerySerializer(StrictInputSerializer):
    call_type = CallTypeField(help_text="The new call's type code, e.g. MVAINJY")
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    intersection = serializers.CharField(required=False, allow_blank=True, max_length=200)
    lat = CoordinateField(required=False, min_value=-90, max_value=90)
    lon = CoordinateField(required=False, min_value=-180, max_value=180)
    received_at = TimeField(required=False, help_text="When the line rang (with its offset); default now")

    def validate_received_at(self, value):
        problem = received_at_problem(value, now=timezone.now())
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate(self, data):
        problem = location_problem(data)
        if problem:
            field, message = problem
            raise serializers.ValidationError({field or "location": [message]})
        return data

    def location(self) -> dict:
        wanted = ("address", "intersection", "lat", "lon")
        return {k: v for k, v in self.validated_data.items() if k in wanted}


class CallCreatedSerializer(CallDetailSerializer):
    """The new call, and the open calls it may duplicate (for the docs: the create answer)."""

    possible_duplicates = serializers.SerializerMethodField()

    class Meta(CallDetailSerializer.Meta):
        fields = [*CallDetailSerializer.Meta.fields, "possible_duplicates"]
        read_only_fields = fields

    @extend_schema_field(DuplicateCandidateSerializer(many=True))
    def get_possible_duplicates(self, call: Call) -> list[dict]:
        """Open calls received shortly before it nearby (as GET calls/{id}/duplicates/ lists them)."""
        return possible_duplicates(call, calls=self.context.get("calls"), context=self.context)


def possible_duplicates(call: Call, *, calls=None, context: dict | None = None) -> list[dict]:
    """The open calls `call` may duplicate among `calls`, shaped for the reader `context` names."""
    return DuplicateCandidateSerializer(likely_duplicates_of(call, calls=calls), many=True,
                                        context=context or {}).data


def duplicates_answer(place: Place, call_type: CallType, candidates: list[Candidate]) -> dict:
    """For the center's staff (the duplicates endpoints are theirs): every share shown."""
    location = {"address": place.address, "lat": place.lat, "lon": place.lon, "beat": place.beat,
                "verified": place.verified}
    return DuplicatesSerializer(
        {"location": location, "call_type": call_type, "candidates": candidates},
        context={"shares_for": ALL_SHARES},
    ).data
