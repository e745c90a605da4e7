"""Alerts (goal and officer-safety timers), for the center's staff."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from calls import services
from calls.api.serializers import AlertQuerySerializer, AlertSerializer, EmergencyInputSerializer
from calls.models import Alert
from calls.selectors import open_alerts, recent_alerts

CONFLICT = OpenApiResponse(description='{"detail": …}: already acknowledged')
NOT_SUPERVISOR = OpenApiResponse(description='{"detail": …}: an emergency is acknowledged by a supervisor')


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Timers that ran out: calls past their goals, units overdue for a status check.

    Open (unacknowledged) alerts by default, oldest first; `?state=all` for the last 24 hours'.
    """

    serializer_class = AlertSerializer
    pagination_class = None

    def get_queryset(self):
        if self.action == "list":
            query = AlertQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            return recent_alerts() if query.validated_data["state"] == "all" else open_alerts()
        return Alert.objects.select_related("call", "unit", "acknowledged_by")

    @extend_schema(parameters=[AlertQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: AlertSerializer, 403: NOT_SUPERVISOR, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Seen and being handled: it leaves every console and the board; the chronology says who."""
        alert = services.alert_acknowledge(alert=self.get_object(), by=request.user)
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=EmergencyInputSerializer, responses={201: AlertSerializer, 200: AlertSerializer})
    @action(detail=False, methods=["post"])
    def emergency(self, request):
        """A unit's emergency, relayed from its radio's emergency button: the highest alert, with a
        tone, on every console and the board until a supervisor acknowledges it. 201 raised; 200 the
        emergency already open for that unit (pressing again raises nothing more)."""
        body = EmergencyInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alert, raised = services.unit_emergency_raise(
            unit=body.validated_data["unit"], by=request.user, lat=body.validated_data.get("lat"),
            lon=body.validated_data.get("lon"))
        return Response(AlertSerializer(alert).data,
                        status=status.HTTP_201_CREATED if raised else status.HTTP_200_OK)
