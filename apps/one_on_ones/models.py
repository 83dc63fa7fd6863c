"""1:1s (DESIGN.md, "One-on-one"; issue 13 part 1): a recurring conversation between a manager and one report.

Series       the manager, the report, how often (days) and when the next one is; only the two see it
Meeting      one conversation of a series, on a date: its agenda items, shared notes and action items
AgendaItem   a point either participant added to a meeting's agenda (the prepared points are computed on read)
ActionItem   something one of the two will do; open ones carry over to every later meeting until done
PrivateNote  one participant's own note on a meeting: its author's alone, never shown to anyone else
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class Series(models.Model):
    """A manager and one of their reports meeting every `cadence_days`, next on `next_on`. Seen by the two only."""

    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cadence_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    next_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "1:1 series"
        verbose_name_plural = "1:1 series"
        ordering = ("next_on", "id")
        constraints = [
            models.UniqueConstraint(fields=("manager", "report"), name="one_series_per_pair"),
            models.CheckConstraint(condition=~models.Q(manager=models.F("report")), name="series_not_with_oneself"),
        ]
        indexes = [models.Index(fields=("next_on",))]

    def __str__(self) -> str:
        return f"1:1 of {self.manager_id} with {self.report_id}"

    def participant_ids(self) -> tuple[int, int]:
        return (self.manager_id, self.report_id)


class Meeting(models.Model):
    """One conversation of a series, on a date (one a day). Shared notes are the two participants'."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    shared_notes = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-date", "-id")
        constraints = [models.UniqueConstraint(fields=("series", "date"), name="one_meeting_a_day")]

    def __str__(self) -> str:
        return f"1:1 on {self.date:%Y-%m-%d} (series {self.series_id})"


class AgendaItem(models.Model):
    """A point a participant added to a meeting's agenda."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created", "id")

    def __str__(self) -> str:
        return self.text


class ActionItem(models.Model):
    """Something a participant (`owner`) will do, agreed in `meeting`; shown in every later meeting until done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    due = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("done", "created", "id")

    def __str__(self) -> str:
        return self.text


class PrivateNote(models.Model):
    """A participant's own note on a meeting (DESIGN.md "Whose words are whose"): its author's alone — not the other
    participant, not the manager above, not HR, not admins, not exports, not the Django admin (never registered)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(blank=True)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("meeting", "author"), name="one_private_note_per_author")]

    def __str__(self) -> str:
        return f"Private note on meeting {self.meeting_id}"
