"""Celery tasks: take ids, call one service, idempotent (acks_late and redelivery come from settings)."""

from celery import shared_task

from . import reminders


@shared_task(time_limit=900, soft_time_limit=870)
def remind_one_on_ones() -> int:
    """The hourly scan: remind both people the day before their 1:1, and keep series recurring."""
    return reminders.one_on_one_reminders_scan()
