import django_filters

from cad.filters import IsoDateTimeFilter
from records.models import AuditEntry


class AuditEntryFilterSet(django_filters.FilterSet):
    user = django_filters.CharFilter(field_name="username", help_text="A username, e.g. dispatcher1")
    action = django_filters.CharFilter(field_name="action", help_text="e.g. call.create, login.failure")
    object = django_filters.CharFilter(field_name="object",
                                       help_text="What the entry is about, e.g. call:123")
    since = IsoDateTimeFilter(field_name="at", lookup_expr="gte", help_text="Entries at or after this time")
    until = IsoDateTimeFilter(field_name="at", lookup_expr="lt", help_text="Entries before this time")

    class Meta:
        model = AuditEntry
        fields = ["user", "action", "object", "since", "until"]
