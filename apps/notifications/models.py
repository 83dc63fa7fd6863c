"""What needs a person's attention (DESIGN.md, "Notification"), how they want to hear of it, and the digest mails.

Notification     one thing for one person, in the app; mailed at most once, in a Digest
Preference       a person's time zone, quiet hours, digest frequency and reminders (defaults without a row)
Digest           one mail per person per period (unique): the outbox row the send task claims and finishes
ReminderState    a person's current episode of due check-ins: reminders sent, escalated to the manager or not
OffTrackEpisode  a goal that is off track now and whose parent's owner was told (once per episode)
"""

import zoneinfo
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """Something that needs one person's attention. `key` makes every producer idempotent: the same event for the
    same person is stored once, however often a scan runs. Unread until the person reads it (in the app, or all at
    once); mailed at most once, in the digest it belongs to."""

    class Kind(models.TextChoices):
        CHECKIN_DUE = "checkin_due", "A check-in is due"
        MENTIONED = "mentioned", "You were mentioned"
        GOAL_CHANGED = "goal_changed", "Your goal was changed"
        OFF_TRACK_BELOW = "off_track_below", "A goal under yours is off track"
        PROPOSAL_WAITING = "proposal_waiting", "A proposal waits for you"
        PROPOSAL_ANSWERED = "proposal_answered", "Your proposal was answered"
        REVIEW_WAITING = "review_waiting", "A review waits for you"
        ESCALATION = "escalation", "Someone in your team missed their check-ins"
        ONE_ON_ONE = "one_on_one", "A 1:1 is coming up"
        RECOGNISED = "recognised", "Someone recognised you"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    goal = models.ForeignKey("goals.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    key = models.CharField(max_length=200)
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "notifications.Digest", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    class Meta:
        ordering = ("-created", "-id")
        constraints = [models.UniqueConstraint(fields=("person", "key"), name="notification_once_per_key")]
        indexes = [
            models.Index(fields=("person", "-created")),
            # The header's unread count and the digest's pending items: small, since most are read or mailed.
            models.Index(fields=("person",), condition=models.Q(read_at__isnull=True), name="notification_unread"),
            models.Index(
                fields=("person",),
                condition=models.Q(read_at__isnull=True, digest__isnull=True),
                name="notification_unmailed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not a time zone we know: use an IANA name such as Europe/Berlin.")


def available_timezones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(zoneinfo.available_timezones())
    return _ZONES


_ZONES: frozenset[str] | None = None


class Preference(models.Model):
    """How one person wants to hear of their notifications. A person without a row has the defaults."""

    class Digest(models.TextChoices):
        OFF = "off", "Off"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly (Mondays)"

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_preference"
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    quiet_hours_start = models.TimeField(null=True, blank=True)
    quiet_hours_end = models.TimeField(null=True, blank=True)
    email_digest = models.CharField(max_length=8, choices=Digest.choices, default=Digest.WEEKLY)
    checkin_reminders = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Preferences of {self.person_id}"

    def is_quiet(self, local: time) -> bool:
        return is_quiet(local, self.quiet_hours_start, self.quiet_hours_end)


def is_quiet(local: time, start: time | None, end: time | None) -> bool:
    """Quiet hours may run over midnight (22:00–07:00); equal or missing ends mean none."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


class Digest(models.Model):
    """One digest mail for one person and one period ("daily:2027-01-04", "weekly:2027-W01"): unique, so composing
    twice mails once. Recorded with the notifications it carries (an outbox row), sent by a task that claims it
    first, or by the sweep when that task was lost."""

    class Outcome(models.TextChoices):
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped: nothing left to tell, or the person opted out"
        REFUSED = "refused", "Refused by the mail server"

    CLAIM_SECONDS = 900

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    period = models.CharField(max_length=32)
    batch = models.CharField(max_length=32, db_index=True)
    created = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("person", "period"), name="digest_once_per_period")]
        indexes = [
            models.Index(fields=("created",), condition=models.Q(finished_at__isnull=True), name="digest_due"),
        ]

    def __str__(self) -> str:
        return f"Digest {self.period} for {self.person_id} ({self.outcome or 'waiting'})"


class ReminderState(models.Model):
    """A person with check-ins due: when this episode began, how many reminders they had, and whether their manager
    was told. Deleted when nothing is due any more (they checked in): the next episode starts afresh."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="reminder_state"
    )
    started = models.DateTimeField()
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Reminders of {self.person_id}: {self.reminders_sent}"


class OffTrackEpisode(models.Model):
    """A goal off track now whose parent's owner has been told; deleted when the goal is no longer off track, so the
    next time it goes off track is a new episode and a new notification."""

    goal = models.OneToOneField("goals.Goal", on_delete=models.CASCADE, primary_key=True, related_name="+")
    since = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.goal_id} off track since {self.since:%Y-%m-%d}"
