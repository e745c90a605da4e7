from dataclasses import fields

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from cad import roles
from cad.permissions import IsCenterStaff
from premises.api.serializers import BEATS_SCHEMA, PlaceMatchSerializer, PlaceQuerySerializer
from premises.models import Beat
from premises.places import PlaceKind
from premises.selectors import (
    alarm_permits_for_places,
    place_resolve,
    place_search,
    premise_flags_for_places,
)


class AddressLookupView(APIView):
    """Address, intersection and common-place lookup for call entry: `?q=123 MAIN`, `?q=MAIN / 3RD`,
    `?q=CITY HALL`; with `&exact=true` only the place a call saved there gets. Each match carries
    its active premise flags and alarm permit; a misspelled street gets `suggestion` matches.
    Confidential flags are listed without their text: type-ahead runs on every keystroke, and the
    text is read on the call, where each read is recorded."""

    @extend_schema(parameters=[PlaceQuerySerializer], responses={200: PlaceMatchSerializer(many=True)})
    def get(self, request):
        query = PlaceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        text = query.validated_data["q"]
        if query.validated_data["exact"]:
            place = place_resolve(text)
            places = [place] if place is not None else []
        else:
            places = place_search(text, limit=query.validated_data["limit"])
        now = timezone.now()
        found = [p for p in places if p.kind != PlaceKind.SUGGESTION]
        flags = iter(premise_flags_for_places(found, at=now))
        permits = iter(alarm_permits_for_places(found, on=timezone.localdate(now)))
        confidential = roles.may_read_confidential(request.user)
        matches = []
        for place in places:
            suggestion = place.kind == PlaceKind.SUGGESTION
            place_flags, permit = ([], None) if suggestion else (next(flags), next(permits))
            place_flags = [f for f in place_flags if confidential or not f.confidential]
            match = {f.name: getattr(place, f.name) for f in fields(place)}
            matches.append({**match, "premise_flags": place_flags, "alarm_permit": permit})
        serializer = PlaceMatchSerializer(matches, many=True, context={"today": timezone.localdate(now)})
        return Response(serializer.data)


class BeatsView(APIView):
    """Every beat with its boundary, as a GeoJSON FeatureCollection (the console's map draws them).
    For the center's staff."""

    permission_classes = [IsCenterStaff]

    @extend_schema(responses={200: BEATS_SCHEMA})
    def get(self, request):
        features = [
            {"type": "Feature", "id": beat.code, "geometry": beat.boundary,
             "properties": {"code": beat.code, "name": beat.name}}
            for beat in Beat.objects.order_by("code")
        ]
        return Response({"type": "FeatureCollection", "features": features})
