"""Celery tasks: take ids, call one service, idempotent.

Late acknowledgement, redelivery when a worker dies and the default time limits are set once for every task
in settings (CELERY_TASK_*); a task names only the limits it needs beyond them.
"""

from celery import shared_task

from . import dirty, rollup


@shared_task
def rollup_goals(goal_ids: list[int]) -> int:
    """Recompute these goals and their ancestors."""
    return rollup.recompute_goals(goal_ids)


@shared_task
def rollup_pending() -> int:
    """Recompute everything changed since the last pass (the coalesced path)."""
    ids = dirty.take_pending()
    try:
        return rollup.recompute_goals(ids)
    except Exception:
        dirty.give_back(ids)
        raise


@shared_task(time_limit=3600, soft_time_limit=3500)
def recompute_all_progress() -> int:
    """Repair: recompute the whole cascade."""
    return rollup.recompute_all()
