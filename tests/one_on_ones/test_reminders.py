"""Reminders before a 1:1: both participants, the day before, once; series whose date passed recur."""

from datetime import date

import pytest
from django.conf import settings

from apps.notifications.models import Notification
from apps.one_on_ones import services
from apps.one_on_ones.models import Series
from apps.one_on_ones.reminders import one_on_one_reminders_scan
from apps.one_on_ones.tasks import remind_one_on_ones

pytestmark = pytest.mark.django_db


@pytest.fixture
def weekly(cast):
    return services.series_create(
        actor=cast.manager, manager=cast.manager, report=cast.employee, cadence_days=7, next_on=date(2027, 3, 2)
    )


def test_both_participants_are_reminded_the_day_before(cast, weekly):
    assert one_on_one_reminders_scan(today=date(2027, 3, 1)) == 1
    reminded = Notification.objects.filter(kind="one_on_one")
    assert {n.person_id for n in reminded} == {cast.manager.pk, cast.employee.pk}
    assert all(n.url == f"/one-on-ones/{weekly.pk}/" for n in reminded)
    assert "tomorrow" in reminded.get(person=cast.manager).text


def test_nobody_is_reminded_earlier(weekly):
    one_on_one_reminders_scan(today=date(2027, 2, 27))
    assert not Notification.objects.exists()


def test_running_the_scan_twice_reminds_once(weekly):
    one_on_one_reminders_scan(today=date(2027, 3, 1))
    one_on_one_reminders_scan(today=date(2027, 3, 2))
    assert Notification.objects.count() == 2


def test_a_passed_series_moves_on_and_is_reminded_of_the_next_one(weekly):
    one_on_one_reminders_scan(today=date(2027, 3, 8))
    assert Series.objects.get(pk=weekly.pk).next_on == date(2027, 3, 9)
    assert Notification.objects.count() == 2


def test_the_task_runs_the_scan_on_beat():
    assert settings.CELERY_BEAT_SCHEDULE["one-on-one-reminders"]["task"] == "apps.one_on_ones.tasks.remind_one_on_ones"
    assert remind_one_on_ones.delay().get() == 0
