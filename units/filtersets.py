import django_filters

from cad.filters import CodeFilter
from cad.models import Agency, Discipline
from units.choices import UnitStatus
from units.models import Unit


class UnitFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=UnitStatus.choices)
    agency = CodeFilter(field_name="agency", queryset=Agency.objects.all(),
                        listing="an agency's code, e.g. CPD", help_text="An agency's code, e.g. CPD")
    discipline = CodeFilter(field_name="discipline", queryset=Discipline.objects.all(),
                            listing="a discipline's code, e.g. police",
                            help_text="A discipline's code, e.g. fire")

    class Meta:
        model = Unit
        fields = ["status", "agency", "discipline", "unit_type"]
