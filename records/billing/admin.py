"""False-alarm billing in the admin: the fee schedule (supervisors), the false-alarm list, bills by
status with search by holder, site, permit and call, and billing runs with their progress."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from cad.admin import ReadOnlyMixin, ReadOnlyTabularInline
from premises.admin import AlarmPermitAdmin
from premises.models import AlarmPermit
from records.billing.models import (
    Appeal,
    Bill,
    BillingRun,
    BillLine,
    FalseAlarmCall,
    FeeSchedule,
    FeeTier,
    NoticeSending,
    Payment,
    ScheduleDisposition,
    tiers_problem,
)
from records.billing.pdf import notices_pdf
from records.billing.selectors import dollars, false_alarms, window_of
from records.billing.services import fee_schedule_audit


class FeeTierFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        tiers = [
            (form.cleaned_data.get("from_count"), form.cleaned_data.get("to_count"))
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problem = tiers_problem(tiers)
        if problem:
            raise forms.ValidationError(problem)


class FeeTierInline(admin.TabularInline):
    model = FeeTier
    formset = FeeTierFormSet
    extra = 0
    min_num = 1


class ScheduleDispositionInline(admin.TabularInline):
    model = ScheduleDisposition
    extra = 0
    autocomplete_fields = ["disposition"]
    verbose_name = "disposition on an alarm call"
    verbose_name_plural = "how dispositions on alarm calls are read (false, or not false and why)"


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "effective_from",
        "window",
        "counted_once_hours",
        "appeal_days",
        "due_days",
        "late_fee",
        "no_permit_fee",
        "tiers_in_words",
    ]
    inlines = [FeeTierInline, ScheduleDispositionInline]
    readonly_fields = ["updated_at", "updated_by"]
    fieldsets = [
        (None, {"fields": ["name", "effective_from"]}),
        ("Counting", {"fields": ["window", "window_days", "counted_once_hours", "suspension_threshold"]}),
        ("Fees", {"fields": ["residential_factor", "business_factor", "no_permit_fee", "late_fee"]}),
        (
            "The notice",
            {"fields": ["appeal_days", "due_days", "appeal_instructions", "payment_instructions"]},
        ),
        ("Record", {"fields": ["updated_at", "updated_by"]}),
    ]

    @admin.display(description="tiers")
    def tiers_in_words(self, schedule: FeeSchedule) -> str:
        return "; ".join(
            f"{t.from_count}–{t.to_count or '…'}: {dollars(t.fee) if t.fee else 'free'}"
            for t in schedule.tiers.all()
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("tiers")

    def save_model(self, request: HttpRequest, obj: FeeSchedule, form, change: bool) -> None:
        obj._before = FeeSchedule.objects.filter(pk=obj.pk).first() if obj.pk else None
        obj.updated_by = request.user
        obj.save()

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        fee_schedule_audit(
            schedule=form.instance, before=getattr(form.instance, "_before", None), by=request.user
        )


class BillLineInline(ReadOnlyTabularInline):
    model = BillLine
    fields = ["call_number", "at", "count", "fee", "reason"]
    readonly_fields = fields


class PaymentInline(ReadOnlyTabularInline):
    model = Payment
    fields = ["received_at", "amount", "method", "reference", "received_by"]
    readonly_fields = fields


class NoticeSendingInline(ReadOnlyTabularInline):
    model = NoticeSending
    fields = ["at", "kind", "to", "outcome", "error"]
    readonly_fields = fields
    verbose_name_plural = "notices and overdue reminders emailed"


class AppealInline(ReadOnlyTabularInline):
    model = Appeal
    fields = [
        "filed_at",
        "filed_by",
        "reason",
        "outcome",
        "amount",
        "decision_reason",
        "decided_at",
        "decided_by",
    ]
    readonly_fields = fields


def notices_response(bills: QuerySet, filename: str) -> HttpResponse:
    bills = bills.exclude(number__isnull=True).select_related("permit", "schedule").prefetch_related("lines")
    response = HttpResponse(notices_pdf(bills.order_by("number")), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.action(description="Print the selected bills' notices (one PDF)", permissions=["view"])
def print_notices(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
    return notices_response(queryset, "false-alarm-notices.pdf")


@admin.action(description="Print the run's notices (one PDF)", permissions=["view"])
def print_run_notices(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
    runs = list(queryset.values_list("pk", flat=True))
    return notices_response(
        Bill.objects.filter(run__in=runs), f"false-alarm-notices-run-{'-'.join(map(str, runs))}.pdf"
    )


@admin.register(Bill)
class BillAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "status",
        "permit",
        "holder_name",
        "site",
        "total",
        "balance_shown",
        "issued_on",
        "due_on",
    ]
    list_filter = ["status", "issued_on"]
    search_fields = ["number", "holder_name", "site", "permit__number", "lines__call_number"]
    search_help_text = "A bill number, a holder, a site, a permit number or a call number"
    list_select_related = ["permit"]
    inlines = [BillLineInline, AppealInline, PaymentInline, NoticeSendingInline]
    actions = [print_notices]
    fields = [
        "number",
        "status",
        "permit",
        "holder_name",
        "mailing_address",
        "site",
        "total",
        "amount",
        "late_fee",
        "paid",
        "balance_shown",
        "issued_on",
        "due_on",
        "run",
        "notice",
    ]
    readonly_fields = fields

    @admin.display(description="balance")
    def balance_shown(self, bill: Bill) -> str:
        return f"{bill.balance:.2f}"

    @admin.display(description="notice")
    def notice(self, bill: Bill) -> str:
        return format_html('<a href="{}">The notice (PDF)</a>', reverse("bill-pdf", args=[bill.pk]))

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return found.distinct(), False


@admin.register(BillingRun)
class BillingRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "through",
        "status",
        "progress_shown",
        "bills_created",
        "bills_issued",
        "alarms_billed",
        "total_billed",
        "held_count",
        "started_at",
        "finished_at",
    ]
    list_filter = ["status"]
    actions = [print_run_notices]
    fields = [
        "through",
        "status",
        "progress_shown",
        "started_at",
        "finished_at",
        "started_by",
        "permits_total",
        "permits_done",
        "bills_created",
        "bills_issued",
        "alarms_billed",
        "total_billed",
        "held_list",
        "error",
    ]
    readonly_fields = fields

    @admin.display(description="progress")
    def progress_shown(self, run: BillingRun) -> str:
        return f"{run.permits_done} of {run.permits_total} permits ({run.progress:.0%})"

    @admin.display(description="held")
    def held_count(self, run: BillingRun) -> int:
        return len(run.held)

    @admin.display(description="held, not billed")
    def held_list(self, run: BillingRun) -> str:
        if not run.held:
            return "nothing"
        return format_html_join(
            "",
            "<div>{} {} {}: {}</div>",
            ((h["call"], h["permit"] or "(no permit)", h["site"], h["held"]) for h in run.held),
        )


@admin.register(FalseAlarmCall)
class FalseAlarmAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The false-alarm list: every closed alarm call in a range of days, read by the fee schedule."""

    def changelist_view(self, request: HttpRequest, extra_context=None) -> TemplateResponse:
        today = timezone.localdate()
        end = _day(request.GET.get("to"), today)
        start = _day(request.GET.get("from"), end - timedelta(days=365))
        number = request.GET.get("permit", "").strip()
        permit = AlarmPermit.objects.filter(number=number).first() if number else None
        problem, verdicts = "", []
        if start > end:
            problem, start = "The first day comes after the last; showing the last day only.", end
        if number and permit is None:
            problem = "No alarm permit has that number."
        else:
            verdicts = false_alarms(start=start, end=end, permit=permit)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "False alarms",
            "verdicts": verdicts[::-1],
            "start": start,
            "end": end,
            "permit": number,
            "problem": problem,
            "billable": sum(1 for v in verdicts if v.billable),
            "total": dollars(sum((v.fee for v in verdicts if v.billable), start=0)),
            "call_url": reverse("admin:calls_call_changelist"),
        }
        return TemplateResponse(request, "admin/records/false_alarms.html", context)


