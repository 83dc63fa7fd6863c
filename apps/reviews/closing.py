"""What closing a cycle asks of reviews (registered with apps.cycles.hooks in ReviewsConfig.ready).

A cycle closes once every goal that ran in it has been looked back on: every goal of the cycle that is active,
achieved or missed and not archived has a review, or has been carried over into a later cycle. Drafts never ran and
cancelled goals were stopped on purpose: they need neither. Only the goals of the cycle itself count, not those of
the cycles inside it (a year's quarters close on their own).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from apps.cycles.models import Cycle
from apps.goals.models import Goal, GoalStatus

NEEDS_REVIEW = (GoalStatus.ACTIVE, GoalStatus.ACHIEVED, GoalStatus.MISSED)
NAMED = 3  # how many missing goals an error names by title


def _carried():
    return Exists(Goal.objects.filter(carried_from=OuterRef("pk"), archived_at__isnull=True))


def goals_to_review(cycle: Cycle) -> QuerySet[Goal]:
    """The goals of `cycle` that must be reviewed or carried over before it closes."""
    return Goal.objects.filter(cycle=cycle, archived_at__isnull=True, status__in=NEEDS_REVIEW)


def missing(cycle: Cycle) -> QuerySet[Goal]:
    """Those of them neither reviewed nor carried over, in the cascade's order."""
    return goals_to_review(cycle).filter(review__isnull=True).exclude(_carried()).order_by("tree_id", "lft", "pk")


@dataclass(frozen=True)
class CloseProgress:
    total: int
    reviewed: int
    carried: int
    missing: int


def close_progress(cycle: Cycle) -> CloseProgress:
    """How far the cycle's close has come, in one query."""
    rows = goals_to_review(cycle).annotate(carried=_carried()).values_list("review__id", "carried")
    reviewed = carried = missing_count = 0
    for review_id, was_carried in rows:
        if review_id is not None:
            reviewed += 1
        elif was_carried:
            carried += 1
        else:
            missing_count += 1
    return CloseProgress(total=len(rows), reviewed=reviewed, carried=carried, missing=missing_count)


def close_problems(cycle: Cycle) -> list[str]:
    """The close check: one message naming how many goals are missing and the first few of them."""
    count = missing(cycle).count()
    if not count:
        return []
    titles = [f"“{title}”" for title in missing(cycle).values_list("title", flat=True)[:NAMED]]
    more = f" and {count - NAMED} more" if count > NAMED else ""
    noun = "goal is" if count == 1 else "goals are"
    return [
        f"{count} {noun} neither reviewed nor carried over: {', '.join(titles)}{more}. "
        "Review each, carry it over into the next cycle, or cancel it first."
    ]
