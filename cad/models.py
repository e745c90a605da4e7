import hashlib

from django.conf import settings
from django.db import models


class Discipline(models.Model):
    """A kind of service a call needs and a unit gives: police, fire, EMS, …"""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """An agency whose units this center dispatches or exchanges calls with."""

    class Kind(models.TextChoices):
        CENTER = "center", "The center's own agency"
        SERVED = "served", "Dispatched by the center"
        PARTNER = "partner", "Partner agency"

    code = models.SlugField(max_length=16, unique=True, help_text="Short code, e.g. CPD")
    name = models.CharField(max_length=128)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SERVED)
    disciplines = models.ManyToManyField(Discipline, related_name="agencies", blank=True)
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_agency",
        help_text="The account that stamps what this agency's API tokens do.",
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_partner(self) -> bool:
        return self.kind == self.Kind.PARTNER


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class AgencyToken(models.Model):
    """An API key for an agency. Only its SHA-256 is kept; the key is shown once."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="tokens")
    prefix = models.CharField(max_length=8, help_text="First characters, to tell keys apart")
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency", "-created_at"]

    def __str__(self) -> str:
        return f"{self.agency.code} token {self.prefix}…"


class EventCounter(models.Model):
    """The one row whose lock orders every event: a seq is taken at the end of a writing
    transaction and the lock is held until it commits, so seqs commit in order and without gaps."""

    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"last seq {self.last}"


class Event(models.Model):
    """A change announced to consoles, kept for a while so reconnecting clients can catch up."""

    seq = models.BigIntegerField(primary_key=True)
    event = models.CharField(max_length=40)
    data = models.JSONField()
    call_id = models.BigIntegerField(null=True, blank=True, help_text="The call it is about, if any")
    agency_code = models.CharField(max_length=16, blank=True, help_text="The unit's agency, for units")
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq} {self.event}"

    def message(self) -> dict:
        return {"event": self.event, "seq": self.seq, "data": self.data}

    def announcement(self) -> dict:
        """The message, with whom it concerns: what a server process needs to decide, once per
        agency, whether that agency's programs may see it."""
        return {**self.message(), "call_id": self.call_id, "agency_code": self.agency_code}
