import django_filters

from cad.events import EventName
from calls.webhooks.models import WebhookDelivery


class WebhookDeliveryFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=WebhookDelivery.Status.choices)
    subscription = django_filters.NumberFilter(field_name="subscription_id", help_text="A subscription's id")
    event = django_filters.ChoiceFilter(choices=[(str(name), str(name)) for name in EventName],
                                        help_text="An event's name, e.g. call.updated")
    seq = django_filters.NumberFilter(help_text="An event's seq on the live stream")

    class Meta:
        model = WebhookDelivery
        fields = ["status", "subscription", "event", "seq"]
