"""Celery tasks: take ids, call one service, idempotent (acks_late and redelivery come from settings)."""

from celery import shared_task

from apps.org.tasks import MAIL_RETRY

from . import digests


# 100,000 people: the scans read goals in batches of a thousand; the limits leave room for a busy database.
@shared_task(time_limit=1800, soft_time_limit=1740)
def run_digests(ignore_window: bool = False) -> dict[str, int]:
    """The hourly job: reminders, escalations, off-track goals, then the digests whose morning it is."""
    return digests.digest_job_run(ignore_window=ignore_window)


@shared_task(time_limit=900, soft_time_limit=870, **MAIL_RETRY)
def send_digests(digest_ids: list[int]) -> int:
    """Send the digests among `digest_ids` still due; a second run sends nothing."""
    return digests.digests_send(digest_ids=digest_ids)


@shared_task(time_limit=1800, soft_time_limit=1740)
def send_due_digests() -> int:
    """Send the digests whose task was lost (the beat schedule runs this every five minutes)."""
    return digests.digests_send_due()
