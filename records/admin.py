from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from cad.admin import ReadOnlyMixin, SupervisorsOnly, to_the_second
from cad.audit import AuditAction, audit_record, object_ref
from records.billing import admin as billing_admin  # noqa: F401  (registers billing's admin pages)
from records.models import AuditDigest, AuditEntry

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