# A permit's page also shows its false alarms this window, its bills and what is owed: the records
# app sits above premises, so it extends the permit's admin rather than premises reaching up.
admin.site.unregister(AlarmPermit)


@admin.register(AlarmPermit)
class AlarmPermitBillingAdmin(AlarmPermitAdmin):
    readonly_fields = (*AlarmPermitAdmin.readonly_fields, "false_alarms_this_window", "bills", "balance")
    fieldsets = [
        *AlarmPermitAdmin.fieldsets,
        ("False alarms and bills", {"fields": ("false_alarms_this_window", "bills", "balance")}),
    ]

    @admin.display(description="false alarms this window")
    def false_alarms_this_window(self, permit: AlarmPermit) -> str:
        if permit.pk is None:
            return "—"
        start, end = window_of(permit, timezone.localdate())
        verdicts = [v for v in false_alarms(start=start, end=end, permit=permit) if v.is_false]
        if not verdicts:
            return f"none since {start:%Y-%m-%d}"
        return format_html_join(
            "",
            "<div>{} {} {}{}</div>",
            (
                (
                    v.call.number,
                    f"{timezone.localtime(v.call.received_at):%Y-%m-%d %H:%M}",
                    v.reason,
                    f" (bill {v.bill_number})" if v.bill_number else "",
                )
                for v in verdicts
            ),
        )

    @admin.display(description="bills")
    def bills(self, permit: AlarmPermit) -> str:
        bills = (
            list(Bill.objects.filter(permit=permit).exclude(number__isnull=True).order_by("-pk"))
            if permit.pk
            else []
        )
        if not bills:
            return "none"
        return format_html_join(
            "",
            '<div><a href="{}">{}</a> {} issued {}: {} of {} owed</div>',
            (
                (
                    reverse("admin:records_bill_change", args=[b.pk]),
                    b.number,
                    b.get_status_display(),
                    b.issued_on,
                    f"{b.balance:.2f}",
                    f"{b.amount + b.late_fee:.2f}",
                )
                for b in bills
            ),
        )

    @admin.display(description="balance owed")
    def balance(self, permit: AlarmPermit) -> str:
        open_bills = (
            Bill.objects.filter(permit=permit).exclude(status__in=["draft", "paid", "waived"])
            if permit.pk
            else []
        )
        return dollars(sum((b.balance for b in open_bills), start=Decimal("0.00")))


def _day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default
