from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from cad.admin import ReadOnlyAdmin, to_the_second
from premises.geo import geometry_problem
from premises.models import (
    Address,
    AlarmPermit,
    Beat,
    CommonPlace,
    CommonPlaceAlias,
    Intersection,
    PremiseFlag,
    PremiseFlagRead,
    Street,
    StreetSegment,
)
from premises.normalize import normalize
from premises.services import (
    address_upsert,
    alarm_permit_save,
    common_place_save,
    intersections_rebuild,
    premise_flag_approve,
    premise_flag_read_record,
    premise_flag_save,
)


class BeatForm(forms.ModelForm):
    class Meta:
        model = Beat
        fields = ("code", "name", "boundary")

    def clean_boundary(self) -> dict | None:
        boundary = self.cleaned_data.get("boundary")
        if boundary:
            problem = geometry_problem(boundary)
            if problem:
                raise forms.ValidationError(f"Not a GeoJSON Polygon or MultiPolygon: {problem}.")
        return boundary or None


@admin.register(Beat)
class BeatAdmin(admin.ModelAdmin):
    form = BeatForm
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
    fields = ("from_number", "to_number", "start_lat", "start_lon", "end_lat", "end_lon", "derived")
    readonly_fields = ("derived",)


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
                    "end_lon", "derived")
    list_filter = ("derived",)
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


class CommonPlaceAliasInline(admin.TabularInline):
    model = CommonPlaceAlias
    extra = 1
    fields = ("name",)


class CommonPlaceForm(forms.ModelForm):
    class Meta:
        model = CommonPlace
        fields = ("name", "address", "lat", "lon")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lat", "lon"):
            if name not in self.fields:
                continue  # read-only for this reader
            self.fields[name].required = False
            self.fields[name].help_text = "Taken from the address when one is given"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("address") and (cleaned.get("lat") is None or cleaned.get("lon") is None):
            raise forms.ValidationError("Give an address, or lat and lon.")
        key = normalize(cleaned.get("name") or "")
        if CommonPlace.objects.filter(key=key).exclude(pk=self.instance.pk).exists():
            self.add_error("name", "A common place already has this name.")
        return cleaned


@admin.register(CommonPlace)
class CommonPlaceAdmin(admin.ModelAdmin):
    """Names callers use for a place ("CITY HALL"); saved through common_place_save."""

    form = CommonPlaceForm
    list_display = ("name", "address", "beat", "alias_names")
    search_fields = ("name", "key", "aliases__key", "address__label")
    list_filter = ("beat",)
    list_select_related = ("address", "beat")
    autocomplete_fields = ("address",)
    fields = ("name", "address", "lat", "lon", "beat")
    readonly_fields = ("beat",)
    inlines = [CommonPlaceAliasInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="aliases")
    def alias_names(self, place: CommonPlace) -> str:
        return ", ".join(a.name for a in place.aliases.all())

    def save_model(self, request: HttpRequest, obj: CommonPlace, form, change: bool) -> None:
        common_place_save(place=obj)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        for alias in formset.save(commit=False):
            alias.name = " ".join(alias.name.upper().split())
            alias.key = normalize(alias.name)
            alias.save()
        for alias in formset.deleted_objects:
            alias.delete()


@admin.register(CommonPlaceAlias)
class CommonPlaceAliasAdmin(admin.ModelAdmin):
    list_display = ("name", "place")
    search_fields = ("name", "key", "place__name")
    list_select_related = ("place",)
    autocomplete_fields = ("place",)
    fields = ("name", "place")

    def save_model(self, request: HttpRequest, obj: CommonPlaceAlias, form, change: bool) -> None:
        obj.name = " ".join(obj.name.upper().split())
        obj.key = normalize(obj.name)
        obj.save()


class FlagStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("awaiting", "Awaiting approval"), ("expired", "Expired")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        now = timezone.now()
        if self.value() == "active":
            return queryset.active(now)
        if self.value() == "awaiting":
            return queryset.awaiting_approval(now)
        if self.value() == "expired":
            return queryset.expired(now)
        return queryset


class PremiseFlagForm(forms.ModelForm):
    class Meta:
        model = PremiseFlag
        fields = ("kind", "text", "address", "lat", "lon", "radius_m", "expires_at", "confidential",
                  "requires_approval")

    def clean(self):
        cleaned = super().clean()
        point = [cleaned.get(name) for name in ("lat", "lon", "radius_m")]
        if not cleaned.get("address") and None in point:
            raise forms.ValidationError("Give an address, or a point (lat, lon) and a radius.")
        return cleaned


