from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from cad.admin import ReadOnlyAdmin
from premises.models import Address, Beat, Intersection, Street, StreetSegment
from premises.normalize import normalize
from premises.services import address_upsert, intersections_rebuild


@admin.register(Beat)
class BeatAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "has_boundary")
    search_fields = ("code", "name")

    @admin.display(boolean=True, description="boundary")
    def has_boundary(self, beat: Beat) -> bool:
        return bool(beat.boundary)


class StreetForm(forms.ModelForm):
    class Meta:
        model = Street
        fields = ("name", "city")

    def clean_name(self) -> str:
        # Lookups match the normalized spelling, so the street file must be kept in it.
        return normalize(self.cleaned_data["name"])


class StreetSegmentInline(admin.TabularInline):
    model = StreetSegment
    extra = 0
    fields = ("from_number", "to_number", "start_lat", "start_lon", "end_lat", "end_lon")


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    form = StreetForm
    list_display = ("name", "city", "segment_count")
    search_fields = ("name",)
    inlines = [StreetSegmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(segment_count=Count("segments"))

    @admin.display(description="blocks", ordering="segment_count")
    def segment_count(self, street: Street) -> int:
        return street.segment_count

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Intersections are derived from where segments meet.
        if any(formset.has_changed() for formset in formsets):
            intersections_rebuild()


@admin.register(StreetSegment)
class StreetSegmentAdmin(admin.ModelAdmin):
    list_display = ("street", "from_number", "to_number", "start_lat", "start_lon", "end_lat",
                    "end_lon")
    search_fields = ("street__name",)
    list_select_related = ("street",)
    autocomplete_fields = ("street",)

    def save_model(self, request: HttpRequest, obj: StreetSegment, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        intersections_rebuild()

    def delete_model(self, request: HttpRequest, obj: StreetSegment) -> None:
        super().delete_model(request, obj)
        intersections_rebuild()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        intersections_rebuild()


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    """Saved through address_upsert, which derives the label and the beat from the point."""

    list_display = ("label", "street", "number", "unit", "city", "postcode", "beat")
    list_filter = ("beat",)
    search_fields = ("label",)
    list_select_related = ("street", "beat")
    autocomplete_fields = ("street",)
    fields = ("number", "street", "unit", "label", "city", "postcode", "lat", "lon", "beat")
    readonly_fields = ("label", "beat")

    def get_readonly_fields(self, request: HttpRequest, obj: Address | None = None):
        if obj is not None:
            # Street, number and unit are what the address is; a different one is a new address.
            return ("number", "street", "unit", *self.readonly_fields)
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Address, form, change: bool) -> None:
        saved = address_upsert(
            number=obj.number, street=obj.street, unit=obj.unit, lat=obj.lat, lon=obj.lon,
            city=obj.city, postcode=obj.postcode,
        )
        obj.pk, obj.label, obj.beat = saved.pk, saved.label, saved.beat
        obj._state.adding = False


@admin.register(Intersection)
class IntersectionAdmin(ReadOnlyAdmin):
    """Derived from the street segments by intersections_rebuild, which would undo a hand edit."""

    list_display = ("label", "street_a", "street_b", "beat", "lat", "lon")
    list_filter = ("beat",)
    search_fields = ("street_a__name", "street_b__name")
    list_select_related = ("street_a", "street_b", "beat")
