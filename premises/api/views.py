from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from premises.api.serializers import PlaceQuerySerializer, PlaceSerializer
from premises.selectors import place_search


class AddressLookupView(APIView):
    """Address and intersection lookup for call entry: `?q=123 MAIN` or `?q=MAIN / 3RD`."""

    @extend_schema(parameters=[PlaceQuerySerializer], responses={200: PlaceSerializer(many=True)})
    def get(self, request):
        query = PlaceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        places = place_search(query.validated_data["q"], limit=query.validated_data["limit"])
        return Response(PlaceSerializer(places, many=True).data)
