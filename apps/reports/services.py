"""Writes of the reports app: export jobs (create, run, expire).

A job is created by HR or an admin and run by a Celery task after the creating transaction
commits (in the embedded mode, at once, in the request). Running claims the job with a
compare-and-swap on its status, so a task delivered twice (acks_late) builds the file once; a
job left `running` by a worker that died is taken over after EXPORT_STALLED_SECONDS.
"""

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string

from apps.cycles.models import Cycle
from apps.org.models import Person, Unit

from . import csvcopy, export, permissions, tables
from .models import ExportJob
from .renderers import Counter, XLSXRenderer
from .selectors import alignment_summary

logger = logging.getLogger(__name__)

# A job still `running` this long after it started belongs to a worker that is gone (the task's hard limit is lower).
EXPORT_STALLED_SECONDS = 3600
Status = ExportJob.Status


def export_job_create(*, actor: Person, format: str, cycle: Cycle | None = None, unit: Unit | None = None) -> ExportJob:
    """Queue an export of the alignment report; it runs once this transaction commits."""
    if not permissions.can_view_alignment_report(actor):
        raise PermissionDenied("Only HR and admins export the alignment report.")
    job = ExportJob.objects.create(requested_by=actor, format=format, cycle=cycle, unit=unit)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from . import tasks

    tasks.run_export.delay(job_id)


def _claim(job_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=Status.QUEUED) | Q(
        status=Status.RUNNING, started_at__lt=now - timedelta(seconds=EXPORT_STALLED_SECONDS)
    )
    claimed = ExportJob.objects.filter(claimable, pk=job_id).update(
        status=Status.RUNNING, started_at=now, progress=0, rows=0, error=""
    )
    return claimed == 1


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Build the job's file, reporting progress on the job as it goes. Does nothing for a job that is finished or
    being built; a failure marks the job failed (with the reason) instead of raising."""
    if not _claim(job_id):
        return ExportJob.objects.filter(pk=job_id).first()
    job = ExportJob.objects.select_related("cycle", "unit").get(pk=job_id)
    try:
        _build(job)
    except Exception as exc:
        logger.exception("Export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
            status=Status.FAILED, error=str(exc)[:2000] or type(exc).__name__, finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def _build(job: ExportJob) -> None:
    # A CSV's goal lists are read by the database while the summary is worked out here (apps.reports.csvcopy).
    lists = csvcopy.lists_started(job.cycle, job.unit) if job.format == ExportJob.Format.CSV else None
    try:
        _build_file(job, lists)
    finally:
        if lists is not None:
            lists.close()


def _build_file(job: ExportJob, lists: csvcopy.Lists | None) -> None:
    summary = alignment_summary(job.cycle, unit=job.unit, shown=None)
    sections = tables.sheets(summary)
    expected = max(1, export.expected_rows(sections, job.format))

    def report(rows: int) -> None:
        progress = min(99, rows * 100 // expected)
        ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(progress=progress, rows=rows)

    counter = Counter(report)
    with tempfile.TemporaryFile() as file:
        if job.format == ExportJob.Format.CSV:
            csvcopy.write_csv(summary, file, counter, lists)
        elif job.format == ExportJob.Format.ZIP:
            tables.write_zip(sections, file, job.member_name, counter)
        else:
            XLSXRenderer().write(sections, file, counter)
        file.seek(0)
        name = f"alignment-{job.pk}-{get_random_string(12)}.{job.format}"
        job.file.save(name, File(file), save=False)
    finished = timezone.now()
    done = ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=Status.DONE,
        progress=100,
        rows=counter.rows,
        file=job.file.name,
        finished_at=finished,
        expires_at=finished + timedelta(hours=settings.EXPORT_EXPIRES_HOURS),
    )
    if not done:  # someone else finished or expired it meanwhile: keep theirs, drop ours
        job.file.delete(save=False)


def export_job_is_expired(job: ExportJob, now=None) -> bool:
    now = now or timezone.now()
    return job.status == Status.EXPIRED or (job.expires_at is not None and job.expires_at <= now)


def exports_expire(*, now=None) -> int:
    """Delete the files of jobs past their expiry and mark them expired; fail jobs that never finished."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(status=Status.DONE, expires_at__lte=now).iterator():
        if job.file:
            job.file.delete(save=False)
        expired += ExportJob.objects.filter(pk=job.pk, status=Status.DONE).update(status=Status.EXPIRED, file="")
    stalled = now - timedelta(seconds=EXPORT_STALLED_SECONDS * 2)
    ExportJob.objects.filter(status__in=(Status.QUEUED, Status.RUNNING), created__lt=stalled).update(
        status=Status.FAILED, error="The export never finished.", finished_at=now
    )
    return expired
