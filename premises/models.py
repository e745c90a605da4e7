from datetime import date, datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cad.history import AppendOnlyModel
from premises.choices import FlagKind, Occupancy, PermitStatus

FLAG_RADIUS_MAX_M = 5000  # flags are looked for this far around a place


class Beat(models.Model):
    """A patrol beat or zone: an area a unit covers, drawn as a GeoJSON polygon."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=128)
    boundary = models.JSONField(
        null=True, blank=True, help_text="GeoJSON Polygon geometry, coordinates as [lon, lat]"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Street(models.Model):
    """A named street, kept in its normalized form (e.g. "MAIN ST", "3RD AVE")."""

    name = models.CharField(max_length=128, unique=True)
    city = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StreetSegment(models.Model):
    """One block of a street with its address range, from one corner to the next."""

    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="segments")
    from_number = models.PositiveIntegerField()
    to_number = models.PositiveIntegerField()
    start_lat = models.FloatField()
    start_lon = models.FloatField()
    end_lat = models.FloatField()
    end_lon = models.FloatField()
    derived = models.BooleanField(
        default=False, help_text="Drawn between imported address points, not from a segment file"
    )

    class Meta:
        ordering = ["street", "from_number"]
        indexes = [models.Index(fields=["street", "from_number", "to_number"])]

    def __str__(self) -> str:
        return f"{self.from_number}-{self.to_number} {self.street.name}"


class Address(models.Model):
    """An address point: where a house number on a street is."""

    number = models.PositiveIntegerField()
    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="addresses")
    unit = models.CharField(max_length=16, blank=True)
    city = models.CharField(max_length=64, blank=True)
    postcode = models.CharField(max_length=16, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    beat = models.ForeignKey(Beat, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    label = models.CharField(max_length=200, db_index=True, help_text="Normalized, e.g. 123 MAIN ST")

    class Meta:
        ordering = ["street__name", "number", "unit"]
        verbose_name_plural = "addresses"
        indexes = [models.Index(fields=["lat", "lon"], name="address_point")]  # coordinates → nearest
        constraints = [
            models.UniqueConstraint(fields=["street", "number", "unit"], name="address_unique_point"),
        ]

    def __str__(self) -> str:
        return self.label


class Intersection(models.Model):
    """Where two streets meet, named both ways round for lookup."""

    street_a = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="+")
    street_b = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="+")
    lat = models.FloatField()
    lon = models.FloatField()
    beat = models.ForeignKey(Beat, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["street_a__name", "street_b__name"]
        constraints = [
            models.UniqueConstraint(fields=["street_a", "street_b"], name="intersection_unique_pair"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.street_a.name} / {self.street_b.name}"


class CommonPlace(models.Model):
    """A place called by its name ("CITY HALL", a school, a business), at an address or a point."""

    name = models.CharField(max_length=128)
    key = models.CharField(max_length=128, unique=True, help_text="The name normalized, for lookup")
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, null=True, blank=True, related_name="common_places"
    )
    lat = models.FloatField()
    lon = models.FloatField()
    beat = models.ForeignKey(Beat, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class CommonPlaceAlias(models.Model):
    """Another name callers use for a common place ("HIGH SCHOOL" for "DEMO CITY HIGH SCHOOL")."""

    place = models.ForeignKey(CommonPlace, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=128)
    key = models.CharField(max_length=128, unique=True)

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "common place aliases"

    def __str__(self) -> str:
        return self.name


def _unexpired(at: datetime) -> Q:
    return Q(expires_at__isnull=True) | Q(expires_at__gt=at)


_AWAITING_APPROVAL = Q(requires_approval=True, approved_at__isnull=True)


class PremiseFlagQuerySet(models.QuerySet):
    """The one definition of which flags reach calls: active ones are unexpired and approved
    where approval is needed; the model's `state` says the same of one flag."""

    def active(self, at: datetime) -> "PremiseFlagQuerySet":
        return self.filter(_unexpired(at)).exclude(_AWAITING_APPROVAL)

    def awaiting_approval(self, at: datetime) -> "PremiseFlagQuerySet":
        return self.filter(_unexpired(at)).filter(_AWAITING_APPROVAL)

    def expired(self, at: datetime) -> "PremiseFlagQuerySet":
        return self.exclude(_unexpired(at))


