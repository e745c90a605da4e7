from datetime import date, timedelta

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from cad.admin import ReadOnlyAdmin, ReadOnlyTabularInline, timestamp, to_the_second
from calls.choices import SHARE_KINDS, ChronologyKind
from calls.export import export_response, received_between
from calls.models import (
    Alert,
    AliRecord,
    Assignment,
    Call,
    Callback,
    CallNoteReceived,
    CallNumberCounter,
    CallPremiseFlag,
    CallShare,
    CallType,
    ChronologyEntry,
    Disposition,
    Message,
    MutualAidRequest,
    Priority,
    ResponsePlan,
    ResponsePlanLine,
    StatusCheckRule,
)
from calls.selectors import calls_with_phone_digits, phone_digits_typed
from calls.webhooks import admin as webhooks_admin  # noqa: F401  (registers the webhooks' pages)

received_at = to_the_second("received_at", "received")
entered_at = to_the_second("entered_at", "entered")
dispatched_at = to_the_second("dispatched_at", "dispatched")
enroute_at = to_the_second("enroute_at", "en route")
onscene_at = to_the_second("onscene_at", "on scene")
transporting_at = to_the_second("transporting_at", "transporting")
at_hospital_at = to_the_second("at_hospital_at", "at hospital")
cleared_at = to_the_second("cleared_at", "cleared")
closed_at = to_the_second("closed_at", "closed")
updated_at = to_the_second("updated_at", "last changed")
at = to_the_second("at")


