"""Celery tasks: take ids, call one service, idempotent (acks_late and redelivery come from settings)."""

from celery import shared_task

from .importing import jobs


# 100,000 people import in about a minute; the limits leave room for a busy database.
@shared_task(time_limit=1800, soft_time_limit=1740)
def run_import(job_id: int) -> str | None:
    """Check (and unless a dry run, import) an import job's file; nothing happens for a job already claimed."""
    job = jobs.import_job_run(job_id=job_id)
    return job.status if job is not None else None


@shared_task
def tidy_import_jobs() -> int:
    """Delete old import files and fail jobs no worker finished (the beat schedule runs this hourly)."""
    return jobs.import_jobs_tidy()
