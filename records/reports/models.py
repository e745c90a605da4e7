from django.conf import settings
from django.db import models


class ReportRun(models.Model):
    """A report asked for, made by a Celery worker into one file, then frozen: the file's SHA-256 and
    the parameters are kept, so the report handed to a council can be made again and compared."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        CSV = "csv", "CSV"

    report = models.CharField(max_length=32)
    params = models.JSONField(help_text="from, to and the report's other parameters, as asked")
    format = models.CharField(max_length=8, choices=Format.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    # A scheduled run's name (e.g. "compliance:2026-11"): beat asking twice makes one run.
    key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life of its worker")
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.CharField(max_length=200, blank=True, help_text="Under CAD_REPORTS_DIR")
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.report} {self.params.get('from')}–{self.params.get('to')} ({self.format}, {self.status})"
        )


class CommittedLevel(models.Model):
    """How long, one local day, a discipline's staffed units had `level` assignments open (dispatch to
    clearing): the running count behind the minutes with no unit free, kept for days that are over so
    a year's report adds a few thousand rows instead of sweeping millions of moves. Made from the
    assignments (records.reports.daily_counts), thrown away and made again when a change touches the day."""

    zone = models.CharField(max_length=64, help_text="The time zone whose day this is")
    day = models.DateField()
    discipline = models.ForeignKey("cad.Discipline", on_delete=models.CASCADE, related_name="+")
    level = models.IntegerField(help_text="Assignments open at once")
    seconds = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "day", "discipline", "level"], name="committed_level_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.discipline_id}: {self.seconds:.0f} s at {self.level}"


class OpenCallsDay(models.Model):
    """One local day's calls open at once (received to closed, duplicates left out): how many at its
    midnight, the most its own calls' arrivals brought the count to and when first: the peak of any
    range is the highest of its days' (or the first day's midnight count). Kept for days that are over,
    made again when a change touches the day, as CommittedLevel is."""

    zone = models.CharField(max_length=64, help_text="The time zone whose day this is")
    day = models.DateField()
    at_start = models.IntegerField(help_text="Calls open at the day's midnight")
    peak = models.IntegerField(null=True, blank=True, help_text="Most open at once after an arrival that day")
    peak_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["zone", "day"], name="open_calls_day_once")]

    def __str__(self) -> str:
        return f"{self.day}: {self.peak} at most"


class WorkloadChange(models.Model):
    """A stretch of time whose committed units or open calls changed: an assignment or a call added,
    its times (or unit, or master call) changed, or removed (its old and new times), or a unit's
    discipline or agency or an agency's kind (all time: no ends). Written by database triggers on
    those tables, so no path that writes them (a service, the admin, a bulk load, a test) can forget
    it; the days it touches are made again before the next report reads them."""

    class Counts(models.TextChoices):
        UNITS = "units", "Committed units"
        CALLS = "calls", "Open calls"

    counts = models.CharField(max_length=8, choices=Counts.choices)
    start_at = models.DateTimeField(null=True, blank=True, help_text="Empty: from the first day")
    end_at = models.DateTimeField(null=True, blank=True, help_text="Empty: still open, or for ever")

    def __str__(self) -> str:
        return f"{self.counts} {self.start_at or '…'} – {self.end_at or '…'}"
