"""Reads for notifications: always the caller's own."""

from django.db.models import QuerySet

from apps.org.models import Person

from .models import Notification


def notifications_of(person: Person) -> QuerySet[Notification]:
    return Notification.objects.filter(person_id=person.pk).order_by("-created", "-id")


def unread_count(person: Person) -> int:
    """One COUNT on the partial index of unread notifications (the header shows it on every page)."""
    return Notification.objects.filter(person_id=person.pk, read_at__isnull=True).count()