class PremiseFlag(models.Model):
    """What responders must know about a place: a hazard, a medical note, a contact, a gate code."""

    kind = models.CharField(max_length=32, choices=FlagKind.choices)
    text = models.TextField()
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, null=True, blank=True, related_name="premise_flags",
        help_text="The address it belongs to; or leave empty and give a point and a radius",
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    radius_m = models.PositiveIntegerField(
        null=True, blank=True, help_text=f"metres around the point, 1 to {FLAG_RADIUS_MAX_M}",
        validators=[MinValueValidator(1), MaxValueValidator(FLAG_RADIUS_MAX_M)],
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    confidential = models.BooleanField(default=False, help_text="Who reads it is recorded")
    requires_approval = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PremiseFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("approve_premiseflag", "Can approve premise flags")]
        constraints = [
            models.CheckConstraint(
                condition=Q(address__isnull=False)
                | Q(lat__isnull=False, lon__isnull=False, radius_m__isnull=False),
                name="premiseflag_has_a_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.where}"

    @property
    def where(self) -> str:
        if self.address_id:
            return self.address.label
        return f"{self.radius_m} m around {self.lat:.6f}, {self.lon:.6f}"

    @property
    def approved(self) -> bool:
        return not self.requires_approval or self.approved_at is not None

    def state(self, at: datetime) -> str:
        """"expired", "awaiting approval" or "active" (it reaches calls), as the queryset has it."""
        if self.expires_at is not None and self.expires_at <= at:
            return "expired"
        return "active" if self.approved else "awaiting approval"


class PremiseFlagRead(AppendOnlyModel):
    """Who read a confidential flag, when, and on which call. Appended, never changed."""

    # Null when what was read is a call's copy of a flag since removed from the records.
    flag = models.ForeignKey(
        PremiseFlag, on_delete=models.PROTECT, null=True, blank=True, related_name="reads")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    # Plain ids, not keys: premises sits below calls and must not import it.
    call_id = models.BigIntegerField(null=True, blank=True)
    call_flag_id = models.BigIntegerField(
        null=True, blank=True, help_text="The call's copy of the flag that was read (calls.CallPremiseFlag)")
    call_number = models.CharField(max_length=16, blank=True)
    context = models.CharField(max_length=32, blank=True, help_text="lookup, call, admin, …")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["flag", "at"])]

    def __str__(self) -> str:
        return f"{self.by} read flag {self.flag_id} at {self.at:%Y-%m-%d %H:%M:%S}"


class AlarmPermit(models.Model):
    """An alarm user's permit for one alarm site (false-alarm ordinances bill its holder)."""

    number = models.CharField(max_length=32, unique=True)
    holder_name = models.CharField(max_length=128)
    holder_mailing_address = models.TextField(
        blank=True, help_text="Where bills go; without one, false-alarm bills are held as needing an address")
    holder_email = models.EmailField(blank=True, help_text="False-alarm notices are also emailed here")
    mail_returned_on = models.DateField(
        null=True, blank=True, help_text="A notice came back undeliverable on this day: bills are held until "
                                         "the mailing address is corrected and this is cleared")
    site_address = models.ForeignKey(
        Address, on_delete=models.PROTECT, null=True, blank=True, related_name="alarm_permits",
        help_text="The alarm site in the street file; or leave empty and give its address and point",
    )
    site_text = models.CharField(max_length=200, blank=True, help_text="The site as written")
    site_lat = models.FloatField(null=True, blank=True)
    site_lon = models.FloatField(null=True, blank=True)
    alarm_company = models.CharField(max_length=128, blank=True)
    company_contact = models.CharField(max_length=128, blank=True)
    company_phone = models.CharField(max_length=32, blank=True)
    occupancy = models.CharField(max_length=16, choices=Occupancy.choices)
    issued_on = models.DateField()
    expires_on = models.DateField()
    status = models.CharField(max_length=16, choices=PermitStatus.choices, default=PermitStatus.ACTIVE)
    suspension_flagged_on = models.DateField(
        null=True, blank=True,
        help_text="The day its false alarms reached the ordinance's suspension threshold (set by the billing "
                  "run). Information for the clerks who decide, and for dispatchers on its alarm calls: it "
                  "never holds a dispatch back. Clear it when the matter is settled")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(site_address__isnull=False)
                | Q(site_lat__isnull=False, site_lon__isnull=False),
                name="alarmpermit_has_a_site",
            ),
            models.CheckConstraint(condition=Q(expires_on__gte=models.F("issued_on")),
                                   name="alarmpermit_expires_after_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.site}"

    @property
    def site(self) -> str:
        return self.site_address.label if self.site_address_id else self.site_text

    @property
    def needs_address(self) -> bool:
        """Nothing can be mailed: no mailing address, or the last notice came back."""
        return not self.holder_mailing_address.strip() or self.mail_returned_on is not None

    def standing(self, on: date) -> str:
        """"active", "expired", "suspended" or "revoked" on that day."""
        if self.status != PermitStatus.ACTIVE:
            return self.status
        if on > self.expires_on:
            return "expired"
        if on < self.issued_on:
            return "not yet valid"
        return "active"
