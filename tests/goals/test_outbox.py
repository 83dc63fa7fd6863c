"""The rollup's outbox (apps.goals.dirty): a committed write never loses its rollup, a rolled-back one leaves none."""

import pytest
from django.db import transaction

from apps.goals import dirty, services, tasks
from apps.goals.models import Goal, PendingRollup
from tests.factories import MetricFactory, PersonFactory, cascade


def progress(goal) -> float:
    return Goal.objects.values_list("progress", flat=True).get(pk=goal.pk)


@pytest.fixture
def chain(db, commit):
    with commit():
        intent, _translational, _operational, personal = cascade()
        metric = MetricFactory(goal=personal, start=0, target=10)
    return intent, metric


def test_a_write_records_its_stale_goal_in_its_own_transaction(chain):
    _intent, metric = chain
    services.checkin_record(actor=PersonFactory(), metric=metric, value=4, confidence=7)
    assert list(PendingRollup.objects.values_list("goal_id", flat=True)) == [metric.goal_id]


def test_a_write_that_rolls_back_leaves_nothing_to_roll_up(chain):
    _intent, metric = chain
    with pytest.raises(RuntimeError), transaction.atomic():
        services.checkin_record(actor=PersonFactory(), metric=metric, value=4, confidence=7)
        raise RuntimeError("the request failed after the check-in")
    assert not PendingRollup.objects.exists()


def test_a_commit_whose_wake_up_never_ran_is_rolled_up_by_the_sweep(chain):
    """As if the process died right after the commit: nothing was sent, the outbox still holds the work."""
    intent, metric = chain
    services.checkin_record(actor=PersonFactory(), metric=metric, value=4, confidence=7)  # on_commit never runs
    assert progress(intent) == 0.0

    assert tasks.rollup_pending() == 4  # the personal goal and its three ancestors

    assert progress(intent) == pytest.approx(0.4)
    assert not PendingRollup.objects.exists()


def test_draining_twice_changes_nothing_the_second_time(chain):
    _intent, metric = chain
    services.checkin_record(actor=PersonFactory(), metric=metric, value=4, confidence=7)
    PendingRollup.objects.create(goal_id=metric.goal_id)  # the same goal marked again, as by a redelivered task
    assert dirty.drain() == 4
    PendingRollup.objects.create(goal_id=metric.goal_id)
    assert dirty.drain() == 0


def test_the_drain_works_in_batches_until_the_outbox_is_empty(chain):
    _intent, metric = chain
    PendingRollup.objects.bulk_create([PendingRollup(goal_id=metric.goal_id) for _ in range(5)])
    dirty.drain(batch=2)
    assert not PendingRollup.objects.exists()


def test_in_the_embedded_mode_the_rollup_runs_on_commit(chain, commit):
    intent, metric = chain
    with commit():
        services.checkin_record(actor=PersonFactory(), metric=metric, value=6, confidence=7)
    assert progress(intent) == pytest.approx(0.6)
    assert not PendingRollup.objects.exists()
