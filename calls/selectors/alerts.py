"""Reading alerts: what the consoles and the board show until someone acknowledges it."""

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from cad import roles
from calls.models import Alert
from calls.selectors.calls import calls_shared_with

RECENT = timedelta(hours=24)


def open_alerts() -> QuerySet[Alert]:
    """Every alert nobody has acknowledged yet, oldest first."""
    return Alert.objects.filter(acknowledged_at__isnull=True).select_related(
        "call", "unit", "acknowledged_by").order_by("raised_at", "pk")


def recent_alerts() -> QuerySet[Alert]:
    """The last day's alerts, acknowledged or not, newest first."""
    return Alert.objects.filter(raised_at__gte=timezone.now() - RECENT).select_related(
        "call", "unit", "acknowledged_by").order_by("-raised_at", "-pk")


def open_alerts_visible_to(user: AbstractBaseUser) -> QuerySet[Alert]:
    """As the stream shares their events: the center's staff see every open alert; an agency's
    program those about its own units, or about the calls shared with it."""
    alerts = open_alerts()
    agency = roles.scoped_agency(user)
    if agency is not None:
        return alerts.filter(Q(unit__agency=agency) | Q(call__in=calls_shared_with(agency.code)))
    return alerts if roles.is_center_staff(user) else alerts.none()
