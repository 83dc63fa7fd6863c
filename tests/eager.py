"""Switching Celery's eager mode from the tests, in a way every Celery version we allow honours."""

from goalcascade.celery import app


def set_eager(value: bool) -> None:
    """With the CELERY settings namespace, Celery 5.6 reads CELERY_TASK_ALWAYS_EAGER before task_always_eager."""
    app.conf.task_always_eager = value
    app.conf.CELERY_TASK_ALWAYS_EAGER = value
