import django_filters
from django.db.models import QuerySet

from cad.filters import CodeFilter, IsoDateTimeFilter
from calls.choices import ACTIVE_STATUSES, OPEN_STATUSES, CallStatus
from calls.models import Call, CallType
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
