"""Filtering reviews: one FilterSet for the API and the pages. References are filtered by id without looking them up."""

import django_filters

from apps.core.filters import IdFilter

from .models import Review


class ReviewFilterSet(django_filters.FilterSet):
    goal = IdFilter(field_name="goal_id", help_text="Only the review of this goal (id).")
    cycle = IdFilter(field_name="goal__cycle_id", help_text="Only reviews of goals of this cycle (id).")
    signed_off = django_filters.BooleanFilter(
        field_name="signed_off_at",
        lookup_expr="isnull",
        exclude=True,
        help_text="true: only signed-off reviews; false: only those waiting for a sign-off.",
    )

    class Meta:
        model = Review
        fields = ()
