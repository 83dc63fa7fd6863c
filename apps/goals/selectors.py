"""Reads of the cascade. Subtrees and lines of ancestors are single range queries."""

from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Goal, Layer
from .progress import health


def subtree_q(goal: Goal) -> Q:
    """The goal and everything under it: its cascade range plus the personal goals hanging off that range."""
    if goal.layer == Layer.PERSONAL:
        return Q(pk=goal.pk)
    in_range = Q(tree_id=goal.tree_id, lft__gte=goal.lft, rght__lte=goal.rght)
    personal = Q(
        layer=Layer.PERSONAL, parent__tree_id=goal.tree_id, parent__lft__gte=goal.lft, parent__rght__lte=goal.rght
    )
    return in_range | personal


def goal_subtree(goal: Goal, *, include_archived: bool = False) -> QuerySet[Goal]:
    qs = Goal.objects.filter(subtree_q(goal))
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs


def goal_ancestors(goal: Goal) -> QuerySet[Goal]:
    """The line of sight from the root intent down to the goal's parent (one query, root first)."""
    anchor = goal.parent if goal.layer == Layer.PERSONAL else goal
    if anchor is None:
        return Goal.objects.none()
    q = Q(tree_id=anchor.tree_id, lft__lte=anchor.lft, rght__gte=anchor.rght)
    if anchor.pk == goal.pk:
        q &= ~Q(pk=goal.pk)
    return Goal.objects.filter(q).order_by("lft")


def goal_health(goal: Goal, today: date | None = None) -> str | None:
    """Health now; needs goal.cycle (select_related it for lists)."""
    return health(
        progress=goal.progress,
        status=goal.status,
        cycle_start=goal.cycle.start,
        cycle_end=goal.cycle.end,
        today=today or timezone.localdate(),
        last_activity=goal.last_checkin_at or goal.created,
        override=goal.health_override,
        stale_after_days=settings.STALE_AFTER_DAYS,
    )
