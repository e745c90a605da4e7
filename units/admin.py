import re

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from cad.admin import ReadOnlyAdmin, SupervisorsOnly, timestamp, to_the_second
from units.models import FieldAction, Officer, Shift, Station, Unit, UnitStatusChange
from units.services import station_save, stations_delete, unit_add, unit_describe

RECENT_STATUS_CHANGES = 10
CALLSIGN = re.compile(r"[A-Z0-9-]{1,16}")
status_since = to_the_second("status_since", "status since")
location_at = to_the_second("location_at", "location at")
at = to_the_second("at")


@admin.display(description="current call", ordering="current_call_number")
def current_call(unit: Unit) -> str:
    if not unit.current_call_id:
        return "-"
    return format_html('<a href="{}">{}</a>', reverse("admin:calls_call_change", args=[unit.current_call_id]),
                       unit.current_call_number)


# Set only by the dispatch and status services, never by hand.
SERVICE_FIELDS = ("status", status_since, current_call, "last_lat", "last_lon", location_at)


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["callsign", "agency", "unit_type", "discipline", "capabilities", "home_beat", "station"]

    def clean_callsign(self) -> str:
        # Dispatchers type callsigns in any case; the file keeps them in one, in the API's alphabet.
        callsign = self.cleaned_data["callsign"].strip().upper()
        if not CALLSIGN.fullmatch(callsign):
            raise forms.ValidationError("Use letters, digits and hyphens only, e.g. 1A12 or K9-1.")
        return callsign


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitForm
    list_display = (
        "callsign", "agency", "unit_type", "discipline", "status", status_since, current_call,
        "home_beat",
    )
    list_filter = ("agency", "discipline", "status", "unit_type")
    search_fields = ("callsign", "station__name")
    list_select_related = ("agency", "discipline", "home_beat")
    fieldsets = [
        (None, {"fields": (
            "callsign", "agency", "unit_type", "discipline", "capabilities", "home_beat", "station",
        )}),
        ("Status: changed only by dispatching and status updates", {"fields": (
            *SERVICE_FIELDS, "status_history",
        )}),
    ]
    readonly_fields = (*SERVICE_FIELDS, "status_history")

    def get_fieldsets(self, request: HttpRequest, obj: Unit | None = None):
        # A new unit starts available; it has no status to show yet.
        return self.fieldsets if obj is not None else self.fieldsets[:1]

    def get_readonly_fields(self, request: HttpRequest, obj: Unit | None = None):
        if obj is not None:
            # The callsign names the unit in every chronology line already written.
            return ("callsign", *self.readonly_fields)
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Unit, form, change: bool) -> None:
        # Through the services, so every open console shows the unit as it now is.
        if change:
            unit_describe(unit=obj, changed=form.changed_data, by=request.user)
        else:
            unit_add(unit=obj, by=request.user)

    @admin.display(description="status history")
    def status_history(self, unit: Unit) -> str:
        if unit.pk is None:
            return "-"
        changes = list(unit.status_history.select_related("by")[:RECENT_STATUS_CHANGES])
        url = reverse("admin:units_unitstatuschange_changelist") + f"?unit__id__exact={unit.pk}"
        link = format_html('<a href="{}">All status changes of {}</a>', url, unit.callsign)
        if not changes:
            return format_html("No status changes yet. {}", link)
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    timestamp(c.at),
                    c.get_from_status_display(), c.get_to_status_display(),
                    c.call_number or "", c.by or "",
                )
                for c in changes
            ),
        )
        return format_html(
            "<table><thead><tr><th>at</th><th>status</th><th>call</th><th>by</th></tr></thead>"
            "<tbody>{}</tbody></table>{}",
            rows, link,
        )


@admin.register(UnitStatusChange)
class UnitStatusChangeAdmin(ReadOnlyAdmin):
    list_display = (at, "unit", "from_status", "to_status", "call_number", "by")
    fields = ("unit", "from_status", "to_status", at, "call_number", "by")
    readonly_fields = (at,)
    list_filter = ("to_status", "from_status", "at", "unit__agency")
    search_fields = ("=unit__callsign", "call_number")
    search_help_text = "Unit callsign or call number"
    date_hierarchy = "at"
    list_select_related = ("unit", "by")
    show_full_result_count = False


started_at = to_the_second("started_at", "signed on")
ended_at = to_the_second("ended_at", "signed off")


@admin.register(Shift)
class ShiftAdmin(SupervisorsOnly, ReadOnlyAdmin):
    """The roster's history: who was signed on to which unit, when (signing on and off are the unit
    terminal's; nothing here changes it)."""

    list_display = ("unit", "user", started_at, ended_at, "started_by", "ended_by")
    fields = ("unit", "user", started_at, "started_by", ended_at, "ended_by")
    readonly_fields = (started_at, ended_at)
    list_filter = ("unit__agency", "started_at", ("ended_at", admin.EmptyFieldListFilter))
    search_fields = ("=unit__callsign", "user__username")
    search_help_text = "Unit callsign or username"
    date_hierarchy = "started_at"
    list_select_related = ("unit", "user", "started_by", "ended_by")


@admin.register(FieldAction)
class FieldActionAdmin(SupervisorsOnly, ReadOnlyAdmin):
    """Changes unit terminals sent, perhaps after a dropped link: the device's time beside the
    server's, and the answer a replay of the same client id gets."""

    list_display = ("received_at", "device_at", "kind", "user", "status_code", "client_id")
    list_filter = ("kind", "received_at")
    search_fields = ("=client_id", "user__username")
    date_hierarchy = "received_at"
    list_select_related = ("user",)


@admin.register(Officer)
class OfficerAdmin(SupervisorsOnly, admin.ModelAdmin):
    """Who may sign on to which agency's units at the unit terminal."""

    list_display = ("user", "agency")
    list_filter = ("agency",)
    search_fields = ("user__username",)
    list_select_related = ("user", "agency")


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    """Stations and where they are: a unit whose last location is stale is placed at its station."""

    list_display = ("name", "agency", "lat", "lon")
    list_filter = ("agency",)
    search_fields = ("name",)

    def save_model(self, request: HttpRequest, obj: Station, form, change: bool) -> None:
        station_save(station=obj, changed=form.changed_data if change else (), by=request.user)

    def delete_model(self, request: HttpRequest, obj: Station) -> None:
        stations_delete(stations=[obj], by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        stations_delete(stations=list(queryset), by=request.user)
