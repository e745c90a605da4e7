from django.conf import settings
from django.db import models
from django.utils import timezone

from cad.history import AppendOnlyModel
from cad.models import Agency, Discipline
from premises.models import Beat
from units.choices import EIDO_STATUS, UnitStatus, UnitType


class Station(models.Model):
    """Where units are housed: a recommendation places a unit here when its location is stale."""

    name = models.CharField(max_length=128, unique=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="stations"
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """Something that can be sent: a patrol car, an engine, a medic, a city crew."""

    callsign = models.CharField(max_length=16, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    unit_type = models.CharField(max_length=32, choices=UnitType.choices)
    discipline = models.ForeignKey(Discipline, on_delete=models.PROTECT, related_name="units")
    capabilities = models.JSONField(
        default=list, blank=True, help_text='What it can do, e.g. ["patrol", "k9"] or ["engine", "als"]'
    )
    home_beat = models.ForeignKey(Beat, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    station = models.ForeignKey(
        Station, on_delete=models.SET_NULL, null=True, blank=True, related_name="units"
    )
    status = models.CharField(max_length=32, choices=UnitStatus.choices, default=UnitStatus.AVAILABLE)
    status_since = models.DateTimeField(default=timezone.now)
    # The call it is working, kept as the call's id and number (units sit below calls and do not
    # point at them); set only with its status, by the services. Its assignment is the record.
    current_call_id = models.BigIntegerField(null=True, blank=True, help_text="The call it is working")
    current_call_number = models.CharField(max_length=16, blank=True)
    last_lat = models.FloatField(null=True, blank=True)
    last_lon = models.FloatField(null=True, blank=True)
    location_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="Last officer-safety status check acknowledged in this status"
    )

    class Meta:
        ordering = ["agency__code", "callsign"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.callsign

    @property
    def eido_status(self) -> tuple[str, str]:
        return EIDO_STATUS[UnitStatus(self.status)]


class UnitStatusChange(AppendOnlyModel):
    """Append-only history of a unit's statuses: who changed it, when, on which call."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="status_history")
    from_status = models.CharField(max_length=32, choices=UnitStatus.choices)
    to_status = models.CharField(max_length=32, choices=UnitStatus.choices)
    at = models.DateTimeField(db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    call_number = models.CharField(max_length=16, blank=True, help_text="The call it was working")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.from_status} → {self.to_status}"


class Officer(models.Model):
    """A person in the field who may sign on to the units of one agency (the unit terminal)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officers")

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.agency.code})"


class Shift(models.Model):
    """The roster: who is signed on to which unit, from when to when. Kept as history: ending a
    shift stamps it, and a second sign-on starts a new row. One open shift per person."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="shifts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shifts")
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(ended_at__isnull=True),
                                    name="one_open_shift_per_person"),
        ]
        indexes = [models.Index(fields=["unit", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.unit}"


class FieldAction(models.Model):
    """A change a unit terminal made, perhaps offline and sent later: applied once per client id
    (a replay is answered as the first time, never applied again), with the device's time beside
    the server's. The change itself is stamped with the server's time, as every other."""

    client_id = models.UUIDField(unique=True, help_text="Chosen by the terminal when the change was made")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32)
    device_at = models.DateTimeField(null=True, blank=True, help_text="When the device says it was made")
    received_at = models.DateTimeField(help_text="When the server applied it")
    status_code = models.PositiveSmallIntegerField()
    answer = models.JSONField(default=dict)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id}"
