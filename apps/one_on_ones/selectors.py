"""Reads of 1:1s, already filtered to what the viewer may see (the two participants only)."""

from django.db.models import Q, QuerySet

from .models import ActionItem, Meeting, PrivateNote, Series
from .permissions import participant_q


def series_of(person) -> QuerySet[Series]:
    """The series `person` takes part in, with both people (one query)."""
    return Series.objects.filter(participant_q(person)).select_related("manager", "report")


def meetings_of(person) -> QuerySet[Meeting]:
    return Meeting.objects.filter(participant_q(person, "series__")).select_related("series__manager", "series__report")


def action_items_of(person) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(participant_q(person, "meeting__series__")).select_related("owner", "meeting")


def action_items_for(meeting: Meeting) -> QuerySet[ActionItem]:
    """The meeting's own action items and the open ones of earlier meetings of its series (they carry over)."""
    earlier_open = Q(meeting__series_id=meeting.series_id, meeting__date__lt=meeting.date, done=False)
    return (
        ActionItem.objects.filter(Q(meeting=meeting) | earlier_open)
        .select_related("owner", "meeting")
        .order_by("done", "meeting__date", "created", "id")
    )


def open_action_items(series: Series) -> QuerySet[ActionItem]:
    """Every open action item of the series: they carry over until done."""
    return (
        ActionItem.objects.filter(meeting__series=series, done=False)
        .select_related("owner", "meeting")
        .order_by("meeting__date", "created", "id")
    )


def private_note(meeting: Meeting, author) -> PrivateNote | None:
    """The author's own note on the meeting; the only way anything reads a private note."""
    return PrivateNote.objects.filter(meeting=meeting, author_id=author.pk).first()
