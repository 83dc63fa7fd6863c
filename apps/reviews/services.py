"""Writes for reviews: one place per rule, used by the pages and the API. Bad input raises a ValidationError naming
the field and the rule; a caller who may not do it gets PermissionDenied (the API's 403). Every change is in the
history (apps.core.history)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.history import diff, record_change, snapshot
from apps.core.models import ObjectChange
from apps.core.validation import FieldsPermissionDenied, check_choice, check_fraction, check_text
from apps.cycles.models import Cycle
from apps.goals.models import Goal, GoalStatus
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.org.models import Person

from . import permissions
from .models import Review

REVIEW_FIELDS = ("score", "relevance", "reflection")


def check_reviewable(goal: Goal) -> None:
    """A review looks back at a goal that ran in its cycle: not archived, not a draft, its cycle not yet closed."""
    if goal.archived_at is not None:
        raise ValidationError({"goal": "This goal is archived: restore it before reviewing it."})
    if goal.status == GoalStatus.DRAFT:
        raise ValidationError({"goal": "A draft never ran in its cycle: publish it before reviewing it."})
    if goal.cycle.status == Cycle.Status.CLOSED:
        raise ValidationError({"goal": f"The cycle {goal.cycle} is closed: its reviews no longer change."})


def _score(score, goal: Goal) -> float:
    """The final score, 0–1; by default the goal's progress as it stands (prefilled)."""
    if score is None:
        return min(max(float(goal.progress or 0.0), 0.0), 1.0)
    return check_fraction(score, "score")


@transaction.atomic
def review_save(*, actor: Person, goal: Goal, relevance: str, reflection: str | None = None, score=None) -> Review:
    """Write the review of `goal`, or change it: one review per goal, every change in its history.

    A signed-off review is settled: withdraw the sign-off (review_withdraw_sign_off) before changing it.
    `reflection` None keeps the one written (a caller who may not read it cannot erase it).
    """
    # The goal's row is the lock: two first saves of one goal's review run one after the other, the second updating.
    goal = Goal.objects.select_for_update(of=("self",)).select_related("cycle", "owner").get(pk=goal.pk)
    if not permissions.can_write_review(actor, goal):
        raise PermissionDenied("Only the goal's owner, and those who may change the goal, review it.")
    check_reviewable(goal)
    check_choice(relevance, Review.Relevance, "relevance")
    review = Review.objects.select_for_update().filter(goal=goal).first()
    if review is not None and review.signed_off_at is not None:
        raise ValidationError(
            {"non_field_errors": "This review is signed off: its sign-off must be withdrawn before it changes."}
        )
    values = {"score": _score(score, goal), "relevance": relevance}
    if reflection is not None:
        values["reflection"] = check_text(reflection, "reflection")
        current = review.reflection if review is not None else ""
        if values["reflection"] != current and not permissions.can_write_reflection(actor, goal):
            raise FieldsPermissionDenied({"reflection": "The reflection is the owner's words: only they write it."})
    if review is None:
        return _create(actor=actor, goal=goal, values=values)
    return _update(actor=actor, review=review, values=values)


def _create(*, actor: Person, goal: Goal, values: dict) -> Review:
    review = Review.objects.create(goal=goal, author=actor, **values)
    record_change(
        actor=actor,
        obj=review,
        action=ObjectChange.Action.CREATE,
        changes=diff({}, snapshot(review, ("goal", *REVIEW_FIELDS))),
    )
    _tell_signer(review)
    return review


def _update(*, actor: Person, review: Review, values: dict) -> Review:
    before = snapshot(review, values)
    for name, value in values.items():
        setattr(review, name, value)
    changes = diff(before, snapshot(review, values))
    if changes:
        review.save(update_fields=[*values, "updated"])
        record_change(actor=actor, obj=review, action=ObjectChange.Action.UPDATE, changes=changes)
    return review


def signer_for(owner: Person) -> Person | None:
    """Who is asked to sign a review off: the owner's manager, else the nearest lead of their unit or one above it."""
    if owner.manager_id is not None:
        return owner.manager
    unit = owner.unit
    while unit is not None:
        if unit.lead_id is not None and unit.lead_id != owner.pk:
            return unit.lead
        unit = unit.parent
    return None


def _tell_signer(review: Review) -> None:
    goal = review.goal
    signer = signer_for(goal.owner)
    if signer is None:
        return
    notify(
        person_id=signer.pk,
        kind=Notification.Kind.REVIEW_WAITING,
        text=f"{goal.owner} reviewed “{goal.title}”: it waits for your sign-off.",
        key=f"review-waiting:{review.pk}",
        url=reverse("reviews:cycle", args=[goal.cycle_id]),
        goal_id=goal.pk,
    )


@transaction.atomic
def review_sign_off(*, actor: Person, review: Review) -> Review:
    """The owner's manager chain (or an admin) agrees with the review; the owner never signs their own."""
    review = Review.objects.select_for_update().select_related("goal__owner").get(pk=review.pk)
    if not permissions.can_sign_off(actor, review):
        raise PermissionDenied("Only someone in the goal owner's manager chain signs a review off, never its owner.")
    if review.signed_off_at is not None:
        raise ValidationError({"non_field_errors": f"This review was signed off already by {review.signed_off_by}."})
    review.signed_off_by = actor
    review.signed_off_at = timezone.now()
    review.save(update_fields=["signed_off_by", "signed_off_at", "updated"])
    record_change(
        actor=actor,
        obj=review,
        action=ObjectChange.Action.UPDATE,
        changes={"signed_off_by": [None, actor.pk], "signed_off_at": [None, review.signed_off_at.isoformat()]},
    )
    return review


@transaction.atomic
def review_withdraw_sign_off(*, actor: Person, review: Review) -> Review:
    """Whoever may sign the review off may withdraw the sign-off, so that the review can change again."""
    review = Review.objects.select_for_update().select_related("goal__owner", "goal__cycle").get(pk=review.pk)
    if not permissions.can_sign_off(actor, review):
        raise PermissionDenied("Only someone in the goal owner's manager chain withdraws a sign-off.")
    if review.signed_off_at is None:
        raise ValidationError({"non_field_errors": "This review is not signed off."})
    if review.goal.cycle.status == Cycle.Status.CLOSED:
        raise ValidationError({"non_field_errors": f"The cycle {review.goal.cycle} is closed: its reviews stay."})
    before = [review.signed_off_by_id, review.signed_off_at.isoformat()]
    review.signed_off_by = None
    review.signed_off_at = None
    review.save(update_fields=["signed_off_by", "signed_off_at", "updated"])
    record_change(
        actor=actor,
        obj=review,
        action=ObjectChange.Action.UPDATE,
        changes={"signed_off_by": [before[0], None], "signed_off_at": [before[1], None]},
    )
    return review
