"""Deliveries as a partner and the center's staff read them."""

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from calls.webhooks.models import WebhookDelivery


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One event posted to one subscription: its state, how often it was tried and what the partner
    answered last. `payload` is the body that was signed and sent."""

    subscription = serializers.IntegerField(source="subscription_id", read_only=True)
    url = serializers.URLField(source="subscription.url", read_only=True)
    call = serializers.IntegerField(source="call_id", allow_null=True, read_only=True)
    webhook_id = serializers.CharField(read_only=True, help_text="The webhook-id header: the same on every "
                                                                 "attempt and resend")
    payload = serializers.SerializerMethodField()

    class Meta:
        model = WebhookDelivery
        fields = ["id", "subscription", "url", "event", "seq", "call", "webhook_id", "status", "attempts",
                  "next_attempt_at", "last_attempt_at", "last_status", "last_error", "created_at",
                  "delivered_at", "resent_at", "payload"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_payload(self, delivery: WebhookDelivery) -> dict:
        return json.loads(delivery.payload)
