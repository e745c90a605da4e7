from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from calls.api.serializers.stats import DayFiguresSerializer
from calls.selectors.stats import figures_for_day


class StatsTodayView(APIView):
    """Today's goal compliance per priority (90th percentiles) and calls per hour, for the board.

    Duplicates linked to a master call are not counted.
    """

    @extend_schema(responses={200: DayFiguresSerializer})
    def get(self, request):
        return Response(DayFiguresSerializer(figures_for_day()).data)