class ReceivedFilter(admin.DateFieldListFilter):
    """Django's date choices, and yesterday: the day a clerk most often looks for."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        yesterday = today - timedelta(days=1)
        links = list(self.links)
        links.insert(2, ("Yesterday", {self.lookup_kwarg_since: yesterday, self.lookup_kwarg_until: today}))
        self.links = tuple(links)


class ReceivedBetweenFilter(admin.ListFilter):
    """Calls received from one day to another, both included (YYYY-MM-DD, the center's days)."""

    title = "received between"
    template = "admin/calls/received_between_filter.html"
    parameters = ("received_from", "received_to")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.values = {}
        for name in self.parameters:
            if name in params:
                value = params.pop(name)
                self.values[name] = (value[-1] if isinstance(value, list) else value).strip()
        self.other_parameters = [(name, value) for name, values in request.GET.lists()
                                 if name not in self.parameters for value in values]

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return list(self.parameters)

    def choices(self, changelist):
        return []

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        days = {}
        for name, text in self.values.items():
            try:
                days[name] = date.fromisoformat(text) if text else None
            except ValueError:
                raise IncorrectLookupParameters(f"{name}: give a date as YYYY-MM-DD.") from None
        return received_between(queryset, days.get("received_from"), days.get("received_to"))


def minutes_seconds(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds // 60}:{seconds % 60:02d}"


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = (
        "level", "name", "dispatch_goal_seconds", "dispatch_goal", "response_goal_seconds",
        "response_goal",
    )
    fields = (
        "level", "name", "dispatch_goal_seconds", "dispatch_goal", "response_goal_seconds",
        "response_goal",
    )
    readonly_fields = ("dispatch_goal", "response_goal")

    def get_readonly_fields(self, request: HttpRequest, obj: Priority | None = None):
        if obj is not None:
            # The level is the key every call points at; editing it would make a new priority.
            return ("level", *self.readonly_fields)
        return self.readonly_fields

    @admin.display(description="dispatch goal (m:ss)")
    def dispatch_goal(self, priority: Priority) -> str:
        return minutes_seconds(priority.dispatch_goal_seconds)

    @admin.display(description="response goal (m:ss)")
    def response_goal(self, priority: Priority) -> str:
        return minutes_seconds(priority.response_goal_seconds)


@admin.register(CallType)
class CallTypeAdmin(admin.ModelAdmin):
    list_display = (
        "code", "description", "common_type", "default_priority", "discipline_names", "is_alarm",
        "is_local", "active",
    )
    list_filter = ("active", "is_alarm", "is_local", "default_priority", "disciplines")
    search_fields = ("code", "description", "common_type")
    list_select_related = ("default_priority",)
    filter_horizontal = ("disciplines",)
    fields = (
        "code", "description", "common_type", "default_priority", "disciplines", "is_alarm",
        "is_local", "active", "duplicate_radius_m", "duplicate_window_minutes",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("disciplines")

    def get_readonly_fields(self, request: HttpRequest, obj: CallType | None = None):
        # Past calls show this code: renaming it would rewrite their history.
        return ("code",) if obj is not None else ()

    @admin.display(description="disciplines")
    def discipline_names(self, call_type: CallType) -> str:
        return ", ".join(d.name for d in call_type.disciplines.all())


@admin.register(Disposition)
class DispositionAdmin(admin.ModelAdmin):
    list_display = ("code", "description", "is_local", "billable_false_alarm")
    list_filter = ("is_local", "billable_false_alarm")
    search_fields = ("code", "description")

    def get_readonly_fields(self, request: HttpRequest, obj: Disposition | None = None):
        # Closed calls and the services (22 for duplicates) refer to the code.
        return ("code",) if obj is not None else ()


@admin.register(CallNumberCounter)
class CallNumberCounterAdmin(ReadOnlyAdmin):
    list_display = ("year", "last")


class AssignmentInline(ReadOnlyTabularInline):
    model = Assignment
    fields = (
        "unit", "status", dispatched_at, "dispatched_by", enroute_at, onscene_at, transporting_at,
        at_hospital_at, cleared_at,
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("unit", "dispatched_by")


@admin.display(description="kind")
def kind_marked(entry: ChronologyEntry) -> str:
    """A supplement stands out from the lines it may correct: "SUPPLEMENT · corrects 14:02:11 Unit
    dispatched"."""
    if entry.kind != ChronologyKind.SUPPLEMENT:
        return entry.get_kind_display()
    if entry.corrects is None:
        return "SUPPLEMENT"
    corrected = entry.corrects
    return f"SUPPLEMENT · corrects {timestamp(corrected.at)} {corrected.get_kind_display()}"


@admin.display(description="by")
def by_marked(entry: ChronologyEntry) -> str:
    """Who wrote the line, marked with the agency whose program it was: "agency-NFPD [NFPD]"."""
    name = entry.by.get_username() if entry.by_id else "system"
    if entry.agency_id and entry.kind not in SHARE_KINDS:
        return f"{name} [{entry.agency.code}]"
    return name


@admin.display(description="changes")
def changes_in_words(entry: ChronologyEntry) -> str:
    return entry.changes_in_words() or "-"


class ChronologyInline(ReadOnlyTabularInline):
    model = ChronologyEntry
    verbose_name_plural = "chronology"
    fields = (at, kind_marked, "unit", by_marked, "text", changes_in_words)
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("unit", "by", "corrects", "agency")


def _copy_text(copy: CallPremiseFlag) -> str:
    # Confidential text is read on the flag itself, where opening it is recorded.
    return "(confidential)" if copy.confidential else copy.text


class PremiseFlagCopyInline(ReadOnlyTabularInline):
    model = CallPremiseFlag
    verbose_name_plural = "premise flags attached"
    fields = ("attached_at", "kind", "shown_text", "where", "expires_at", "call_address", "flag")
    readonly_fields = fields

    @admin.display(description="text")
    def shown_text(self, copy: CallPremiseFlag) -> str:
        return _copy_text(copy)


class CallShareInline(ReadOnlyTabularInline):
    model = CallShare
    verbose_name_plural = "shared with partner agencies"
    fields = ("agency", "relay", "note", "shared_at", "shared_by", "ended_at", "ended_by")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("agency", "shared_by", "ended_by")


class MutualAidRequestInline(ReadOnlyTabularInline):
    model = MutualAidRequest
    verbose_name_plural = "mutual aid asked of partner agencies"
    fields = ("agency", "capability", "count", "note", "state", "requested_at", "requested_by", "answered_at",
              "answered_by", "accepted_units", "decline_reason", "cancelled_at", "cancel_reason")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related(
            "agency", "requested_by", "answered_by").prefetch_related("units")

    @admin.display(description="units")
    def accepted_units(self, request: MutualAidRequest) -> str:
        return ", ".join(sorted(unit.callsign for unit in request.units.all())) or "-"


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    """A call is a record: it changes only through the call services, never here.

    Corrections are added as supplements; the admin shows the call, its units and its chronology."""

    list_display = (
        "number", received_at, "call_type", "priority_level", "status", "address", "beat",
        "unit_callsigns", "disposition", closed_at,
    )
    list_filter = (
        ("received_at", ReceivedFilter), ReceivedBetweenFilter, "call_type", "priority", "status", "beat",
        "disposition", "source",
    )
    search_fields = (
        "number", "address", "caller_name", "caller_phone", "=assignments__unit__callsign",
    )
    search_help_text = ("Call number, address, caller name or phone (816-555-0142 finds 8165550142), "
                        "or unit callsign")
    date_hierarchy = "received_at"
    list_select_related = ("call_type", "priority", "beat", "disposition")
    # Counting every call ever taken on each page load is what makes a large table slow.
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": (
            "number", "status", "source", "call_type", "priority", "disposition", "master",
            "duplicate_calls",
        )}),
        ("Location", {"fields": ("address", "lat", "lon", "beat", "location_verified")}),
        ("Caller", {"fields": ("caller_name", "caller_phone", "narrative")}),
        ("Partner", {"fields": ("sent_by", "sent_by_incident")}),
        ("Times", {"fields": (
            received_at, entered_at, dispatched_at, enroute_at, onscene_at, closed_at,
            "created_by", updated_at,
        )}),
    ]
    readonly_fields = (
        "duplicate_calls", received_at, entered_at, dispatched_at, enroute_at, onscene_at,
        closed_at, updated_at,
    )
    inlines = [AssignmentInline, CallShareInline, MutualAidRequestInline, PremiseFlagCopyInline,
               ChronologyInline]
    actions = ["export_csv"]

    @admin.action(description="Export selected calls as CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet):
        """The same file as GET calls/export.csv, of the calls ticked (or all the list's, if chosen)."""
        filters = {"admin": True, **{name: value for name, value in request.GET.items() if value}}
        calls = Call.objects.filter(pk__in=queryset.values("pk"))
        return export_response(calls, request=request, filters=filters,
                               filename=f"calls-{timezone.localdate()}.csv")

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        digits = phone_digits_typed(search_term)
        if digits is None:
            return super().get_search_results(request, queryset, search_term)
        queryset = calls_with_phone_digits(queryset)
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return found | queryset.filter(caller_phone_digits__contains=digits), may_have_duplicates

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        assignments = Assignment.objects.select_related("unit").order_by("dispatched_at", "id")
        return super().get_queryset(request).prefetch_related(
            Prefetch("assignments", queryset=assignments)
        )

    @admin.display(description="priority", ordering="priority")
    def priority_level(self, call: Call) -> str:
        return f"P{call.priority_id}"

    @admin.display(description="units")
    def unit_callsigns(self, call: Call) -> str:
        return ", ".join(a.unit.callsign for a in call.assignments.all()) or "-"

    @admin.display(description="duplicates")
    def duplicate_calls(self, call: Call) -> str:
        duplicates = call.duplicates.only("pk", "number").order_by("received_at")
        return format_html_join(
            ", ", '<a href="{}">{}</a>',
            ((reverse("admin:calls_call_change", args=[d.pk]), d.number) for d in duplicates),
        ) or "-"


@admin.register(CallNoteReceived)
class CallNoteReceivedAdmin(ReadOnlyAdmin):
    """Notes other centers' EIDOs brought (POST eido/), by their ids: kept so that each is added to
    its call once. Made by the EIDO's arrival, never here."""

    list_display = ("call", "eido_id", "agency", "received_at", "entry")
    list_filter = ("agency",)
    search_fields = ("call__number", "eido_id")
    search_help_text = "Call number or the note's EIDO id"
    date_hierarchy = "received_at"
    list_select_related = ("call", "agency", "entry")
    show_full_result_count = False


@admin.register(CallShare)
class CallShareAdmin(ReadOnlyAdmin):
    """Who a call was shared with or relayed to, and when it ended: made from the console or the
    API, never here."""

    list_display = ("call", "agency", "relay", "shared_at", "shared_by", "ended_at")
    list_filter = ("agency", "relay", ("ended_at", admin.EmptyFieldListFilter))
    search_fields = ("call__number",)
    search_help_text = "Call number"
    date_hierarchy = "shared_at"
    list_select_related = ("call", "agency", "shared_by")
    show_full_result_count = False


@admin.register(MutualAidRequest)
class MutualAidRequestAdmin(ReadOnlyAdmin):
    """Mutual aid asked of partners and how each answered, with the time it took: made from the
    console or the API, never here."""

    list_display = ("call", "agency", "capability", "count", "state", "requested_at", "answered_in",
                    "accepted_units")
    list_filter = ("state", "agency", "capability")
    search_fields = ("call__number",)
    search_help_text = "Call number"
    date_hierarchy = "requested_at"
    list_select_related = ("call", "agency")
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("units")

    @admin.display(description="answered in")
    def answered_in(self, request: MutualAidRequest) -> str:
        seconds = request.answer_seconds
        return "-" if seconds is None else f"{seconds:.0f} s"

    @admin.display(description="units")
    def accepted_units(self, request: MutualAidRequest) -> str:
        return ", ".join(sorted(unit.callsign for unit in request.units.all())) or "-"


@admin.register(AliRecord)
class AliRecordAdmin(ReadOnlyAdmin):
    """What the 9-1-1 telephone system sent with each line (and each rebid), as it was sent."""

    list_display = ("received_at", "ani", "class_of_service", "address", "lat", "lon", "uncertainty_m",
                    "confidence", "abandoned", "call", "callback", "rebid_of")
    list_filter = ("class_of_service", "abandoned", "received_at")
    search_fields = ("ani", "address", "call__number")
    search_help_text = "Callback number (ANI), address or call number"
    date_hierarchy = "received_at"
    list_select_related = ("call", "callback", "rebid_of")
    show_full_result_count = False


@admin.register(Callback)
class CallbackAdmin(ReadOnlyAdmin):
    """The callback queue of abandoned 9-1-1 calls, and how each ended: worked from the console."""

    list_display = ("queued_at", "ani", "attempts", "claimed_by", "outcome", "done_at", "done_by", "call")
    list_filter = ("outcome", ("done_at", admin.EmptyFieldListFilter), "queued_at")
    search_fields = ("ani", "call__number", "note")
    search_help_text = "Callback number (ANI), call number or note"
    date_hierarchy = "queued_at"
    list_select_related = ("claimed_by", "done_by", "call")
    show_full_result_count = False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = (
        "call", "unit", "status", dispatched_at, enroute_at, onscene_at, cleared_at,
        "dispatched_by",
    )
    list_filter = ("status", "dispatched_at", "unit__agency", "unit__discipline")
    search_fields = ("call__number", "=unit__callsign")
    search_help_text = "Call number or unit callsign"
    date_hierarchy = "dispatched_at"
    list_select_related = ("call", "unit", "dispatched_by")
    show_full_result_count = False


@admin.register(ChronologyEntry)
class ChronologyEntryAdmin(ReadOnlyAdmin):
    """The chronology is append-only: nobody edits or deletes an entry, superusers included."""

    list_display = (at, "call_link", kind_marked, "unit", "by", "short_text")
    list_filter = ("kind", "at")
    search_fields = ("call__number", "=unit__callsign", "text")
    search_help_text = "Call number, unit callsign, or words of the entry"
    date_hierarchy = "at"
    list_select_related = ("call", "unit", "by", "corrects")
    show_full_result_count = False
    fields = ("call", at, kind_marked, "unit", "by", "text", changes_in_words)
    readonly_fields = (at, kind_marked, changes_in_words)

    @admin.display(description="text")
    def short_text(self, entry: ChronologyEntry) -> str:
        return entry.text if len(entry.text) <= 120 else entry.text[:119] + "…"

    @admin.display(description="call", ordering="call__number")
    def call_link(self, entry: ChronologyEntry) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:calls_call_change", args=[entry.call_id]),
            entry.call.number,
        )


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """Messages between the consoles and units, kept as sent: nobody edits or deletes one."""

    list_display = ("sent_at", "sent_by", "from_unit", "to_kind", "to", "recipients", "call", "text")
    list_filter = ("to_kind", "sent_at")
    search_fields = ("to", "=from_unit__callsign", "call__number", "text")
    search_help_text = "Callsign, beat or agency, call number, or words of the message"
    date_hierarchy = "sent_at"
    list_select_related = ("sent_by", "from_unit", "call")
    show_full_result_count = False

    @admin.display(description="reached")
    def recipients(self, message: Message) -> str:
        return " ".join(message.units)


