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
