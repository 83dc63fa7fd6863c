"""Marking goals stale and getting them rolled up, once, after the change commits.

Embedded mode (Celery eager): the rollup runs right after commit, in the request.
With Redis: changed goal ids go into one Redis set; the first change in a window schedules
a `rollup_pending` task `ROLLUP_COALESCE_SECONDS` later, and that task rolls up everything
collected so far in one pass. Many check-ins to one cascade thus cost one pass.

The order of operations makes a lost update impossible: a writer adds its ids and *then*
tries to claim the schedule flag; the task *first* clears the flag and then takes the ids.
An id added after the take finds the flag clear and schedules a new task.
"""

from collections.abc import Iterable

import redis
from celery import current_app
from django.conf import settings
from django.db import transaction

DIRTY_KEY = "goalcascade:rollup:dirty"
SCHEDULED_KEY = "goalcascade:rollup:scheduled"
BATCH = 5000


def mark_dirty(goal_ids: Iterable[int | None]) -> None:
    """After the current transaction commits, roll up these goals and their ancestors."""
    ids = sorted({pk for pk in goal_ids if pk})
    if ids:
        transaction.on_commit(lambda: enqueue(ids))


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def enqueue(ids: list[int]) -> None:
    from . import tasks

    if current_app.conf.task_always_eager:
        tasks.rollup_goals.delay(ids)
        return
    client = _redis()
    client.sadd(DIRTY_KEY, *ids)
    schedule_drain(client)


def schedule_drain(client: redis.Redis) -> None:
    from . import tasks

    window = settings.ROLLUP_COALESCE_SECONDS
    if client.set(SCHEDULED_KEY, 1, nx=True, ex=max(int(window * 10), 60)):
        tasks.rollup_pending.apply_async(countdown=window)


def take_pending(client: redis.Redis | None = None) -> list[int]:
    """Claim up to BATCH pending ids; schedules another pass if more remain."""
    client = client or _redis()
    client.delete(SCHEDULED_KEY)
    ids = [int(pk) for pk in client.spop(DIRTY_KEY, BATCH) or []]
    if client.scard(DIRTY_KEY):
        schedule_drain(client)
    return ids


def give_back(ids: list[int], client: redis.Redis | None = None) -> None:
    """Return ids to the pending set (a pass failed) so that a later pass rolls them up."""
    client = client or _redis()
    if ids:
        client.sadd(DIRTY_KEY, *ids)
        schedule_drain(client)
