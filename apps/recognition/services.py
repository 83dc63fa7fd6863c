"""Writes: a person's coaching profile, recognitions, and the wins goals' signals record."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from apps.core.validation import check_choice, check_text
from apps.goals.models import Goal, Metric
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.org.models import Person

from . import permissions
from .models import (
    MAX_STRENGTHS,
    MESSAGE_LENGTH,
    STRENGTH_LENGTH,
    CoachingProfile,
    Communication,
    Decisions,
    RecognitionStyle,
    Visibility,
    Win,
)

PROFILE_CHOICES = {"communication": Communication, "decisions": Decisions, "recognition": RecognitionStyle}
PROFILE_FIELDS = (*PROFILE_CHOICES, "strengths", "feedback_note")
MILESTONES = (50, 100)
RECOGNISED = Notification.Kind.RECOGNISED


def coaching_profile_update(*, actor: Person, person: Person, **fields) -> CoachingProfile:
    """The person's own answers (only they write them); fields left out stay as they are."""
    if not permissions.can_write_profile(actor, person):
        raise PermissionDenied("Only the person writes their own coaching profile.")
    profile, _ = CoachingProfile.objects.get_or_create(person=person)
    for name, value in fields.items():
        setattr(profile, name, _checked(name, value))
    profile.save()
    return profile


def _checked(name: str, value):
    if name in PROFILE_CHOICES:
        return check_choice(value, PROFILE_CHOICES[name], name) if value else ""
    if name == "strengths":
        return check_strengths(value)
    if name == "feedback_note":
        return check_text(value, name)
    raise ValidationError({name: "Not part of a coaching profile."})


def check_strengths(value) -> list[str]:
    """At most ten short texts, each of at most 100 characters; blanks are dropped."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError({"strengths": "A list of short texts."})
    strengths = [item.strip() for item in value if item.strip()]
    if len(strengths) > MAX_STRENGTHS:
        raise ValidationError({"strengths": f"At most {MAX_STRENGTHS} strengths, not {len(strengths)}."})
    for item in strengths:
        check_text(item, "strengths", STRENGTH_LENGTH)
    return strengths


@transaction.atomic
def recognition_create(
    *, actor: Person, to: Person, message: str, visibility: str = Visibility.PUBLIC, goal: Goal | None = None
) -> Win:
    """Anyone recognises someone, optionally for a goal they may see; the recognised person is told."""
    if goal is not None and not permissions.can_recognise_for(actor, goal):
        raise ValidationError({"goal": "No such goal."})
    message = check_text(message, "message", MESSAGE_LENGTH).strip()
    if not message:
        raise ValidationError({"message": "Say what they did."})
    win = Win.objects.create(
        kind=Win.Kind.RECOGNITION,
        person=to,
        goal=goal,
        sender=actor,
        text=message,
        visibility=check_choice(visibility, Visibility, "visibility"),
    )
    if to.pk != actor.pk:
        text = f"{actor} recognised you: {message}"
        notify(person_id=to.pk, kind=RECOGNISED, text=text, key=f"recognition:{win.pk}", url="/")
    return win


def goal_achieved_record(*, goal: Goal) -> None:
    """The goal reached `achieved`: a win for its owner, once."""
    _record_once(kind=Win.Kind.GOAL_ACHIEVED, person_id=goal.owner_id, goal=goal, text=f"Achieved “{goal.title}”")


def milestones_record(*, metric: Metric, before: float | None, after: float | None) -> None:
    """A check-in moved the metric across 50 % or 100 %: a win for the goal's owner, once per milestone."""
    before, after = before or 0.0, after or 0.0
    for percent in MILESTONES:
        if before < percent / 100 <= after:
            text = f"{metric.name} passed {percent} % on “{metric.goal.title}”"
            goal = metric.goal
            _record_once(
                kind=Win.Kind.MILESTONE, person_id=goal.owner_id, goal=goal, metric=metric, milestone=percent, text=text
            )


def _record_once(**fields) -> None:
    try:
        with transaction.atomic():  # a savepoint: a repeat (the unique constraint) leaves the writer's work alone
            Win.objects.create(**fields)
    except IntegrityError:
        pass
