"""The rollup through the real runtime: Redis as the broker and a `celery worker` process.

These tests commit for real (transaction=True) so that the worker, a separate process with
its own connection to the test database, sees the data.
"""

from collections.abc import Iterator

import pytest

from apps.goals import services as metric_services
from apps.goals import tasks
from apps.goals.models import Goal, PendingRollup
from goalcascade.celery import app as celery_app
from tests.eager import set_eager
from tests.factories import GoalFactory, MetricFactory, PersonFactory, cascade
from tests.integration.processes import Process, start_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(postgres, broker, redis_url, tmp_path) -> Iterator[Process]:
    process = start_worker(redis_url, tmp_path / "celery-worker.log", "ci")
    try:
        wait_until(
            lambda: celery_app.control.ping(timeout=0.5),
            timeout=60,
            what="the worker to answer a ping",
            log_path=process.log_path,
        )
        yield process
    finally:
        process.stop()


def _progress(goal) -> float:
    return Goal.objects.values_list("progress", flat=True).get(pk=goal.pk)


def test_a_worker_rolls_a_checkin_up_to_the_root(worker):
    set_eager(True)  # build the starting cascade in-process
    intent, translational, operational, personal = cascade()
    metric = MetricFactory(goal=personal, start=0, target=10)
    set_eager(False)
    assert _progress(intent) == 0.0

    metric_services.checkin_record(actor=PersonFactory(), metric=metric, value=6, confidence=8, note="via worker")

    wait_until(
        lambda: _progress(intent) == pytest.approx(0.6),
        timeout=30,
        what="the intent to show 60%",
        log_path=worker.log_path,
    )
    assert [_progress(g) for g in (personal, operational, translational)] == [pytest.approx(0.6)] * 3


def test_many_changes_in_a_window_are_rolled_up_in_one_pass(broker):
    """Ten check-ins on one cascade schedule a single pending-rollup task, which covers them all."""
    set_eager(True)
    intent, _, operational, _ = cascade()
    metrics = [MetricFactory(goal=GoalFactory(layer="personal", parent=operational)) for _ in range(10)]
    set_eager(False)
    queued_before = broker.llen("celery")

    author = PersonFactory()
    for metric in metrics:
        metric_services.checkin_record(actor=author, metric=metric, value=50, confidence=5)

    assert broker.llen("celery") - queued_before == 1
    assert PendingRollup.objects.count() == 10
    assert _progress(intent) == 0.0
    celery_app.control.purge()
    assert tasks.rollup_pending() == 10 + 3  # the ten personal goals, their operational, translational and intent
    # cascade() already hung one personal goal (no metric, 0%) under the operational goal: (10·0.5 + 0) / 11
    assert _progress(intent) == pytest.approx(5 / 11)
    assert not PendingRollup.objects.exists()
