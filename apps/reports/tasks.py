"""Celery tasks: take ids, call one service, idempotent (acks_late and redelivery come from settings)."""

from celery import shared_task

from . import services, stored


# An export of 100,000 people takes well under a minute; the limits leave room for a busy database.
@shared_task(time_limit=1800, soft_time_limit=1740)
def run_export(job_id: int) -> str | None:
    """Build an export job's file (nothing happens for a job that is finished or being built)."""
    job = services.export_job_run(job_id=job_id)
    return job.status if job is not None else None


@shared_task(time_limit=600, soft_time_limit=540)
def delete_expired_exports() -> int:
    """Delete expired export files (the beat schedule runs this hourly)."""
    return services.exports_expire()


@shared_task(time_limit=1800, soft_time_limit=1740)
def refresh_report_figures() -> int:
    """The nightly pass over the report's stored figures: a new day moves staleness and health (apps.reports.stored)."""
    return stored.refresh_all()
