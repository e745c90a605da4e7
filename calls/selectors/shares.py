"""Partner agencies and the calls shared with them: the open shares of a call, whom it is relayed
to, which partners a call may be shared with, and which units of an agency are on a call."""

from django.db.models import QuerySet

from cad.models import Agency
from calls.models import Assignment, Call, CallShare


def open_shares(call: Call) -> list[CallShare]:
    """The call's open shares and relays (with their agencies), oldest first; read once with the
    call when calls_visible_to prefetched them."""
    prefetched = getattr(call, "open_shares", None)
    if prefetched is not None:
        return prefetched
    return list(CallShare.objects.filter(call=call, ended_at__isnull=True)
                .select_related("agency").order_by("shared_at", "pk"))


def open_shares_queryset() -> QuerySet[CallShare]:
    """What open_shares reads, for a prefetch (to_attr "open_shares")."""
    return (CallShare.objects.filter(ended_at__isnull=True).select_related("agency")
            .order_by("shared_at", "pk"))


def open_share(call: Call | int, agency: Agency) -> CallShare | None:
    """The call's open share with `agency`, if there is one."""
    call_id = call.pk if isinstance(call, Call) else call
    return CallShare.objects.filter(call_id=call_id, agency=agency, ended_at__isnull=True).first()


def partner_agencies() -> QuerySet[Agency]:
    """The agencies a call may be shared with or relayed to: the partners (neither the center nor
    an agency it dispatches)."""
    return Agency.objects.filter(kind=Agency.Kind.PARTNER).prefetch_related("disciplines").order_by("code")


def agency_units_on_call(call: Call | int, agency: Agency) -> list[str]:
    """The callsigns of `agency`'s units on the call now (open assignments)."""
    call_id = call.pk if isinstance(call, Call) else call
    return list(Assignment.objects.filter(call_id=call_id, unit__agency=agency, cleared_at__isnull=True)
                .order_by("unit__callsign").values_list("unit__callsign", flat=True))
