"""The goal page's review section (apps.goals.panels): the goal's review or a link to write it, where the goal
came from or went to by carry-over, and a "Carry over" button. One query: the goal's review and the goals it
was carried from or into, together."""

from django.db.models import Q
from django.template.loader import render_to_string

from apps.goals import carryover
from apps.goals.models import Goal, GoalStatus

from . import permissions
from .models import Review


def review_panel(request, goal: Goal) -> str | None:
    user = request.user
    related = (
        Goal.objects.filter(
            Q(pk=goal.pk) | Q(carried_from=goal, archived_at__isnull=True) | Q(pk=goal.carried_from_id or 0)
        )
        .select_related("cycle", "review__signed_off_by")
        .order_by("pk")
    )
    carried_from, into, review = None, [], None
    for other in related:  # one query: the goal's review, and the goals it was carried from or into
        if other.pk == goal.pk:
            review = _review_or_none(other)
        elif other.pk == goal.carried_from_id:
            carried_from = other
        else:
            into.append(other)
    reviewable = goal.status != GoalStatus.DRAFT and goal.archived_at is None
    if not reviewable and not carried_from and not into:
        return None
    sees_review = permissions.can_view_review_of(user, goal)
    review = review if sees_review else None
    can_carry = reviewable and goal.status in carryover.OPEN_STATUSES and not into
    context = {
        "goal": goal,
        "review": review,
        "sees_review": sees_review,
        "show_reflection": review is not None and permissions.reflection_visible(user, goal),
        "can_write": reviewable and review is None and permissions.can_write_review(user, goal),
        "carried_from": carried_from,
        "carried_into": into,
        "can_carry": can_carry and carryover.can_carry_over(user, goal),
    }
    return render_to_string("reviews/_panel.html", context, request=request)


def _review_or_none(goal: Goal) -> Review | None:
    try:
        return goal.review
    except Review.DoesNotExist:
        return None
