"""Partners' webhooks on the records clerks' and supervisors' desk: subscriptions registered and
changed through the services (the secret shown once), deliveries read and resent."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from cad import roles
from cad.admin import ReadOnlyAdmin, SupervisorsOnly, to_the_second
from calls.tasks import webhook_deliveries_enqueue
from calls.webhooks.models import WebhookCursor, WebhookDelivery, WebhookSubscription
from calls.webhooks.services import (
    EVENT_TYPES,
    webhook_deliveries_resend,
    webhook_secret_roll,
    webhook_subscription_problems,
    webhook_subscription_save,
)

SECRET_PAGE = "admin/calls/webhooksubscription/secret.html"
created = to_the_second("created_at", "created")
updated = to_the_second("updated_at", "last changed")
next_attempt = to_the_second("next_attempt_at", "next attempt")
last_attempt = to_the_second("last_attempt_at", "last attempt")
delivered = to_the_second("delivered_at", "delivered")
resent = to_the_second("resent_at", "resent")


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https",
                         help_text="Where deliveries are posted (http or https, a public address)")
    event_types = forms.MultipleChoiceField(
        choices=[(name, name) for name in EVENT_TYPES], widget=forms.CheckboxSelectMultiple,
        help_text="The live stream's events it receives, about what its agency may see",
    )

    class Meta:
        model = WebhookSubscription
        fields = ("agency", "url", "description", "event_types", "active")

    def _post_clean(self) -> None:
        super()._post_clean()
        # The services' own checks (a public http(s) address, known event types, a partner), as
        # form errors: the same rule whoever registers.
        for field, problems in webhook_subscription_problems(self.instance).items():
            if field in self.fields and field not in self.errors:
                for problem in problems:
                    self.add_error(field, problem)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ("agency", "url", "event_list", "active", "secret_hint", created)
    list_filter = ("active", "agency")
    search_fields = ("url", "description", "agency__code")
    list_select_related = ("agency",)
    readonly_fields = ("secret_hint", "starts_after_seq", "created_by", created, updated)
    actions = ["roll_secret"]

    def get_fieldsets(self, request: HttpRequest, obj: WebhookSubscription | None = None):
        main = ("agency", "url", "description", "event_types", "active")
        if obj is None:
            return [(None, {"fields": main, "description": "Its signing secret is made when it is saved, "
                                                           "and shown once."})]
        return [(None, {"fields": main}),
                ("Record", {"fields": self.readonly_fields})]

    @admin.display(description="events")
    def event_list(self, subscription: WebhookSubscription) -> str:
        return ", ".join(subscription.event_types)

    def save_model(self, request: HttpRequest, obj: WebhookSubscription, form, change: bool) -> None:
        _, obj.secret_shown_once = webhook_subscription_save(subscription=obj, by=request.user)

    def response_add(self, request: HttpRequest, obj: WebhookSubscription, post_url_continue=None):
        # Shown on this page only: the secret is never put in a message, a cookie or a redirect.
        return self._secret_page(request, obj, obj.secret_shown_once, made=True)

    @admin.action(description="Make a new signing secret (shown once)", permissions=["change"])
    def roll_secret(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Choose one subscription: its new secret is shown once.",
                              messages.WARNING)
            return None
        subscription = queryset.select_related("agency").get()
        return self._secret_page(request, subscription, webhook_secret_roll(subscription=subscription,
                                                                            by=request.user), made=False)

    def _secret_page(self, request: HttpRequest, subscription: WebhookSubscription, secret: str,
                     *, made: bool) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "subscription": subscription,
            "secret": secret, "made": made, "title": "The webhook's signing secret",
            "change_url": reverse("admin:calls_webhooksubscription_change", args=[subscription.pk]),
            "list_url": reverse("admin:calls_webhooksubscription_changelist"),
        }
        response = TemplateResponse(request, SECRET_PAGE, context)
        response["Cache-Control"] = "no-store"
        return response


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """What was sent to which partner, how often, and what it answered; resent with one click."""

    list_display = ("seq", "event", "agency", "status", "attempts", "last_status", next_attempt, created,
                    delivered)
    list_filter = ("status", "event", "subscription__agency")
    search_fields = ("=webhook_id", "=seq", "=call_id", "subscription__url")
    list_select_related = ("subscription__agency",)
    fields = ("subscription", "seq", "event", "call_id", "webhook_id", "status", "attempts", next_attempt,
              last_attempt, "last_status", "last_error", created, delivered, resent, "resent_by", "payload")
    readonly_fields = fields
    actions = ["resend"]

    @admin.display(description="agency", ordering="subscription__agency__code")
    def agency(self, delivery: WebhookDelivery) -> str:
        return delivery.subscription.agency.code

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return roles.keeps_records(request.user)

    @admin.action(description="Resend the selected deliveries now", permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet) -> None:
        resent, busy = webhook_deliveries_resend(deliveries=queryset, by=request.user,
                                                 enqueue=webhook_deliveries_enqueue)
        self.message_user(request, f"Resending {resent} deliver{'ies' if resent != 1 else 'y'} now, with the "
                                   f"same webhook-id.", messages.SUCCESS)
        if busy:
            self.message_user(request, f"{busy} being sent at this moment: left alone.", messages.WARNING)


@admin.register(WebhookCursor)
class WebhookCursorAdmin(SupervisorsOnly, ReadOnlyAdmin):
    """How far the events have been made into deliveries: beside the live stream's counter."""

    list_display = ("last_seq",)
    readonly_fields = ("last_seq",)
