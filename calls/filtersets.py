import django_filters
from django.db.models import QuerySet

from cad.filters import IsoDateTimeFilter
from calls.choices import ACTIVE_STATUSES, OPEN_STATUSES, CallStatus
from calls.models import Call

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
    call_type = django_filters.CharFilter(field_name="call_type__code", lookup_expr="iexact")
    beat = django_filters.CharFilter(field_name="beat__code", lookup_expr="iexact")
    number = django_filters.CharFilter(field_name="number")
    unit = django_filters.CharFilter(field_name="assignments__unit__callsign", lookup_expr="iexact",
                                     distinct=True)

    class Meta:
        model = Call
        fields = ["status", "since", "priority", "call_type", "beat", "number", "unit"]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(status__in=STATUS_GROUPS.get(value, {value}))
