"""Reading mutual-aid requests: who may see which, and what a partner can be asked for.

A partner sees the requests put to its agency, each with what it needs to decide (the call's type,
priority, place and beat), even before it may see the call itself (calls_shared_with); once it
accepts, its units are on the call and that rule shows it the call.
"""

from collections import Counter

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from cad import roles
from cad.models import Agency
from calls.choices import CallStatus
from calls.models import MutualAidRequest, ResponsePlanLine
from units.choices import UnitStatus
from units.models import Unit


def mutual_aid_visible_to(user: AbstractBaseUser) -> QuerySet[MutualAidRequest]:
    """Center staff see every request; a partner's program sees those put to its agency."""
    requests = MutualAidRequest.objects.select_related(
        "call__call_type", "call__beat", "agency", "requested_by", "answered_by", "cancelled_by",
    ).prefetch_related("units")
    agency = roles.scoped_agency(user)
    if agency is not None:
        return requests.filter(agency=agency)
    if roles.is_center_staff(user):
        return requests
    return requests.none()


def mutual_aid_open_visible_to(user: AbstractBaseUser) -> QuerySet[MutualAidRequest]:
    """What a console's snapshot carries: the requests on calls not yet closed (pending, and the
    answers the call's detail still shows), oldest first."""
    return mutual_aid_visible_to(user).exclude(call__status=CallStatus.CLOSED).order_by("requested_at", "pk")


def capabilities_known() -> set[str]:
    """Every capability a unit has or a response plan asks for: what a request may name."""
    known = set(ResponsePlanLine.objects.values_list("capability", flat=True).distinct())
    for capabilities in Unit.objects.values_list("capabilities", flat=True):
        known.update(capabilities or ())
    return known


def agency_capabilities(agency: Agency) -> set[str]:
    """What the agency's units can do, whatever their status now."""
    found: set[str] = set()
    for capabilities in Unit.objects.filter(agency=agency).values_list("capabilities", flat=True):
        found.update(capabilities or ())
    return found


def mutual_aid_partners() -> list[dict]:
    """Each partner agency that may be asked, with every capability its units have: how many units
    have it and how many of those are available now (the console's request form offers these)."""
    units: dict[int, Counter] = {}
    available: dict[int, Counter] = {}
    for agency_id, capabilities, status in Unit.objects.filter(agency__kind=Agency.Kind.PARTNER).values_list(
            "agency_id", "capabilities", "status"):
        for capability in capabilities or ():
            units.setdefault(agency_id, Counter())[capability] += 1
            if status == UnitStatus.AVAILABLE:
                available.setdefault(agency_id, Counter())[capability] += 1
    return [
        {"agency": agency.code, "name": agency.name, "capabilities": [
            {"capability": capability, "units": count,
             "available": available.get(agency.pk, Counter())[capability]}
            for capability, count in sorted(units.get(agency.pk, Counter()).items())]}
        for agency in Agency.objects.filter(kind=Agency.Kind.PARTNER).order_by("code")
    ]