@admin.register(CallPremiseFlag)
class CallPremiseFlagAdmin(ReadOnlyAdmin):
    """Premise flags as they read when attached to a call: append-only, like the chronology."""

    list_display = ("attached_at", "call", "kind", "shown_text", "confidential", "where", "call_address")
    list_filter = ("kind", "confidential", "attached_at")
    search_fields = ("call__number", "where", "call_address")
    list_select_related = ("call",)
    show_full_result_count = False
    fields = ("call", "attached_at", "attached_by", "kind", "shown_text", "confidential", "where",
              "expires_at", "call_address", "flag")
    readonly_fields = ("shown_text",)

    @admin.display(description="text")
    def shown_text(self, copy: CallPremiseFlag) -> str:
        return _copy_text(copy)


class ResponsePlanLineInline(admin.TabularInline):
    model = ResponsePlanLine
    extra = 1
    fields = ("position", "count", "capability")


@admin.register(ResponsePlan)
class ResponsePlanAdmin(admin.ModelAdmin):
    """Run cards: which capabilities, and how many units of each, a call type needs."""

    list_display = ("call_type", "priority", "summary", "notes")
    list_filter = ("priority",)
    search_fields = ("call_type__code", "call_type__description", "lines__capability")
    list_select_related = ("call_type", "priority")
    autocomplete_fields = ("call_type",)
    inlines = [ResponsePlanLineInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("lines")

    @admin.display(description="units")
    def summary(self, plan: ResponsePlan) -> str:
        return ", ".join(str(line) for line in plan.lines.all())


@admin.register(StatusCheckRule)
class StatusCheckRuleAdmin(admin.ModelAdmin):
    """Officer-safety status checks: how long a unit may stay in a status before a check is due."""

    list_display = ("status", "call_type", "interval_seconds")
    list_filter = ("status",)
    list_select_related = ("call_type",)
    autocomplete_fields = ("call_type",)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("kind", "text", "call", "unit", to_the_second("raised_at", "raised"),
                    to_the_second("escalated_at", "escalated"), "acknowledged_by",
                    to_the_second("acknowledged_at", "acknowledged"))
    list_filter = ("kind",)
    search_fields = ("call__number", "unit__callsign", "text")
    list_select_related = ("call", "unit", "acknowledged_by")


@admin.register(ResponsePlanLine)
class ResponsePlanLineAdmin(admin.ModelAdmin):
    """Every plan line at once: which plans ask for a capability (edited within their plan)."""

    list_display = ("plan", "position", "count", "capability")
    list_filter = ("capability",)
    search_fields = ("capability", "plan__call_type__code")
    list_select_related = ("plan__call_type", "plan__priority")
