"""Org-chart imports as background jobs: the request stores the file, a Celery worker checks or imports it.

    import_job_create(actor=..., data=..., filename=..., dry_run=...)   store the file; it runs after commit
    import_job_run(job_id=...)           the task's work: check the file, and write it unless a dry run
    import_jobs_tidy()                   delete old files, fail jobs that no worker finished

A redelivered task finds its job claimed and does nothing; a job whose worker died is failed by the
hourly tidy-up (the import writes in one transaction, so such a job wrote nothing) and can be run again.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string

from apps.org import permissions
from apps.org.models import ImportJob, Person

from . import import_people
from .planning import ImportPlan

logger = logging.getLogger(__name__)
Status = ImportJob.Status
# A job still `running` this long after it started belongs to a worker that is gone (the task's limit is lower).
IMPORT_STALLED_SECONDS = 3600
NEVER_FINISHED = "The job never finished; nothing was written. Upload the file again."
PROBLEMS_KEPT = 1000  # every problem when a file has a few; the command lists them all
WARNINGS_KEPT = 200
CHANGES_KEPT = 50  # per kind of change, for the page's preview


def import_job_create(
    *,
    actor: Person,
    data: bytes,
    filename: str,
    dry_run: bool,
    confirm_deactivations: int | None = None,
    allow_new_root: bool = False,
) -> ImportJob:
    """Store the file and queue its check (or import); it runs once this transaction commits. The options are
    import_people's (apps.org.importing.safety)."""
    if not permissions.can_manage_org(actor):
        raise PermissionDenied("Only HR and admins import people.")
    job = ImportJob(
        requested_by=actor,
        filename=filename[:255],
        dry_run=dry_run,
        confirm_deactivations=confirm_deactivations,
        allow_new_root=allow_new_root,
    )
    job.file.save(f"people-{get_random_string(16)}", ContentFile(data), save=False)
    job.save()
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def import_job_again(
    *, actor: Person, job: ImportJob, dry_run: bool, confirm_deactivations: int | None = None
) -> ImportJob:
    """The same file once more, with the same new-top-unit option: the import after its check (with the count of
    deactivations typed to confirm it), or a check after the organisation changed."""
    with job.file.open("rb") as file:
        return import_job_create(
            actor=actor,
            data=file.read(),
            filename=job.filename,
            dry_run=dry_run,
            confirm_deactivations=confirm_deactivations,
            allow_new_root=job.allow_new_root,
        )


def _enqueue(job_id: int) -> None:
    from apps.org import tasks

    tasks.run_import.delay(job_id)


def _claim(job_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=Status.QUEUED) | Q(
        status=Status.RUNNING, started_at__lt=now - timedelta(seconds=IMPORT_STALLED_SECONDS)
    )
    return ImportJob.objects.filter(claimable, pk=job_id).update(status=Status.RUNNING, started_at=now) == 1


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Check the job's file and, unless it is a dry run, import it. Does nothing for a job already claimed or
    finished; a failure marks the job failed (with the reason) instead of raising."""
    if not _claim(job_id):
        return ImportJob.objects.filter(pk=job_id).first()
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        with job.file.open("rb") as file:
            data = file.read()
        plan = import_people(
            actor=job.requested_by,
            data=data,
            filename=job.filename,
            dry_run=job.dry_run,
            job_id=job.pk,
            confirm_deactivations=job.confirm_deactivations,
            allow_new_root=job.allow_new_root,
        )
        status = Status.DONE if plan.ok else Status.REFUSED
        fields = {"status": status, "applied": plan.applied, "result": job_result(plan)}
    except Exception as exc:
        logger.exception("Import job %s failed", job_id)
        fields = {"status": Status.FAILED, "error": str(exc)[:2000] or type(exc).__name__}
    ImportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(finished_at=timezone.now(), **fields)
    job.refresh_from_db()
    return job


def job_result(plan: ImportPlan) -> dict:
    """What a finished job keeps of its plan (JSON): the figures, the problems, and the first changes of each kind."""
    return {
        "counts": plan.counts,
        "has_changes": plan.has_changes,
        "confirmation_count": plan.confirmation_count,  # the number to type to confirm, or None
        "active_people": plan.active_people,
        "problems": [_problem(p) for p in plan.problems[:PROBLEMS_KEPT]],
        "problem_count": len(plan.problems),
        "warnings": [_problem(p) for p in plan.warnings[:WARNINGS_KEPT]],
        "warning_count": len(plan.warnings),
        "ignored_columns": plan.ignored_columns,
        "new_units": ["/".join(path) for path in plan.new_units[:CHANGES_KEPT]],
        "creates": [_created(plan, change) for change in plan.creates[:CHANGES_KEPT]],
        "updates": [_changed(plan, change) for change in plan.updates[:CHANGES_KEPT]],
        "deactivations": [_changed(plan, change) for change in plan.deactivations[:CHANGES_KEPT]],
    }


def _problem(problem) -> dict:
    return {"row": problem.row, "column": problem.column, "message": problem.message}


def _created(plan: ImportPlan, change) -> dict:
    values = {column: new for column, _, new in plan.describe(change)}
    return {"row": change.row, "employee_id": change.employee_id, "username": plan.usernames[change.employee_id]} | {
        column: values.get(column) for column in ("name", "email", "unit_path", "manager_id", "role", "active")
    }


def _changed(plan: ImportPlan, change) -> dict:
    return {
        "row": change.row,
        "employee_id": change.employee_id,
        "name": change.name,
        "fields": [list(field) for field in plan.describe(change)],
    }


def import_jobs_tidy(*, now=None) -> int:
    """Delete the files of jobs finished more than IMPORT_KEEP_HOURS ago; fail jobs that no worker finished.
    Returns how many files were deleted."""
    now = now or timezone.now()
    stalled = now - timedelta(seconds=IMPORT_STALLED_SECONDS * 2)
    ImportJob.objects.filter(status__in=(Status.QUEUED, Status.RUNNING), created__lt=stalled).update(
        status=Status.FAILED,
        error="The job never finished; nothing was written. Upload the file again.",
        finished_at=now,
    )
    old = ImportJob.objects.filter(finished_at__lte=now - timedelta(hours=settings.IMPORT_KEEP_HOURS)).exclude(file="")
    deleted = 0
    for job in old.iterator():
        job.file.delete(save=False)
        deleted += ImportJob.objects.filter(pk=job.pk).update(file="")
    return deleted
