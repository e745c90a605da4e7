"""Alerts (goal and officer-safety timers) and the status-check answer, for the center's staff."""

from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from calls import alerts
from calls.api.serializers import AlertSerializer
from calls.models import Alert
from units.api.serializers import UnitSerializer
from units.selectors import units_visible_to

CONFLICT = OpenApiResponse(description='{"detail": …}: already acknowledged')


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Timers that ran out: calls past their goals, units overdue for a status check.

    Open (unacknowledged) alerts by default, oldest first; `?state=all` for the last 24 hours'.
    """

    serializer_class = AlertSerializer
    pagination_class = None

    def get_queryset(self):
        if self.action == "list" and self.request.query_params.get("state") == "all":
            return Alert.objects.filter(raised_at__gte=timezone.now() - timedelta(hours=24)).select_related(
                "call", "unit", "acknowledged_by").order_by("-raised_at", "-pk")
        if self.action == "list":
            return alerts.open_alerts()
        return Alert.objects.select_related("call", "unit", "acknowledged_by")

    @extend_schema(parameters=[OpenApiParameter("state", enum=["open", "all"], required=False)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: AlertSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Seen and being handled: it leaves every console and the board; the chronology says who."""
        alert = alerts.alert_acknowledge(alert=self.get_object(), by=request.user)
        return Response(AlertSerializer(alert).data)


class UnitCheckView(GenericAPIView):
    """The unit answered its officer-safety status check: its check clock starts again."""

    serializer_class = UnitSerializer

    @extend_schema(request=None, responses={200: UnitSerializer}, operation_id="units_check_create")
    def post(self, request, callsign: str):
        unit = get_object_or_404(units_visible_to(request.user), callsign=callsign.upper())
        alerts.unit_check(unit=unit, by=request.user)
        return Response(UnitSerializer(units_visible_to(request.user).get(pk=unit.pk)).data)
