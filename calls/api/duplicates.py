"""Likely duplicates in the API: for an existing call, and for a call not yet saved."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cad.fields import CoordinateField
from cad.permissions import IsCenterStaff
from calls.api.serializers import CallDetailSerializer, CallSerializer, CallTypeField
from calls.duplicates import Candidate, likely_duplicates, likely_duplicates_of
from calls.models import Call, CallType
from calls.selectors import calls_visible_to
from premises.places import Place
from premises.selectors import place_for_location


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


class DuplicateQuerySerializer(serializers.Serializer):
    call_type = CallTypeField(help_text="The new call's type code, e.g. MVAINJY")
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    intersection = serializers.CharField(required=False, allow_blank=True, max_length=200)
    lat = CoordinateField(required=False, min_value=-90, max_value=90)
    lon = CoordinateField(required=False, min_value=-180, max_value=180)
    received_at = serializers.DateTimeField(required=False, help_text="When the line rang; default now")

    def validate_received_at(self, value):
        from calls.services import OLDEST_RECEIVED

        if value > timezone.now():
            raise serializers.ValidationError("Cannot be in the future.")
        if timezone.now() - value > OLDEST_RECEIVED:
            raise serializers.ValidationError("More than 7 days ago: no call that old is still open.")
        return value

    def validate(self, data):
        if ("lat" in data) != ("lon" in data):
            raise serializers.ValidationError({"lat": ["Give lat and lon together."]})
        if data.get("address") and data.get("intersection"):
            raise serializers.ValidationError({"address": ["Give an address or an intersection, not both."]})
        if not (data.get("address") or data.get("intersection") or "lat" in data):
            raise serializers.ValidationError(
                {"location": ["Give an address, an intersection, or lat and lon."]})
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
        return possible_duplicates(call, calls=self.context.get("calls"))


def possible_duplicates(call: Call, *, calls=None) -> list[dict]:
    return DuplicateCandidateSerializer(likely_duplicates_of(call, calls=calls), many=True).data


def duplicates_answer(place: Place, call_type: CallType, candidates: list[Candidate]) -> dict:
    location = {"address": place.address, "lat": place.lat, "lon": place.lon, "beat": place.beat,
                "verified": place.verified}
    return DuplicatesSerializer(
        {"location": location, "call_type": call_type, "candidates": candidates}
    ).data


class CallDuplicatesMixin:
    """The call viewset's duplicate look-ups (center staff only: they list every nearby call)."""

    @extend_schema(responses={200: DuplicatesSerializer}, operation_id="calls_duplicates_retrieve")
    @action(detail=True, methods=["get"], url_path="duplicates", url_name="duplicates",
            permission_classes=[IsCenterStaff])
    def duplicates(self, request, pk=None):
        """Open calls this call may duplicate, best first: received within its type's window before
        it and within its type's radius; same common type first, then nearest. Empty for a
        closed or already linked call."""
        call: Call = self.get_object()
        candidates = likely_duplicates_of(call, calls=calls_visible_to(request.user))
        place = Place.recorded(address=call.address, lat=call.lat, lon=call.lon, beat=call.beat,
                               verified=call.location_verified)
        return Response(duplicates_answer(place, call.call_type, candidates))

    @extend_schema(parameters=[DuplicateQuerySerializer], responses={200: DuplicatesSerializer},
                   operation_id="calls_duplicates_ask")
    @action(detail=False, methods=["get"], url_path="duplicates", url_name="duplicates-ask",
            permission_classes=[IsCenterStaff])
    def duplicates_ask(self, request):
        """Before saving: open calls a new call of `call_type` at `address`, `intersection` or
        `lat`/`lon` may duplicate. The location is resolved as call entry resolves it."""
        query = DuplicateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        call_type = query.validated_data["call_type"]
        place = place_for_location(query.location())
        candidates = likely_duplicates(
            lat=place.lat, lon=place.lon, call_type=call_type,
            received_at=query.validated_data.get("received_at"), calls=calls_visible_to(request.user),
        )
        return Response(duplicates_answer(place, call_type, candidates))
