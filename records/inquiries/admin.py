"""The records to query in the admin, kept by records clerks and supervisors. Each form checks
through the service's own rules (the national formats) and each save goes through the service, so
the admin enters exactly what the API and the console would; inquiries are read, never changed."""

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from cad.admin import ReadOnlyMixin, SupervisorsOnly
from cad.exceptions import Invalid
from records.inquiries import formats, services
from records.inquiries.choices import CautionCode
from records.inquiries.models import (
    Bolo,
    Inquiry,
    MissingPerson,
    Person,
    PersonIdentifier,
    Vehicle,
    Warrant,
)


class ServiceCheckedForm(forms.ModelForm):
    """A record's form whose rules are the service's: what it finds wrong shows on the field."""

    record_clean: Callable[..., None]
    record_name: str
    # Fields taken as typed and cleaned by the service (a plate with its dashes): the model's own
    # length check would refuse them before the service drops what it drops.
    cleaned_by_service: tuple[str, ...] = ()

    def _get_validation_exclusions(self) -> set[str]:
        return {*super()._get_validation_exclusions(), *self.cleaned_by_service}

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        try:
            type(self).record_clean(**{self.record_name: self.instance})
        except Invalid as error:
            problems = error.detail if isinstance(error.detail, dict) else {None: [error.detail]}
            for name, messages in problems.items():
                self.add_error(name if name in self.fields else None, messages)


class ServiceSavedAdmin(admin.ModelAdmin):
    record_save: Callable[..., object]
    record_name: str

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        type(self).record_save(**{self.record_name: obj}, by=request.user)


class PersonForm(ServiceCheckedForm):
    record_clean = staticmethod(services.person_clean)
    record_name = "person"


class PersonIdentifierForm(forms.ModelForm):
    def clean_state(self) -> str:
        state = self.cleaned_data["state"]
        return formats.state_clean(state) if state else state


@admin.register(PersonIdentifier)
class PersonIdentifierAdmin(admin.ModelAdmin):
    form = PersonIdentifierForm
    list_display = ["person", "kind", "number", "state"]
    search_fields = ["number", "person__last_name"]
    autocomplete_fields = ["person"]


class PersonIdentifierInline(admin.TabularInline):
    model = PersonIdentifier
    form = PersonIdentifierForm
    extra = 0


class WarrantForm(ServiceCheckedForm):
    record_clean = staticmethod(services.warrant_clean)
    record_name = "warrant"
    caution_codes = forms.MultipleChoiceField(choices=CautionCode.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text="Shown first wherever the warrant is a hit.")


class WarrantInline(admin.StackedInline):
    model = Warrant
    form = WarrantForm
    extra = 0
    readonly_fields = ["status_at", "status_by"]
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # warrants are entered on their own page, through the service


@admin.register(Person)
class PersonAdmin(ServiceSavedAdmin):
    form = PersonForm
    record_save = staticmethod(services.person_save)
    record_name = "person"
    list_display = ["last_name", "first_name", "middle_name", "date_of_birth", "sex"]
    search_fields = ["last_name", "first_name", "identifiers__number"]
    readonly_fields = ["entered_at", "entered_by"]
    inlines = [PersonIdentifierInline, WarrantInline]

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is Warrant:
            for warrant in formset.save(commit=False):
                services.warrant_save(warrant=warrant, by=request.user)
            return
        super().save_formset(request, form, formset, change)


@admin.register(Warrant)
class WarrantAdmin(ServiceSavedAdmin):
    form = WarrantForm
    record_save = staticmethod(services.warrant_save)
    record_name = "warrant"
    list_display = ["number", "person", "charge", "court", "issued_on", "extradition", "cautions", "status"]
    list_filter = ["status", "extradition"]
    search_fields = ["number", "person__last_name", "person__first_name", "charge"]
    autocomplete_fields = ["person"]
    readonly_fields = ["status_at", "status_by", "entered_at", "entered_by"]

    @admin.display(description="caution codes")
    def cautions(self, warrant: Warrant) -> str:
        return ", ".join(warrant.caution_codes)


class VehicleForm(ServiceCheckedForm):
    record_clean = staticmethod(services.vehicle_clean)
    record_name = "vehicle"
    cleaned_by_service = ("plate", "vin")
    # Typed as on the plate or the title, spaces and dashes and all: the service keeps them without.
    plate = forms.CharField(required=False, max_length=20, help_text="1 to 8 letters and digits")
    vin = forms.CharField(label="VIN", required=False, max_length=30,
                          help_text="17 characters, with a correct check digit")


@admin.register(Vehicle)
class VehicleAdmin(ServiceSavedAdmin):
    form = VehicleForm
    record_save = staticmethod(services.vehicle_save)
    record_name = "vehicle"
    list_display = ["plate", "plate_state", "vin", "year", "make", "model", "colour", "stolen_at",
                    "case_number", "recovered_at"]
    search_fields = ["plate", "vin", "case_number"]
    readonly_fields = ["entered_at", "entered_by"]


class MissingPersonForm(ServiceCheckedForm):
    record_clean = staticmethod(services.missing_person_clean)
    record_name = "missing_person"


@admin.register(MissingPerson)
class MissingPersonAdmin(ServiceSavedAdmin):
    form = MissingPersonForm
    record_save = staticmethod(services.missing_person_save)
    record_name = "missing_person"
    list_display = ["last_name", "first_name", "date_of_birth", "category", "missing_since", "last_seen",
                    "located_at"]
    list_filter = ["category"]
    search_fields = ["last_name", "first_name"]
    readonly_fields = ["entered_at", "entered_by"]


class BoloForm(ServiceCheckedForm):
    record_clean = staticmethod(services.bolo_clean)
    record_name = "bolo"
    cleaned_by_service = ("plate",)
    plate = forms.CharField(required=False, max_length=20, help_text="1 to 8 letters and digits, if any")


@admin.register(Bolo)
class BoloAdmin(ServiceSavedAdmin):
    form = BoloForm
    record_save = staticmethod(services.bolo_save)
    record_name = "bolo"
    list_display = ["kind", "subject", "plate", "last_name", "issued_at", "expires_at", "cancelled_at"]
    list_filter = ["kind"]
    search_fields = ["subject", "plate", "last_name"]
    readonly_fields = ["issued_by"]


@admin.register(Inquiry)
class InquiryAdmin(SupervisorsOnly, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "username", "kind", "terms", "purpose", "hit_count", "summary"]
    list_filter = ["kind", "purpose"]
    search_fields = ["username", "summary"]
    date_hierarchy = "at"
    fields = ["at", "username", "kind", "terms", "purpose", "reason", "call", "hit_count", "summary", "hits"]
    readonly_fields = fields
