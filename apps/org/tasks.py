"""Celery tasks: take ids, call one service, idempotent (acks_late and redelivery come from settings)."""

import smtplib

from celery import shared_task

from . import invitations
from .importing import jobs

# A relay that is down or refuses for a while: try again after 30 s, 1 min, 2 min… up to an hour apart, 8 times
# (about four hours in all); the sweep takes over after that.
MAIL_RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


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


# A batch is at most invitations.BATCH_SIZE mails on one SMTP connection.
@shared_task(time_limit=900, soft_time_limit=870, **MAIL_RETRY)
def send_account_mails(mail_ids: list[int]) -> int:
    """Send the invitations and reset mails among `mail_ids` that are still due; a second run sends nothing."""
    return invitations.account_mails_send(mail_ids=mail_ids)


@shared_task(time_limit=1800, soft_time_limit=1740)
def send_due_mails() -> int:
    """Send the mails whose task was lost (the beat schedule runs this every five minutes)."""
    return invitations.account_mails_send_due()
