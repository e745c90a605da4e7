import re

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, QuerySet

from cad import roles
from calls.choices import CallStatus
from calls.models import Assignment, Call, ChronologyEntry

NUMBER = re.compile(r"[0-9]{4}-[0-9]{1,8}")
ID = re.compile(r"[0-9]{1,18}")


def calls_visible_to(user: AbstractBaseUser) -> QuerySet[Call]:
    """Center staff see every call; another agency sees the calls its units were sent to."""
    calls = Call.objects.all()
    agency = roles.scoped_agency(user)
    if agency is not None:
        calls = calls.filter(pk__in=Assignment.objects.filter(unit__agency=agency).values("call_id"))
    elif not roles.is_center_staff(user):
        return Call.objects.none()
    return calls.select_related(
        "call_type", "priority", "beat", "disposition", "master"
    ).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(cleared_at__isnull=True).select_related("unit__agency"),
            to_attr="open_assignments",
        )
    )


def active_calls_visible_to(user: AbstractBaseUser) -> QuerySet[Call]:
    """The calls a console shows: every one not yet closed, oldest first."""
    return calls_visible_to(user).exclude(status=CallStatus.CLOSED).order_by("received_at", "pk")


def call_details_visible_to(user: AbstractBaseUser) -> QuerySet[Call]:
    return calls_visible_to(user).prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("unit__agency", "dispatched_by")),
        Prefetch("chronology", queryset=ChronologyEntry.objects.select_related("by", "unit")),
        "duplicates",
    )


def call_lookup(key: str) -> dict:
    """What `key` names: a call number (2026-000123) or an id; anything else matches nothing."""
    key = key.strip()
    if NUMBER.fullmatch(key):
        return {"number": key}
    return {"pk": int(key)} if ID.fullmatch(key) else {"pk": 0}
