"""Export jobs: a large organisation's report, built in the background and kept for a while."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
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


class FigureScope(models.Model):
    """A scope of cycles whose alignment figures are stored (apps.reports.stored): the cycles one report covers —
    a cycle and those inside it, or every active cycle and those inside them — as of `day` (staleness and health
    depend on the day: a scope stored on an earlier day is computed again before it is read)."""

    key = models.CharField(max_length=255, unique=True)  # the cycle ids, sorted, comma-separated
    cycle_ids = models.JSONField(default=list)
    day = models.DateField()
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Report figures of cycles {self.key} on {self.day}"


# A team's median days between check-ins (UnitFigures.cadence), -1 without one (every median is 0 or more): the
# slowest teams are read first along the index below, whatever the number of teams.
SLOWEST = Coalesce(Cast(KT("cadence__1"), models.FloatField()), models.Value(-1.0))


class UnitFigures(models.Model):
    """One unit's own figures in one scope — the counts apps.reports.figures takes per unit, as {name: count} without
    the zeros — and the same rolled up the unit tree (`rolled`). The row without a unit holds the active people who
    have none."""

    scope = models.ForeignKey(FigureScope, on_delete=models.CASCADE, related_name="rows")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    counts = models.JSONField(default=dict)
    # The unit's check-in cadence (apps.reports.cadence): [check-ins, median days, active goals, mean progress], null
    # for a unit with neither check-ins nor active goals.
    cadence = models.JSONField(null=True, blank=True)
    # The unit's figures rolled up the unit tree (its own and those of every unit under it), without the zeros: kept
    # with `counts` (a refresh adds each changed unit's difference to it and to every unit above), so that a report
    # reads the rows it shows instead of rolling up the whole organisation. Every unit has a row.
    rolled = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("scope", "unit"), name="unit_figures_once_per_scope"),
            models.UniqueConstraint(
                fields=("scope",), condition=models.Q(unit__isnull=True), name="unit_figures_no_unit_once_per_scope"
            ),
        ]
        indexes = [
            models.Index(
                F("scope"),
                SLOWEST.desc(),
                F("unit"),
                condition=models.Q(cadence__isnull=False),
                name="unit_figures_slowest",
            ),
        ]

    def __str__(self) -> str:
        return f"Figures of unit {self.unit_id} in {self.scope_id}"


class PendingFigures(models.Model):
    """An outbox: a unit (or people without one, null) and a cycle whose stored figures a goal write made stale in a
    way the rollup's path does not show (a goal moved to another unit, owner or cycle, a title, a subtree moved, an
    intent published). Recorded in the writer's transaction, consumed by the next rollup drain."""

    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"Figures of unit {self.unit_id} in cycle {self.cycle_id} to refresh"
