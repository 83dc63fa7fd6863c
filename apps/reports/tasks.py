"""Celery tasks: take ids, call one service, idempotent."""

from celery import shared_task

from . import services

# An export of 100,000 people takes well under a minute; the limits leave room for a busy database.
EXPORT_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "time_limit": 1800, "soft_time_limit": 1740}


@shared_task(**EXPORT_OPTIONS)
def run_export(job_id: int) -> str | None:
    """Build an export job's file (nothing happens for a job that is finished or being built)."""
    job = services.export_job_run(job_id=job_id)
    return job.status if job is not None else None


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def delete_expired_exports() -> int:
    """Delete expired export files (the beat schedule runs this hourly)."""
    return services.exports_expire()
