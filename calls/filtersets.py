import django_filters
from django.db.models import QuerySet

from cad.filters import CodeFilter, IsoDateTimeFilter
from cad.models import Agency
from calls.choices import ACTIVE_STATUSES, OPEN_STATUSES, CallStatus, MutualAidState
from calls.models import Call, CallType, MutualAidRequest
from premises.models import Beat
from units.models import Unit

STATUS_GROUPS = {
    "open": OPEN_STATUSES,
    "active": ACTIVE_STATUSES,
}


class CallFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        method="filter_status",
        choices=[("open", "Open (not closed)"), ("active", "Active (units assigned or worked)"),
                 *CallStatus.choices],
        help_text="pending, active (dispatched, en route, on scene, cleared), closed, open, or one status",
    )
    since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Calls changed at or after this time"
    )
    received_after = IsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = IsoDateTimeFilter(field_name="received_at", lookup_expr="lt")
    call_type = CodeFilter(field_name="call_type", queryset=CallType.objects.all(),
                           listing="/api/v1/call-types/", help_text="A call type's code, e.g. ROBBERY")
    beat = CodeFilter(field_name="beat", queryset=Beat.objects.all(), listing="/api/v1/beats/",
                      help_text="A beat's code")
    number = django_filters.CharFilter(field_name="number")
    unit = CodeFilter(field_name="assignments__unit", queryset=Unit.objects.all(), key="callsign",
                      listing="/api/v1/units/", distinct=True,
                      help_text="A unit's callsign: the calls it was sent to")

    class Meta:
        model = Call
        fields = ["status", "since", "priority", "call_type", "beat", "number", "unit"]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(status__in=STATUS_GROUPS.get(value, {value}))


class MutualAidFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=MutualAidState.choices,
                                        help_text="pending, accepted, declined or cancelled")
    call = django_filters.NumberFilter(field_name="call_id", min_value=1, max_value=10**18,
                                       help_text="A call's id: its requests")
    agency = CodeFilter(field_name="agency", queryset=Agency.objects.all(),
                        listing="/api/v1/mutual-aid/partners/", help_text="The agency asked, e.g. NFPD")
    since = IsoDateTimeFilter(field_name="requested_at", lookup_expr="gte",
                              help_text="Requests made at or after this time")

    class Meta:
        model = MutualAidRequest
        fields = ["state", "call", "agency", "since"]
