"""Who reads a coaching profile and which wins: one place, used by the API and the pages.

A coaching profile is written by its person and read by them and their manager chain (DESIGN.md "Whose words are
whose"): the same chain that reads a check-in's reflection (apps.goals.permissions.in_owner_chain): people above
them through `manager` links and the leads of their unit and the units above it. HR, admins and peers do not.
"""

from django.db.models import F, Q

from apps.goals import permissions as goals
from apps.goals.permissions import OwnerAmong
from apps.org import selectors as org
from apps.org.models import Person
from apps.org.permissions import access_for

from .models import Visibility, Win


def can_read_profile(viewer, person: Person) -> bool:
    return goals.in_owner_chain(viewer, person.pk, person.unit_id)


def can_write_profile(viewer, person: Person) -> bool:
    return getattr(viewer, "pk", None) == person.pk


def visible_wins_q(viewer) -> Q:
    """The wins `viewer` may see: a win on a goal they may not see is hidden; a recognition follows its visibility."""
    access = access_for(viewer)
    if access is None:
        return Q(pk__in=[])
    goal_q = goals.visible_goals_q(viewer, prefix="goal__")
    goal_ok = Q(goal__isnull=True) | goal_q if goal_q else Q()  # an empty Q (sees every goal) must not be OR-ed
    involved = Q(person=viewer) | Q(sender=viewer)
    # The chain as subqueries, not as lists of ids: a leader's reports are the whole organisation (100,000 ids cost
    # the home page 1.9 s to send and plan; docs/benchmarks.md).
    chain = Q(OwnerAmong(F("person_id"), org.reports_subquery(viewer))) | Q(
        person__unit_id__in=org.led_units_subquery(viewer)
    )
    by_visibility = (
        ~Q(kind=Win.Kind.RECOGNITION)
        | Q(visibility=Visibility.PUBLIC)
        | involved
        | (Q(visibility=Visibility.MANAGER) & chain)
    )
    return goal_ok & by_visibility


def can_recognise_for(viewer, goal) -> bool:
    """A recognition may name a goal its sender may see."""
    return goal is None or goals.can_view_goal(viewer, goal)
