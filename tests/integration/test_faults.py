"""Nothing is lost when a part fails: the rollup against real processes that die, and a Redis that goes away.

(a) A worker killed with SIGKILL in the middle of a stream of check-ins: a new worker rolls up everything.
(b) Redis stopped for ten seconds while check-ins arrive over HTTP at gunicorn: every check-in answers 201
    exactly once and is stored once, the worker survives, and the figures converge once Redis is back.
"""

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from rest_framework.authtoken.models import Token

from apps.goals import rollup
from apps.goals import services as goal_services
from apps.goals.models import CheckIn, Goal, Layer, PendingRollup
from tests.eager import set_eager
from tests.factories import GoalFactory, MetricFactory, PersonFactory, cascade
from tests.integration.processes import PrivateRedis, Process, free_port, start_web, start_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
CONVERGE_SECONDS = 90


def leaf_metrics(count: int):
    """An intent, its translation and operational goal, and `count` personal goals under it, each with a metric."""
    intent, _translational, operational, _personal = cascade()
    goals = [GoalFactory(layer=Layer.PERSONAL, parent=operational) for _ in range(count)]
    return intent, [MetricFactory(goal=goal, start=0, target=100) for goal in goals]


def worker_ready(process: Process) -> bool:
    return " ready." in process.log_path.read_text()


def assert_figures_converge(log_path) -> None:
    """The outbox empties, and then a full recompute finds nothing to change: every figure is right."""
    wait_until(
        lambda: not PendingRollup.objects.exists(),
        timeout=CONVERGE_SECONDS,
        what="the rollup outbox to be drained",
        log_path=log_path,
    )
    assert rollup.recompute_all() == 0


def test_a_worker_killed_mid_stream_loses_no_rollup(postgres, broker, redis_url, tmp_path):
    intent, metrics = leaf_metrics(50)
    author = PersonFactory()
    first = start_worker(redis_url, tmp_path / "worker-1.log", "doomed")
    second = None
    try:
        wait_until(lambda: worker_ready(first), timeout=60, what="the first worker", log_path=first.log_path)
        for i, metric in enumerate(metrics):
            goal_services.checkin_record(actor=author, metric=metric, value=10 + i, confidence=6)
            if i == len(metrics) // 2:
                first.kill()
        second = start_worker(redis_url, tmp_path / "worker-2.log", "heir")
        assert_figures_converge(second.log_path)
        assert Goal.objects.get(pk=intent.pk).progress > 0
    finally:
        first.stop()
        if second is not None:
            second.stop()


# --- (b) Redis away ---------------------------------------------------------------------------------------


@pytest.fixture
def stack(postgres, tmp_path) -> Iterator[dict]:
    """A private Redis, gunicorn and a worker on it; tasks of this test process stay eager (it only builds data)."""
    redis = PrivateRedis(tmp_path)
    redis.start()
    port = free_port()
    web = start_web(redis.url, port, tmp_path / "web.log")
    worker = start_worker(redis.url, tmp_path / "worker.log", "survivor")
    try:
        wait_until(lambda: _answers(port), timeout=60, what="gunicorn", log_path=web.log_path)
        wait_until(lambda: worker_ready(worker), timeout=60, what="the worker", log_path=worker.log_path)
        yield {"redis": redis, "web": web, "worker": worker, "base": f"http://127.0.0.1:{port}/api/v1"}
    finally:
        web.stop()
        worker.stop()
        redis.stop()


def _answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/goals/", timeout=2)
    except urllib.error.HTTPError:
        return True  # 401: it serves
    except OSError:
        return False
    return True


def _check_in(base: str, token: str, metric_id: int, value: int) -> int:
    body = json.dumps({"value": value, "confidence": 7, "note": f"value {value}"}).encode()
    request = urllib.request.Request(
        f"{base}/metrics/{metric_id}/checkins/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_redis_outage_costs_freshness_not_check_ins(stack):
    set_eager(True)
    intent, metrics = leaf_metrics(20)
    token = Token.objects.create(user=PersonFactory(role="admin", is_superuser=True)).key
    statuses, sent = [], 0

    def send(count: int, pause: float = 0.0) -> None:
        nonlocal sent
        for _ in range(count):
            statuses.append(_check_in(stack["base"], token, metrics[sent % len(metrics)].pk, sent + 1))
            sent += 1
            time.sleep(pause)

    send(5)
    stack["redis"].stop()
    health = json.load(urllib.request.urlopen(stack["base"].removesuffix("/api/v1") + "/healthz", timeout=10))
    assert (health["status"], health["components"]["broker"]) == ("degraded", "down")
    outage_ends = time.monotonic() + 10
    while time.monotonic() < outage_ends:
        send(1, pause=0.4)
    stack["redis"].start()
    time.sleep(2)
    send(5, pause=0.3)

    assert statuses == [201] * sent, f"answers during the outage: {sorted(set(statuses))}"
    assert CheckIn.objects.count() == sent  # each stored exactly once
    assert_figures_converge(stack["worker"].log_path)
    assert stack["worker"].alive(), stack["worker"].log_path.read_text()[-3000:]
    assert Goal.objects.get(pk=intent.pk).progress > 0
