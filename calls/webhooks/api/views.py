"""Deliveries in the API: a partner's program lists its own and resends one; the center's staff
every one."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cad.permissions import IsAnyCenterStaffOrPartner
from calls.tasks import webhook_deliveries_enqueue
from calls.webhooks import services
from calls.webhooks.api.filtersets import WebhookDeliveryFilterSet
from calls.webhooks.api.serializers import WebhookDeliverySerializer
from calls.webhooks.selectors import deliveries_visible_to

BEING_SENT = OpenApiResponse(description='{"detail": …}: it is being sent at this moment')


class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Webhook deliveries, newest event first: a partner's token sees its own subscriptions'
    deliveries, the center's staff every one."""

    serializer_class = WebhookDeliverySerializer
    filterset_class = WebhookDeliveryFilterSet
    permission_classes = [IsAnyCenterStaffOrPartner]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return deliveries_visible_to(self.request.user)

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer, 409: BEING_SENT})
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        """Send it again now, with the same webhook-id and body, signed afresh, and its retries anew."""
        delivery = services.webhook_delivery_resend(delivery=self.get_object(), by=request.user,
                                                    enqueue=webhook_deliveries_enqueue)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
