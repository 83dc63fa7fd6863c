"""Reminders before a 1:1 (issue 13 part 1): both participants get a notification the day before the series' next
meeting, once (the key names the series and the date), from an hourly scan on Celery beat. The same scan moves series
whose date passed on by whole cadences, so a series keeps recurring without anyone acting. Set-based and idempotent:
running it twice stores nothing twice."""

from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.notifications.models import Notification
from apps.notifications.services import Item, notify_many

from . import services
from .models import Series

ONE_ON_ONE = Notification.Kind.ONE_ON_ONE
BATCH = 1000


@transaction.atomic
def one_on_one_reminders_scan(*, today: date | None = None) -> int:
    """Roll passed series forward, then remind both people of every 1:1 due today or tomorrow. How many were due."""
    today = today or timezone.localdate()
    services.series_roll_forward(today=today)
    due = (
        Series.objects.filter(next_on__gte=today, next_on__lte=today + timedelta(days=1))
        .filter(manager__is_active=True, report__is_active=True)
        .select_related("manager", "report")
        .order_by("pk")
    )
    count = 0
    for series in due.iterator(chunk_size=BATCH):
        notify_many(_items(series, today))
        count += 1
    return count


def _items(series: Series, today: date) -> list[Item]:
    when = "today" if series.next_on == today else "tomorrow"
    url = reverse("one_on_ones:series", args=[series.pk])
    key = f"one-on-one:{series.pk}:{series.next_on.isoformat()}"
    return [
        Item(person_id=person.pk, kind=ONE_ON_ONE, text=f"Your 1:1 with {other} is {when}.", key=key, url=url)
        for person, other in ((series.manager, series.report), (series.report, series.manager))
    ]
