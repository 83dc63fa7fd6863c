"""Celery tasks: take ids, call one service, idempotent.

Late acknowledgement, redelivery when a worker dies and the default time limits are set once for every task
in settings (CELERY_TASK_*); a task names only the limits it needs beyond them.
"""

from celery import shared_task
from celery.signals import worker_ready

from . import dirty, rollup


@shared_task
def rollup_pending() -> int:
    """Roll up every goal in the outbox (woken after writes, and swept periodically)."""
    return dirty.drain()


@shared_task(time_limit=3600, soft_time_limit=3500)
def recompute_all_progress() -> int:
    """Repair: recompute the whole cascade."""
    return rollup.recompute_all()


@worker_ready.connect
def _drain_on_start(sender=None, **kwargs) -> None:
    """A worker that starts (after a crash, say) first rolls up what the outbox holds."""
    rollup_pending.delay()
