"""Partners' webhook subscriptions and the deliveries made for them (imported by calls/models.py,
so they are the calls app's tables)."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q

from cad.models import Agency

WEB_SCHEMES = ["http", "https"]


class WebhookSubscription(models.Model):
    """A partner agency's endpoint: every event of the kinds it chose, about what it may see, is
    posted there, signed with its secret as Standard Webhooks says."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="webhook_subscriptions",
        limit_choices_to=~Q(kind=Agency.Kind.CENTER),
        help_text="The partner agency: it receives what it may see on the API and the live stream",
    )
    url = models.URLField(
        "URL", max_length=500,
        validators=[URLValidator(schemes=WEB_SCHEMES, message="Give an http or https URL.", code="scheme")],
        help_text="Where deliveries are posted (http or https, a public address)",
    )
    description = models.CharField(max_length=200, blank=True)
    # Standard Webhooks signs with the secret itself (HMAC), so it is kept, and shown only once.
    secret = models.CharField(max_length=100, editable=False)
    event_types = models.JSONField(default=list, help_text="The event names it receives, e.g. call.updated")
    active = models.BooleanField(default=True, help_text="Untick to stop deliveries without losing them")
    starts_after_seq = models.BigIntegerField(
        default=0, editable=False,
        help_text="Events after this seq are delivered (the last one when it was made or turned on)",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency__code", "id"]

    def __str__(self) -> str:
        return f"{self.agency.code} → {self.url}"

    @property
    def secret_hint(self) -> str:
        """Enough of the secret to tell two apart, never enough to sign with."""
        return f"{self.secret[:10]}…" if self.secret else ""


class WebhookDelivery(models.Model):
    """One event posted to one subscription: made once, sent until the partner answers 2xx or the
    retries run out. Its webhook-id stays the same on every attempt, so the partner can tell a
    retry from a new event."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.PROTECT, related_name="deliveries")
    seq = models.BigIntegerField(help_text="The event's seq on the live stream")
    event = models.CharField(max_length=40, help_text="The event's name, e.g. call.updated")
    call_id = models.BigIntegerField(null=True, blank=True, help_text="The call it is about, if any")
    webhook_id = models.CharField("webhook-id", max_length=40, unique=True)
    payload = models.TextField(help_text="The JSON body, exactly as signed and sent")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Attempts since it was made or resent")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The last HTTP status")
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    resent_at = models.DateTimeField(null=True, blank=True)
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An attempt under way holds the delivery until then; one whose worker died is taken again after.
    locked_until = models.DateTimeField(null=True, blank=True)
    # When a task was last queued for it: the sweep queues again only one that waited too long.
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-seq", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["subscription", "seq"], name="webhook_delivery_one_per_event"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"),
                         name="webhook_delivery_due"),
            models.Index(fields=["subscription", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.seq} → {self.subscription.agency.code}"


class WebhookCursor(models.Model):
    """How far the center's events have been turned into deliveries: one row, locked while a
    worker does it, so two workers never make the same deliveries."""

    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"events through seq {self.last_seq}"
