from collections.abc import Callable
from datetime import datetime

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from cad import roles
from cad.models import Agency, AgencyToken, Discipline, Event, EventCounter
from cad.services import agency_service_user_ensure, agency_tokens_revoke


def timestamp(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def to_the_second(name: str, description: str = "") -> Callable:
    """A column or read-only field showing a time with its seconds, which Django's format drops;
    every interval this center measures is counted in seconds."""

    @admin.display(description=description or name.replace("_", " "), ordering=name)
    def show(obj) -> str:
        return timestamp(getattr(obj, name))

    show.__name__ = name
    return show


class ReadOnlyMixin:
    """Records that change only through services (or never): anyone with view permission may read
    them, nobody adds, changes or deletes them here, superusers included."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class SupervisorsOnly:
    """Supervisors' and administrators' records (the audit trail, sign-in attempts, agency tokens,
    the live stream's events): other roles do not see them, whatever view permissions they hold.
    Within that, the model's own permissions apply."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.is_supervisor(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return roles.is_supervisor(request.user) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return roles.is_supervisor(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return roles.is_supervisor(request.user) and super().has_delete_permission(request, obj)


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class AgencyTokenInline(SupervisorsOnly, ReadOnlyTabularInline):
    model = AgencyToken
    fields = ("prefix", "label", "created_at", "created_by", "last_used_at", "revoked_at")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("created_by")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "discipline_names", "service_user")
    list_filter = ("kind", "disciplines")
    search_fields = ("code", "name")
    filter_horizontal = ("disciplines",)
    readonly_fields = ("service_user",)
    list_select_related = ("service_user",)
    inlines = [AgencyTokenInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("disciplines")

    @admin.display(description="disciplines")
    def discipline_names(self, agency: Agency) -> str:
        return ", ".join(d.name for d in agency.disciplines.all())

    def save_model(self, request: HttpRequest, obj: Agency, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The service account's role follows the kind: a partner's tokens must not dispatch.
        if change and "kind" in form.changed_data and obj.service_user_id:
            agency_service_user_ensure(agency=obj)


class TokenStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("revoked", "Revoked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(AgencyToken)
class AgencyTokenAdmin(SupervisorsOnly, admin.ModelAdmin):
    """Tokens are made by `manage.py agency_token` (the key is shown once) and revoked here.

    Only the key's hash is stored and it is never shown; a token is revoked, not deleted,
    so who held which key stays on record."""

    list_display = (
        "prefix", "agency", "label", "is_active", "created_at", "created_by", "last_used_at",
        "revoked_at",
    )
    list_filter = (TokenStateFilter, "agency")
    search_fields = ("prefix", "label", "agency__code", "agency__name")
    list_select_related = ("agency", "created_by")
    fields = (
        "agency", "prefix", "label", "created_at", "created_by", "last_used_at", "revoked_at",
    )
    readonly_fields = ("agency", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    actions = ["revoke_tokens"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(boolean=True, description="active")
    def is_active(self, token: AgencyToken) -> bool:
        return token.revoked_at is None

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet) -> None:
        revoked = agency_tokens_revoke(tokens=queryset, by=request.user)
        self.message_user(
            request,
            f"Revoked {revoked} token{'s' if revoked != 1 else ''}; they no longer open the API.",
            messages.SUCCESS,
        )


event_at = to_the_second("at", "at")


@admin.register(Event)
class EventAdmin(SupervisorsOnly, ReadOnlyMixin, admin.ModelAdmin):
    """What the live stream announced, kept CAD_EVENT_RETENTION_HOURS for reconnecting consoles."""

    list_display = ["seq", "event", "call_id", "agency_code", event_at]
    list_filter = ["event"]
    search_fields = ["=seq", "=call_id", "agency_code"]
    fields = ["seq", "event", "call_id", "agency_code", event_at, "data"]
    readonly_fields = fields


@admin.register(EventCounter)
class EventCounterAdmin(SupervisorsOnly, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["last"]
    readonly_fields = ["last"]


# django-axes's own views of sign-in attempts and access logs, for supervisors and administrators only.
for model, model_admin in ((AccessAttempt, AccessAttemptAdmin), (AccessLog, AccessLogAdmin),
                           (AccessFailureLog, AccessFailureLogAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (SupervisorsOnly, model_admin), {}))
