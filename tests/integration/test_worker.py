"""The rollup through the real runtime: Redis as the broker and a `celery worker` process.

These tests commit for real (transaction=True) so that the worker, a separate process with
its own connection to the test database, sees the data.
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection

from apps.goals import dirty, tasks
from apps.goals import services as metric_services
from apps.goals.models import Goal, PendingRollup
from goalcascade.celery import app as celery_app
from tests.factories import GoalFactory, MetricFactory, PersonFactory, cascade

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def broker(db, redis_url, settings, monkeypatch) -> Iterator[redis.Redis]:
    """Tasks go through Redis (not eager); no drain is on its way yet."""
    settings.ROLLUP_COALESCE_SECONDS = 0.3
    monkeypatch.setattr(dirty, "_next_wake", 0.0)
    client = redis.Redis.from_url(redis_url)
    celery_app.control.purge()
    celery_app.conf.task_always_eager = False
    yield client
    celery_app.conf.task_always_eager = True
    celery_app.control.purge()


@pytest.fixture
def worker(postgres, broker, redis_url, tmp_path) -> Iterator[subprocess.Popen]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "ROLLUP_COALESCE_SECONDS": "0.3",
        "DJANGO_SETTINGS_MODULE": "goalcascade.settings",
    }
    log_path = tmp_path / "celery-worker.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "goalcascade",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"ci-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until(
            lambda: celery_app.control.ping(timeout=0.5),
            timeout=60,
            what="the worker to answer a ping",
            log_path=log_path,
        )
        proc.log_path = log_path
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait_until(predicate, *, timeout: float, what: str, log_path: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    tail = log_path.read_text()[-3000:] if log_path and log_path.exists() else ""
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n--- worker log ---\n{tail}")


def _progress(goal) -> float:
    return Goal.objects.values_list("progress", flat=True).get(pk=goal.pk)


def test_a_worker_rolls_a_checkin_up_to_the_root(worker):
    celery_app.conf.task_always_eager = True  # build the starting cascade in-process
    intent, translational, operational, personal = cascade()
    metric = MetricFactory(goal=personal, start=0, target=10)
    celery_app.conf.task_always_eager = False
    assert _progress(intent) == 0.0

    metric_services.checkin_record(actor=PersonFactory(), metric=metric, value=6, confidence=8, note="via worker")

    _wait_until(
        lambda: _progress(intent) == pytest.approx(0.6),
        timeout=30,
        what="the intent to show 60%",
        log_path=worker.log_path,
    )
    assert [_progress(g) for g in (personal, operational, translational)] == [pytest.approx(0.6)] * 3


def test_many_changes_in_a_window_are_rolled_up_in_one_pass(broker):
    """Ten check-ins on one cascade schedule a single pending-rollup task, which covers them all."""
    celery_app.conf.task_always_eager = True
    intent, _, operational, _ = cascade()
    metrics = [MetricFactory(goal=GoalFactory(layer="personal", parent=operational)) for _ in range(10)]
    celery_app.conf.task_always_eager = False
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
