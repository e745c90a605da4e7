import django_filters

from units.choices import UnitStatus
from units.models import Unit


class UnitFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=UnitStatus.choices)
    agency = django_filters.CharFilter(field_name="agency__code", lookup_expr="iexact")
    discipline = django_filters.CharFilter(field_name="discipline__code", lookup_expr="iexact")

    class Meta:
        model = Unit
        fields = ["status", "agency", "discipline", "unit_type"]
