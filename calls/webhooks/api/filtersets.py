import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from cad.events import EventName
from calls.webhooks.models import WebhookDelivery

BIGGEST_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGGEST_ID})
class WholeNumberFilter(django_filters.NumberFilter):
    """An id or a seq: a whole number from 1; anything else (1.5, a number no id reaches) is a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=BIGGEST_ID, **kwargs)


class WebhookDeliveryFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=WebhookDelivery.Status.choices)
    subscription = WholeNumberFilter(field_name="subscription", help_text="A subscription's id")
    event = django_filters.ChoiceFilter(choices=[(str(name), str(name)) for name in EventName],
                                        help_text="An event's name, e.g. call.updated")
    seq = WholeNumberFilter(help_text="An event's seq on the live stream")

    class Meta:
        model = WebhookDelivery
        fields = ["status", "subscription", "event", "seq"]