@admin.register(PremiseFlag)
class PremiseFlagAdmin(admin.ModelAdmin):
    """Kept by records clerks; flags that need approval reach calls once a supervisor approves.
    Confidential text never shows in the list, and opening one is recorded as a read."""

    form = PremiseFlagForm
    list_display = ("kind", "where", "shown_text", "confidential", "state", "expires_at", "created_by",
                    "created_at")
    list_filter = (FlagStateFilter, "kind", "confidential", "requires_approval")
    search_fields = ("address__label",)
    list_select_related = ("address", "created_by", "approved_by")
    autocomplete_fields = ("address",)
    readonly_fields = ("approved_by", "approved_at", "created_by", "created_at", "updated_at")
    actions = ["approve_flags"]
    fieldsets = [
        (None, {"fields": ("kind", "text", "confidential")}),
        ("Where", {"fields": ("address", "lat", "lon", "radius_m"),
                   "description": "An address, or a point and the radius around it"}),
        ("Validity", {"fields": ("expires_at", "requires_approval", "approved_by", "approved_at")}),
        ("Record", {"fields": ("created_by", "created_at", "updated_at")}),
    ]

    @admin.display(description="text")
    def shown_text(self, flag: PremiseFlag) -> str:
        if flag.confidential:
            return "(confidential)"
        return flag.text if len(flag.text) <= 80 else flag.text[:79] + "…"

    @admin.display(description="state")
    def state(self, flag: PremiseFlag) -> str:
        return flag.state(timezone.now())

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("premises.approve_premiseflag")

    def get_readonly_fields(self, request: HttpRequest, obj: PremiseFlag | None = None):
        if obj is not None and obj.requires_approval and not self.has_approve_permission(request):
            # Unticking it would put an unapproved flag live: a supervisor's decision.
            return (*self.readonly_fields, "requires_approval")
        return self.readonly_fields

    @admin.action(description="Approve selected flags", permissions=["approve"])
    def approve_flags(self, request: HttpRequest, queryset: QuerySet) -> None:
        approved = sum(premise_flag_approve(flag=flag, by=request.user) for flag in queryset)
        self.message_user(request, f"Approved {approved} flag{'s' if approved != 1 else ''}.",
                          messages.SUCCESS)

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            flag = self.get_object(request, object_id)
            if flag is not None and self.has_view_or_change_permission(request, flag):
                premise_flag_read_record(flag=flag, by=request.user, context="admin")
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: PremiseFlag, form, change: bool) -> None:
        premise_flag_save(flag=obj, by=request.user, changed=form.changed_data)


read_at = to_the_second("at", "read at")


@admin.register(PremiseFlagRead)
class PremiseFlagReadAdmin(ReadOnlyAdmin):
    """Who read which confidential flag: appended by the services, never changed."""

    list_display = (read_at, "by", "flag", "call_number", "context")
    list_filter = ("context",)
    search_fields = ("by__username", "call_number", "flag__address__label")
    list_select_related = ("by", "flag", "flag__address")


class PermitStandingFilter(admin.SimpleListFilter):
    title = "valid today"
    parameter_name = "valid"

    def lookups(self, request, model_admin):
        return [("yes", "Valid today"), ("expired", "Expired")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.filter(status="active", issued_on__lte=today, expires_on__gte=today)
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        return queryset


@admin.register(AlarmPermit)
class AlarmPermitAdmin(admin.ModelAdmin):
    list_display = ("number", "holder_name", "site", "occupancy", "status", "standing_today",
                    "issued_on", "expires_on", "alarm_company")
    list_filter = ("status", PermitStandingFilter, ("suspension_flagged_on", admin.EmptyFieldListFilter),
                   "occupancy")
    search_fields = ("number", "holder_name", "site_address__label", "site_text", "alarm_company")
    list_select_related = ("site_address",)
    autocomplete_fields = ("site_address",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = [
        (None, {"fields": ("number", "status", "suspension_flagged_on", "occupancy", "issued_on",
                           "expires_on")}),
        ("Holder", {"fields": ("holder_name", "holder_mailing_address", "holder_email", "mail_returned_on")}),
        ("Alarm site", {"fields": ("site_address", "site_text", "site_lat", "site_lon"),
                        "description": "An address in the street file, or the site as written and its "
                                       "point"}),
        ("Alarm company", {"fields": ("alarm_company", "company_contact", "company_phone")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    ]

    @admin.display(description="today")
    def standing_today(self, permit: AlarmPermit) -> str:
        return permit.standing(timezone.localdate())

    def save_model(self, request: HttpRequest, obj: AlarmPermit, form, change: bool) -> None:
        alarm_permit_save(permit=obj)
