"""What an EIDO of a call is built from (calls.eido.build), read in a fixed handful of queries
however many units, notes and duplicates the call has, and for many calls at once (the EIDO socket
notifies a batch)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from cad.models import Agency
from calls.eido.ids import number_of_incident
from calls.models import Assignment, Call, CallShare, ChronologyEntry


@dataclass(frozen=True)
class EidoContext:
    """What every EIDO of the moment shares: the center's own agency (None when it has not been
    set up), and each agency's disciplines by agency id."""

    center: Agency | None
    disciplines: dict[int, list[str]] = field(default_factory=dict)


def eido_context() -> EidoContext:
    through = Agency.disciplines.through
    disciplines: dict[int, list[str]] = {}
    for agency_id, code in through.objects.order_by("discipline__name").values_list(
            "agency_id", "discipline__code"):
        disciplines.setdefault(agency_id, []).append(code)
    center = Agency.objects.filter(kind=Agency.Kind.CENTER).order_by("pk").first()
    return EidoContext(center=center, disciplines=disciplines)


def eido_calls(calls: QuerySet[Call]) -> QuerySet[Call]:
    """`calls` with everything their EIDOs show: every unit sent (and its agency), the whole
    chronology, the notes that came from other centers, duplicates, and open shares."""
    return calls.select_related(
        "call_type", "beat", "disposition", "master", "sent_by",
    ).prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("unit__agency").order_by(
            "dispatched_at", "pk"), to_attr="eido_assignments"),
        # A line that came in as another center's note brings its id along (received_as).
        Prefetch("chronology", queryset=ChronologyEntry.objects.select_related("unit", "received_as")
                 .order_by("at", "pk"), to_attr="eido_chronology"),
        Prefetch("duplicates", queryset=Call.objects.only("id", "number", "sent_by_incident", "master_id")
                 .order_by("received_at", "pk"), to_attr="eido_duplicates"),
        Prefetch("shares", queryset=CallShare.objects.filter(ended_at__isnull=True).select_related("agency")
                 .order_by("shared_at", "pk"), to_attr="eido_shares"),
    )


def call_of_incident(incident_id: str, visible: QuerySet[Call]) -> Call | None:
    """The call among `visible` that an EIDO's incident is: one of ours by its number, or the one an
    earlier EIDO of that incident made. None when there is none yet; LookupError when the id is one
    of ours that is not among `visible` (a partner speaking of a call it may not see)."""
    number = number_of_incident(incident_id)
    if number is not None:
        call = visible.filter(number=number).first()
        if call is None:
            raise LookupError(incident_id)
        return call
    return visible.filter(sent_by_incident=incident_id).order_by("pk").first()
