"""Likely duplicates in the API: for an existing call, and for a call not yet saved."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from cad.permissions import IsCenterStaff
from calls.api.serializers.duplicates import DuplicateQuerySerializer, DuplicatesSerializer, duplicates_answer
from calls.models import Call
from calls.selectors import call_place, calls_visible_to
from calls.selectors.duplicates import likely_duplicates, likely_duplicates_of
from premises.selectors import place_for_location


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
        return Response(duplicates_answer(call_place(call), call.call_type, candidates))

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
