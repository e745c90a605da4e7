"""Reading deliveries: a partner's program sees its own subscriptions' deliveries, the center's staff
every one."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from cad import roles
from calls.webhooks.models import WebhookDelivery, WebhookSubscription


def deliveries_visible_to(user: AbstractBaseUser) -> QuerySet[WebhookDelivery]:
    deliveries = WebhookDelivery.objects.select_related("subscription")
    agency = roles.scoped_agency(user)
    if agency is not None:
        return deliveries.filter(subscription__agency=agency)
    if roles.is_center_staff(user):
        return deliveries
    return deliveries.none()


def subscriptions_active() -> bool:
    return WebhookSubscription.objects.filter(active=True).exists()
