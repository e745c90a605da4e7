"""The records an inquiry searches, kept by records clerks, and the inquiries themselves (kept as
made, never edited). Registered with the records app through records/models.py."""

import uuid
from pathlib import PurePath

import pgtrigger
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.deconstruct import deconstructible

from cad.history import AppendOnlyModel
from calls.models import Call
from records.inquiries.choices import (
    BoloKind,
    CautionCode,
    Extradition,
    IdentifierKind,
    InquiryKind,
    MissingCategory,
    Purpose,
    Sex,
    WarrantStatus,
)


def stamped_by() -> models.ForeignKey:
    return models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", editable=False)


class Person(models.Model):
    """Someone a warrant names."""

    last_name = models.CharField(max_length=60, db_index=True)
    first_name = models.CharField(max_length=60)
    middle_name = models.CharField(max_length=60, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    entered_at = models.DateTimeField(null=True, editable=False)
    entered_by = stamped_by()

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        middle = f" {self.middle_name}" if self.middle_name else ""
        return f"{self.last_name}, {self.first_name}{middle} ({self.date_of_birth:%Y-%m-%d})"


class PersonIdentifier(models.Model):
    """A number that names the person: an operator licence and its state, a state or FBI number."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=3, choices=IdentifierKind.choices)
    number = models.CharField(max_length=30)
    state = models.CharField(max_length=2, blank=True, help_text="Two-letter code of the issuing state")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "number", "state"], name="identifier_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.number} {self.state}".strip()


class Warrant(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="warrants")
    number = models.CharField(max_length=30, unique=True)
    charge = models.CharField(max_length=200)
    court = models.CharField("issuing court", max_length=200)
    issued_on = models.DateField()
    extradition = models.CharField(max_length=12, choices=Extradition.choices, default=Extradition.FULL)
    caution_codes = models.JSONField(default=list, blank=True,
                                     help_text=f"Any of {', '.join(CautionCode.values)}")
    status = models.CharField(max_length=10, choices=WarrantStatus.choices, default=WarrantStatus.ACTIVE)
    status_at = models.DateTimeField(null=True, editable=False)
    status_by = stamped_by()
    entered_at = models.DateTimeField(null=True, editable=False)
    entered_by = stamped_by()

    class Meta:
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return f"Warrant {self.number}: {self.charge}"


class Vehicle(models.Model):
    """A vehicle on record; reported stolen when `stolen_at` is set, until it is recovered."""

    plate = models.CharField(max_length=8, blank=True, db_index=True)
    plate_state = models.CharField(max_length=2, blank=True)
    vin = models.CharField("VIN", max_length=17, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True,
                                            validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    make = models.CharField(max_length=30, blank=True)
    model = models.CharField(max_length=30, blank=True)
    colour = models.CharField(max_length=30, blank=True)
    stolen_at = models.DateTimeField("reported stolen at", null=True, blank=True)
    case_number = models.CharField(max_length=30, blank=True)
    recovered_at = models.DateTimeField(null=True, blank=True)
    entered_at = models.DateTimeField(null=True, editable=False)
    entered_by = stamped_by()

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(plate="") | ~Q(vin=""),
                                              name="vehicle_plate_or_vin")]

    def __str__(self) -> str:
        described = " ".join(str(v) for v in (self.year, self.colour, self.make, self.model) if v)
        return f"{self.plate or self.vin} {self.plate_state} {described}".strip()


PHOTO_TYPES = ["jpg", "jpeg", "png", "gif", "webp"]


@deconstructible
class PhotoStorage(FileSystemStorage):
    """Missing persons' photos, under MEDIA_ROOT: never served as plain files, only by the records
    desk's photo page, to the center's staff and field officers signed in (records.views)."""

    def url(self, name: str) -> str:
        return reverse("records:photo", args=[name])


def photo_name(record: models.Model, filename: str) -> str:
    """A name nobody can guess or collide with; the uploaded file's own name is not kept."""
    return f"missing/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class MissingPerson(models.Model):
    """A missing child or adult (the Locator / NCMEC kind), until located."""

    last_name = models.CharField(max_length=60, db_index=True)
    first_name = models.CharField(max_length=60)
    date_of_birth = models.DateField()
    category = models.CharField(max_length=12, choices=MissingCategory.choices)
    missing_since = models.DateTimeField()
    last_seen = models.CharField("last seen where", max_length=200)
    description = models.TextField(blank=True)
    photo = models.ImageField(upload_to=photo_name, storage=PhotoStorage(), blank=True,
                              validators=[FileExtensionValidator(PHOTO_TYPES)])
    located_at = models.DateTimeField(null=True, blank=True)
    entered_at = models.DateTimeField(null=True, editable=False)
    entered_by = stamped_by()

    class Meta:
        verbose_name_plural = "missing persons"

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.get_category_display()})"

    @property
    def photo_url(self) -> str:
        """Where staff and officers signed in see the photo; empty when there is none."""
        return self.photo.url if self.photo else ""


class Bolo(models.Model):
    """Be on the lookout: until it expires or is cancelled."""

    kind = models.CharField(max_length=8, choices=BoloKind.choices)
    subject = models.TextField(help_text="Who or what to look for, as broadcast")
    plate = models.CharField(max_length=8, blank=True, db_index=True)
    plate_state = models.CharField(max_length=2, blank=True)
    last_name = models.CharField(max_length=60, blank=True,
                                 help_text="A person's last name, to match inquiries")
    first_name = models.CharField(max_length=60, blank=True)
    issued_at = models.DateTimeField()
    issued_by = stamped_by()
    expires_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "BOLO"
        constraints = [models.CheckConstraint(condition=Q(expires_at__gt=models.F("issued_at")),
                                              name="bolo_expires_after_issue")]

    def __str__(self) -> str:
        return f"BOLO {self.get_kind_display().lower()}: {self.subject[:60]}"


class Inquiry(AppendOnlyModel):
    """One inquiry as made: who, when, what was asked, why, and what came back."""

    at = models.DateTimeField(db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING,
                           db_constraint=False, related_name="+")
    username = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=8, choices=InquiryKind.choices)
    terms = models.JSONField(default=dict)
    purpose = models.CharField(max_length=1, choices=Purpose.choices)
    reason = models.CharField(max_length=200, blank=True)
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")
    hits = models.JSONField(default=list)
    hit_count = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=300)

    class Meta:
        verbose_name_plural = "inquiries"
        ordering = ["-at", "-id"]
        triggers = [pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or 'system'} {self.kind}: {self.summary}"
