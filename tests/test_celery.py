"""Every task of ours survives a dying worker: acknowledged late, handed back when the worker is lost, and bounded
in time. The defaults live once in settings (CELERY_TASK_*); tasks name only longer limits."""

import pytest

from goalcascade.celery import app

app.loader.import_default_modules()  # the tasks modules autodiscovery finds, as a worker loads them
OUR_TASKS = sorted(name for name in app.tasks if name.startswith("apps."))


def test_our_tasks_are_registered():
    assert {"apps.goals.tasks.rollup_pending", "apps.reports.tasks.run_export"} <= set(OUR_TASKS)


@pytest.mark.parametrize("name", OUR_TASKS)
def test_task_is_acknowledged_late_and_redelivered_when_its_worker_dies(name):
    task = app.tasks[name]
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True


@pytest.mark.parametrize("name", OUR_TASKS)
def test_task_has_a_soft_limit_below_its_hard_limit(name):
    task = app.tasks[name]
    # A task without limits of its own runs under the pool's, which come from settings.
    hard = task.time_limit or app.conf.task_time_limit
    soft = task.soft_time_limit or app.conf.task_soft_time_limit
    assert hard and soft
    assert soft < hard
