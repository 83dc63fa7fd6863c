"""Who may see, write and sign off reviews: one place, used by the services, the API and the pages.

A review (DESIGN.md "Review") is the end-of-cycle look back at one goal:

- it is seen by whoever may see its goal (apps.goals.permissions.visible_goals), except that HR, as HR, sees no
  single review: HR reads scores and relevance only in aggregates (the calibration report), unless the goal is
  their own or its owner is in their manager chain;
- its reflection is the owner's words: read by the owner, their manager chain and admins; anyone else who sees the
  review reads null (DESIGN.md "Whose words are whose", like a personal goal's why);
- it is written by the goal's owner, or by whoever may change the goal (a manager closing the review of a goal whose
  owner left); the reflection only by the owner;
- it is signed off by someone in the owner's manager chain, or an admin, never by the owner themself.
"""

from django.db.models import Q

from apps.goals import permissions as goal_permissions
from apps.goals.models import Goal
from apps.org import selectors as org
from apps.org.permissions import Role, access_for

from .models import Review


def _owner_unit_id(goal: Goal) -> int | None:
    if "owner_unit_id" in goal.__dict__:
        return goal.__dict__["owner_unit_id"]
    return goal.owner.unit_id


def visible_reviews_q(person) -> Q:
    """The reviews `person` may see, as a filter on Review."""
    access = access_for(person)
    if access is None:
        return Q(pk__in=[])
    visible = goal_permissions.visible_goals_q(person, prefix="goal__")
    if access.role == Role.HR and not access.is_admin:
        chain = (
            Q(goal__owner_id=person.pk)
            | Q(goal__owner_id__in=org.reports_subquery(person))
            | Q(goal__owner__unit_id__in=access.led_unit_ids)
        )
        return visible & chain
    return visible


def can_view_review_of(person, goal: Goal) -> bool:
    """Whether `person` sees the review of `goal` (the per-object twin of visible_reviews_q)."""
    access = access_for(person)
    if access is None or not goal_permissions.can_view_goal(person, goal):
        return False
    if access.role == Role.HR and not access.is_admin:
        return goal_permissions.in_owner_chain(person, goal.owner_id, _owner_unit_id(goal))
    return True


def reflection_visible(person, goal: Goal) -> bool:
    """The owner, their manager chain and admins read a review's reflection."""
    if not can_view_review_of(person, goal):
        return False
    return goal_permissions.owner_privacy_lifted(person, goal.owner_id, _owner_unit_id(goal))


def can_write_review(person, goal: Goal) -> bool:
    """The goal's owner, and whoever may change the goal."""
    if access_for(person) is None:
        return False
    return goal.owner_id == person.pk or goal_permissions.can_change_goal(person, goal)


def can_write_reflection(person, goal: Goal) -> bool:
    return access_for(person) is not None and goal.owner_id == person.pk


def can_sign_off(person, review: Review) -> bool:
    """Someone in the owner's manager chain, or an admin; never the owner themself."""
    access = access_for(person)
    goal = review.goal
    if access is None or goal.owner_id == person.pk:
        return False
    return access.is_admin or access.manages(goal.owner_id, _owner_unit_id(goal))


def reflection_visible_in_list(person, review: Review) -> bool:
    """reflection_visible for a review already known to be visible (from reviews_visible_to, which annotates
    `owner_unit_id`): no query beyond what Access keeps for the request."""
    goal = review.goal
    unit_id = review.__dict__["owner_unit_id"] if "owner_unit_id" in review.__dict__ else goal.owner.unit_id
    return goal_permissions.owner_privacy_lifted(person, goal.owner_id, unit_id)
