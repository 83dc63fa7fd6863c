"""Filtering goals: one FilterSet for the API and the pages.

Archived goals are left out unless `archived` asks for them. References are filtered by id
without looking them up, so a filter never tells whether a goal the caller may not see exists.
"""

import django_filters
from django.db.models import Q

from apps.core.filters import IdFilter, InUseByDefault, StableOrderingFilter, archived_filter

from .models import Goal, GoalStatus, Layer, Metric


class GoalFilterSet(InUseByDefault):
    cycle = IdFilter(field_name="cycle_id", help_text="Only goals of this cycle (id).")
    layer = django_filters.ChoiceFilter(choices=Layer.choices, help_text="Only goals of this layer.")
    unit = IdFilter(field_name="unit_id", help_text="Only goals of this unit (id).")
    owner = IdFilter(field_name="owner_id", help_text="Only goals owned by this person (id).")
    parent = IdFilter(field_name="parent_id", help_text="Only the direct children of this goal (id).")
    status = django_filters.ChoiceFilter(choices=GoalStatus.choices, help_text="Only goals with this status.")
    search = django_filters.CharFilter(
        method="filter_search", max_length=200, help_text="Words to find in the title or the description."
    )
    archived = archived_filter("goals")
    ordering = StableOrderingFilter(
        fields=("id", "title", "created", "updated", "progress", "weight"),
        help_text="Sort by id, title, created, updated, progress or weight; prefix with - to reverse; comma-separate.",
    )

    class Meta:
        model = Goal
        fields = ()

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class MetricFilterSet(InUseByDefault):
    goal = IdFilter(field_name="goal_id", help_text="Only the metrics of this goal (id).")
    archived = archived_filter("metrics")

    class Meta:
        model = Metric
        fields = ()
