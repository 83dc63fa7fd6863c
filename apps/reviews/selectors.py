"""Reads of reviews, already filtered to what the viewer may see (apps.reviews.permissions)."""

from django.db.models import F, QuerySet

from apps.goals.models import Goal

from .models import Review
from .permissions import visible_reviews_q


def reviews_visible_to(person) -> QuerySet[Review]:
    """The reviews `person` may see, with their goal, its cycle and the owner's unit joined in (one query)."""
    return (
        Review.objects.filter(visible_reviews_q(person))
        .select_related("goal__cycle", "goal__owner", "signed_off_by")
        .annotate(owner_unit_id=F("goal__owner__unit_id"))
    )


def review_of(goal: Goal) -> Review | None:
    return Review.objects.filter(goal=goal).select_related("signed_off_by").first()
