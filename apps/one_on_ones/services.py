"""Writes for 1:1s: one place per rule, used by the pages, the API and the reminders scan. Bad input raises a
ValidationError naming the field; a caller who may not do it gets PermissionDenied (the API's 403)."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.org.models import Person

from . import permissions
from .models import ActionItem, AgendaItem, Meeting, PrivateNote, Series

TEXT_MAX = 500


def _text(value: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: "Say something: this cannot be empty."})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: f"At most {TEXT_MAX} characters."})
    return text


def _cadence(days: int) -> int:
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise ValidationError({"cadence_days": "A cadence is a whole number of days from 1 to 365."})
    return days


@transaction.atomic
def series_create(
    *, actor: Person, manager: Person, report: Person, cadence_days: int = 7, next_on: date | None = None
) -> Series:
    """The manager or the report starts a series; the manager must be the report's manager or lead their unit."""
    if actor.pk not in (manager.pk, report.pk):
        raise PermissionDenied("Only the manager or the report starts their 1:1s.")
    if not permissions.may_pair(manager, report):
        raise ValidationError({"report": "1:1s are between a person and their manager (or a lead of their unit)."})
    if Series.objects.filter(manager=manager, report=report).exists():
        raise ValidationError({"report": "These two have a series of 1:1s already."})
    return Series.objects.create(
        manager=manager,
        report=report,
        cadence_days=_cadence(cadence_days),
        next_on=next_on or timezone.localdate(),
        created_by=actor,
    )


def series_update(*, actor: Person, series: Series, cadence_days: int | None = None, next_on: date | None = None):
    if not permissions.takes_part(actor, series):
        raise PermissionDenied("Only the two participants change their 1:1s.")
    if cadence_days is not None:
        series.cadence_days = _cadence(cadence_days)
    if next_on is not None:
        series.next_on = next_on
    series.save(update_fields=["cadence_days", "next_on"])
    return series


def meeting_open(*, actor: Person, series: Series, on: date | None = None) -> Meeting:
    """The meeting of the series on `on` (its next date by default), created the first time someone opens it."""
    if not permissions.takes_part(actor, series):
        raise PermissionDenied("Only the two participants hold their 1:1s.")
    meeting, _ = Meeting.objects.get_or_create(series=series, date=on or series.next_on)
    return meeting


def _require_participant(actor: Person, meeting: Meeting) -> None:
    if not permissions.can_write_in(actor, meeting):
        raise PermissionDenied("Only the two participants write in their 1:1s.")


def agenda_item_add(*, actor: Person, meeting: Meeting, text: str) -> AgendaItem:
    _require_participant(actor, meeting)
    return AgendaItem.objects.create(meeting=meeting, author=actor, text=_text(text, "text"))


def shared_notes_update(*, actor: Person, meeting: Meeting, shared_notes: str) -> Meeting:
    _require_participant(actor, meeting)
    meeting.shared_notes = shared_notes or ""
    meeting.save(update_fields=["shared_notes"])
    return meeting


def _owner(meeting: Meeting, owner: Person | None, actor: Person) -> Person:
    owner = owner or actor
    if owner.pk not in meeting.series.participant_ids():
        raise ValidationError({"owner": "An action item belongs to one of the two participants."})
    return owner


def action_item_create(
    *, actor: Person, meeting: Meeting, text: str, owner: Person | None = None, due: date | None = None
) -> ActionItem:
    _require_participant(actor, meeting)
    return ActionItem.objects.create(
        meeting=meeting, owner=_owner(meeting, owner, actor), text=_text(text, "text"), due=due
    )


def action_item_update(*, actor: Person, item: ActionItem, **changes) -> ActionItem:
    """Change text, owner, due or done; anything else is not a change one makes."""
    _require_participant(actor, item.meeting)
    if "text" in changes:
        item.text = _text(changes["text"], "text")
    if "owner" in changes:
        item.owner = _owner(item.meeting, changes["owner"], actor)
    if "due" in changes:
        item.due = changes["due"]
    if "done" in changes:
        item.done = bool(changes["done"])
    item.save()
    return item


def private_note_save(*, author: Person, meeting: Meeting, body: str) -> PrivateNote:
    """The author's own note: only a participant writes one, and only their own."""
    _require_participant(author, meeting)
    note, _ = PrivateNote.objects.update_or_create(
        meeting=meeting, author=author, defaults={"body": body or "", "updated": timezone.now()}
    )
    return note


def series_roll_forward(*, today: date) -> int:
    """Series whose next date passed move on by whole cadences to today or later (how many moved)."""
    moved = 0
    for series in Series.objects.filter(next_on__lt=today).only("pk", "next_on", "cadence_days"):
        behind = (today - series.next_on).days
        steps = -(-behind // series.cadence_days)
        series.next_on += timedelta(days=steps * series.cadence_days)
        series.save(update_fields=["next_on"])
        moved += 1
    return moved
