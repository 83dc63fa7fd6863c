"""Marking goals stale and getting them rolled up: durably, once, after the change commits.

The outbox: `mark_dirty(ids)` records the ids in `PendingRollup` inside the caller's transaction,
so a committed write can never lose its rollup, and a write that rolls back leaves no trace.
After the commit, `wake()` asks for a drain:

- embedded mode (Celery eager): the drain runs right away, in the request;
- with a broker: a `rollup_pending` task is sent `ROLLUP_COALESCE_SECONDS` later, at most once
  per window per process, so many changes to a cascade are rolled up in one pass. Sending it
  may fail (Redis away): the write has committed and stays committed, the failure is logged.

`drain()` takes a batch of rows with `FOR UPDATE SKIP LOCKED` (drains running side by side
take different rows), recomputes their goals and all above them (ancestors, and the targets of their
`contributes` links with theirs: apps.goals.rollup), and deletes the rows in
the same transaction. Recomputing is idempotent, so a batch done twice changes nothing. A beat
job every `ROLLUP_SWEEP_SECONDS` and every worker on start drain whatever is left: a killed
worker, a lost message or a Redis outage delays figures, never loses them.
"""

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from celery import current_app
from django.conf import settings
from django.db import transaction

from . import rollup, signals
from .models import PendingRollup

logger = logging.getLogger(__name__)
BATCH = 5000
_next_wake = 0.0  # monotonic time before which this process has a drain on its way already
# While `deferred()` runs: the goal ids marked so far, recorded when it ends instead of one by one.
_deferred: ContextVar[set[int] | None] = ContextVar("rollup_deferred", default=None)


def mark_dirty(goal_ids: Iterable[int | None]) -> None:
    """Record that these goals (and so what is above them: ancestors, link targets) need a rollup; it runs after the
    transaction commits."""
    ids = sorted({pk for pk in goal_ids if pk})
    if not ids:
        return
    collecting = _deferred.get()
    if collecting is not None:
        collecting.update(ids)
        return
    PendingRollup.objects.bulk_create([PendingRollup(goal_id=pk) for pk in ids])
    transaction.on_commit(wake)


@contextmanager
def deferred() -> Iterator[set[int]]:
    """Collect what the writes inside the block mark, and mark it once when the block ends without an error: one
    outbox row per goal and one wake for a whole batch of writes (apps.goals.batch), however many marked it.

    Use it inside the writes' transaction (`with transaction.atomic(), deferred():`), so the rows are inserted
    before the commit. A block that raises marks nothing: its transaction rolls back anyway."""
    collected: set[int] = set()
    token = _deferred.set(collected)
    try:
        yield collected
    finally:
        _deferred.reset(token)
    mark_dirty(collected)


def wake() -> None:
    """Get a drain going soon. Never raises: the outbox keeps the work until a drain or the sweep runs."""
    global _next_wake
    from . import tasks

    if current_app.conf.task_always_eager:
        tasks.rollup_pending.delay()
        return
    now = time.monotonic()
    if now < _next_wake:
        return
    window = settings.ROLLUP_COALESCE_SECONDS
    _next_wake = now + window
    try:
        tasks.rollup_pending.apply_async(countdown=window)
    except Exception:  # the broker is away: the sweep picks the work up
        _next_wake = 0.0
        logger.warning("Could not reach the task broker to schedule a rollup; the periodic sweep will do it.")


def drain(batch: int = BATCH) -> int:
    """Roll up every pending goal, a batch at a time. Returns how many goals' figures changed."""
    changed = 0
    while True:
        with transaction.atomic():
            rows = list(
                PendingRollup.objects.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", "goal_id")[:batch]
            )
            if rows:
                goal_ids = {goal_id for _, goal_id in rows}
                changed += rollup.recompute_goals(goal_ids)
                # In the same transaction: what the apps above keep from these figures (the report's) moves with them.
                signals.goals_rolled_up.send(sender=PendingRollup, goal_ids=goal_ids)
                PendingRollup.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
        if len(rows) < batch:
            return changed


def pending_count() -> int:
    return PendingRollup.objects.count()
