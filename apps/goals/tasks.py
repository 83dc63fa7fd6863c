"""Celery tasks: take ids, call one service, idempotent."""

from celery import shared_task

from . import dirty, rollup

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "time_limit": 300, "soft_time_limit": 240}


@shared_task(**TASK_OPTIONS)
def rollup_goals(goal_ids: list[int]) -> int:
    """Recompute these goals and their ancestors."""
    return rollup.recompute_goals(goal_ids)


@shared_task(**TASK_OPTIONS)
def rollup_pending() -> int:
    """Recompute everything changed since the last pass (the coalesced path)."""
    ids = dirty.take_pending()
    try:
        return rollup.recompute_goals(ids)
    except Exception:
        dirty.give_back(ids)
        raise


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=3600, soft_time_limit=3500)
def recompute_all_progress() -> int:
    """Repair: recompute the whole cascade."""
    return rollup.recompute_all()
