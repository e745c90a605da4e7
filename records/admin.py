import json
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from cad import roles
from cad.admin import ReadOnlyMixin, SupervisorsOnly, timestamp, to_the_second
from cad.audit import AuditAction, audit_record, object_ref
from cad.exceptions import Invalid
from calls.admin import CallAdmin
from calls.models import Call
from calls.services import call_supplement_add
from records.billing import admin as billing_admin  # noqa: F401  (registers billing's admin pages)
from records.forms import SupplementForm
from records.inquiries import admin as inquiries_admin  # noqa: F401  (registers the records to query)
from records.models import AuditDigest, AuditEntry
from records.selectors import call_audit_entries

CALL_AUDIT_SHOWN = 50

entry_at = to_the_second("at", "at")


@admin.register(AuditEntry)
class AuditEntryAdmin(SupervisorsOnly, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", entry_at, "username", "source_ip", "action", "object", "outcome"]
    list_filter = ["action", "outcome", "at"]
    search_fields = ["username", "object"]
    date_hierarchy = "at"
    fields = ["id", entry_at, "username", "user", "token", "source_ip", "action", "object", "outcome",
              "detail", "prev_hash", "hash"]
    readonly_fields = fields
    show_full_result_count = False


@admin.register(AuditDigest)
class AuditDigestAdmin(SupervisorsOnly, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "first_id", "last_id", "first_at", "last_at", "count"]
    readonly_fields = ["created_at", "first_id", "last_id", "first_at", "last_at", "count", "prev_hash",
                       "last_hash", "signature"]


@admin.action(description=delete_selected.short_description, permissions=["delete"])
def audited_delete_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
    """Django's own bulk delete; the admin logs several objects in one insert that sends no signal,
    so each removed object is put on the audit trail here (one object is audited by its log entry)."""
    doomed = [(obj.pk, str(obj)) for obj in queryset] if request.POST.get("post") else []
    is_account = modeladmin.model is get_user_model()
    kind = "user" if is_account else modeladmin.model._meta.model_name
    with transaction.atomic():
        answer = delete_selected(modeladmin, request, queryset)
        if answer is None and len(doomed) > 1:
            for pk, text in doomed:
                audit_record(action=AuditAction.USER_DELETE if is_account else AuditAction.ADMIN_DELETE,
                             object=object_ref(kind, pk), by=request.user,
                             detail={"object": text, "change": "Deleted."})
    return answer


admin.site.add_action(audited_delete_selected, "delete_selected")


def may_work_records(request: HttpRequest) -> bool:
    """Who prints a call's record and adds supplements: the center's own staff, as the API allows."""
    return roles.is_center_staff(request.user) and roles.scoped_agency(request.user) is None


class CallDeskAdmin(CallAdmin):
    """The records clerks' desk on a call's page: the call stays read-only; below it, a form to add a
    supplement (through the same service as the API), links to the printable record and its PDF,
    and, for supervisors, the audit entries of the call."""

    change_form_template = "admin/records/call_desk.html"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        call = self.get_object(request, unquote(object_id))
        if call is None or not self.has_view_permission(request, call):
            return super().change_view(request, object_id, form_url, extra_context)
        form = SupplementForm(call=call) if may_work_records(request) else None
        if request.method == "POST" and "_supplement" in request.POST:
            if form is None:
                raise PermissionDenied(
                    "Supplements are added by records clerks, supervisors and dispatchers."
                )
            form = SupplementForm(request.POST, call=call)
            if self._supplement_added(request, call, form):
                return HttpResponseRedirect(request.path)
            # Shown again as the call's page with the form's errors; the call itself is never saved here.
            request.method = "GET"
        context = {**(extra_context or {}), "supplement_form": form}
        if form is not None:
            context["record_url"] = reverse("records:call-record", args=[call.pk])
            context["record_pdf_url"] = reverse("records:call-record-pdf", args=[call.pk])
        if roles.is_supervisor(request.user):
            ref = object_ref("call", call.pk)
            context["audit_entries"] = [
                {
                    "at": timestamp(e.at),
                    "user": e.username or "system",
                    "source_ip": e.source_ip or "-",
                    "action": e.action,
                    "outcome": e.outcome,
                    "detail": json.dumps(e.detail, ensure_ascii=False, sort_keys=True),
                }
                for e in call_audit_entries(call)[:CALL_AUDIT_SHOWN]
            ]
            context["audit_url"] = (
                reverse("admin:records_auditentry_changelist") + "?" + urlencode({"object": ref})
            )
        return super().change_view(request, object_id, form_url, context)

    def _supplement_added(self, request: HttpRequest, call: Call, form: SupplementForm) -> bool:
        if not form.is_valid():
            return False
        try:
            entry = call_supplement_add(
                call=call,
                by=request.user,
                text=form.cleaned_data["text"],
                corrects=form.cleaned_data["corrects"],
            )
        except Invalid as error:
            problems = error.detail if isinstance(error.detail, dict) else {None: [error.detail]}
            for name, text in problems.items():
                form.add_error(name if name in form.fields else None, text)
            messages.error(request, "The supplement was not added: see below.")
            return False
        messages.success(
            request,
            f"Supplement added to {call.number} at {timezone.localtime(entry.at):%H:%M:%S}; it is "
            "in the chronology below.",
        )
        return True


admin.site.unregister(Call)
admin.site.register(Call, CallDeskAdmin)
