"""Export jobs: a large organisation's report, built in the background and kept for a while."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .filenames import download_name


class ExportJob(models.Model):
    """One download of the alignment report, built by a Celery task (apps.reports.tasks.run_export).

    Visible to whoever asked for it and to admins (others are told it does not exist); downloadable while
    it is `done` and not past `expires_at`. The file lives in the default storage, never under a public URL:
    it is served by the download view, which checks both.
    """

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel workbook"
        ZIP = "zip", "CSV tables (ZIP)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    cycle = models.ForeignKey("cycles.Cycle", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=8, choices=Format.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True, max_length=255)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ("-created", "-id")
        indexes = [models.Index(fields=("requested_by", "-created"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="export_progress_0_100"),
        ]

    def __str__(self) -> str:
        return f"Alignment export {self.pk} ({self.format}, {self.status})"

    @property
    def filename(self) -> str:
        """Named for its cycle, unit and the day it was asked for (alignment-FY2026-Sales-2026-11-29.xlsx)."""
        return self.member_name(None, self.format)

    def member_name(self, section: str | None, ext: str = "csv") -> str:
        """The name of the file, or of one section's CSV in the ZIP."""
        cycle, unit = (self.cycle.name if self.cycle_id else None), (self.unit.name if self.unit_id else None)
        on = timezone.localdate(self.created) if self.created else timezone.localdate()
        return download_name(cycle=cycle, unit=unit, on=on, ext=ext, section=section)
