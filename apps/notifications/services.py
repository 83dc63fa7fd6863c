"""Writes for notifications and preferences: one place per rule, used by the pages, the API, the receivers and the
scans. A notification is stored in the caller's transaction, so it commits or rolls back with what it tells of.

    notify(...)/notify_many(...)          store notifications, once per (person, key)
    notification_mark_read(...)           one of the caller's own
    notifications_mark_all_read(...)      all of the caller's own
    preference_update(...)                time zone, quiet hours, digest, reminders: bad input names the field
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.org.models import Person

from .models import Notification, Preference, available_timezones

TEXT_MAX = Notification._meta.get_field("text").max_length
Kind = Notification.Kind


@dataclass(frozen=True)
class Item:
    """One notification to store: for whom, what, and the key that makes storing it twice a no-op."""

    person_id: int
    kind: str
    text: str
    key: str
    url: str = ""
    goal_id: int | None = None


def notify(*, person_id: int, kind: str, text: str, key: str, url: str = "", goal_id: int | None = None) -> None:
    notify_many([Item(person_id=person_id, kind=kind, text=text, key=key, url=url, goal_id=goal_id)])


def notify_many(items: list[Item], *, now: datetime | None = None) -> None:
    """Store the items that are new; an item whose (person, key) exists already is left as it is (idempotent)."""
    if not items:
        return
    now = now or timezone.now()
    rows = [
        Notification(
            person_id=item.person_id,
            kind=item.kind,
            text=_clip(item.text),
            key=item.key,
            url=item.url,
            goal_id=item.goal_id,
            created=now,
        )
        for item in items
    ]
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def _clip(text: str) -> str:
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"


def notification_mark_read(*, person: Person, notification: Notification) -> Notification:
    """The caller's own only: another's is not found (the caller's selector never returns it)."""
    if notification.person_id != person.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, person: Person) -> int:
    """How many were unread."""
    return Notification.objects.filter(person=person, read_at__isnull=True).update(read_at=timezone.now())


# --- Preferences ----------------------------------------------------------------------------------------------

PREFERENCE_FIELDS = ("timezone", "quiet_hours_start", "quiet_hours_end", "email_digest", "checkin_reminders")


def preference_for(person: Person) -> Preference:
    """The person's preferences; the defaults (unsaved) when they never set any."""
    try:
        return Preference.objects.get(person=person)
    except Preference.DoesNotExist:
        return Preference(person=person)


@transaction.atomic
def preference_update(*, person: Person, **fields) -> Preference:
    """Change some of the person's preferences; bad input raises ValidationError({field: message}), changing nothing.
    Quiet hours are both set or both empty."""
    unknown = sorted(set(fields) - set(PREFERENCE_FIELDS))
    if unknown:
        raise ValidationError({name: "This preference does not exist." for name in unknown})
    preference = preference_for(person)
    errors = _check(fields)
    for name, value in fields.items():
        setattr(preference, name, value)
    if "quiet_hours_start" not in errors and "quiet_hours_end" not in errors:
        if (preference.quiet_hours_start is None) != (preference.quiet_hours_end is None):
            missing = "quiet_hours_end" if preference.quiet_hours_end is None else "quiet_hours_start"
            errors[missing] = "Quiet hours need both a start and an end (or neither)."
    if errors:
        raise ValidationError(errors)
    preference.save()
    return preference


def _check(fields: dict) -> dict[str, str]:
    errors = {}
    if "timezone" in fields and fields["timezone"] not in available_timezones():
        errors["timezone"] = f"{fields['timezone']!r} is not a time zone we know: use an IANA name such as Asia/Tokyo."
    for name in ("quiet_hours_start", "quiet_hours_end"):
        value = fields.get(name)
        if value is not None and (not isinstance(value, time) or value.tzinfo is not None):
            errors[name] = "A local time of day, HH:MM (in your time zone, without an offset), or null."
    if "email_digest" in fields and fields["email_digest"] not in Preference.Digest.values:
        errors["email_digest"] = f"One of {', '.join(Preference.Digest.values)}."
    if "checkin_reminders" in fields and not isinstance(fields["checkin_reminders"], bool):
        errors["checkin_reminders"] = "true or false."
    return errors


def digest_unsubscribe(*, person: Person) -> Preference:
    """The one-click unsubscribe: no more digest mails (the notifications stay in the app)."""
    return preference_update(person=person, email_digest=Preference.Digest.OFF)


# --- Links ----------------------------------------------------------------------------------------------------


def checkin_path() -> str:
    """The weekly check-in screen, where a reminder leads."""
    try:
        return reverse("goals:weekly-checkin")
    except NoReverseMatch:  # the screen's URL is registered by apps.goals; the path is the contract
        return "/check-in/"


def goal_path(goal_id: int) -> str:
    return reverse("goals:detail", args=[goal_id])
