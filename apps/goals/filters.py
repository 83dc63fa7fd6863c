"""Filtering goals: one FilterSet for the API and the pages.

Archived goals are left out unless `archived` asks for them. References are filtered by id
without looking them up, so a filter never tells whether a goal the caller may not see exists.
"""

import django_filters
from django.db.models import Q

from apps.core.filters import IdFilter, StableOrderingFilter

from .models import Goal, GoalStatus, Layer, Metric


class GoalFilterSet(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id", help_text="Only goals of this cycle (id).")
    layer = django_filters.ChoiceFilter(choices=Layer.choices, help_text="Only goals of this layer.")
    unit = IdFilter(field_name="unit_id", help_text="Only goals of this unit (id).")
    owner = IdFilter(field_name="owner_id", help_text="Only goals owned by this person (id).")
    parent = IdFilter(field_name="parent_id", help_text="Only the direct children of this goal (id).")
    status = django_filters.ChoiceFilter(choices=GoalStatus.choices, help_text="Only goals with this status.")
    search = django_filters.CharFilter(
        method="filter_search", max_length=200, help_text="Words to find in the title or the description."
    )
    archived = django_filters.BooleanFilter(
        method="filter_archived",
        help_text="true: only archived goals; false or absent: only goals in use (archived ones are left out).",
    )
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

    def filter_archived(self, queryset, name, value):
        return queryset.filter(archived_at__isnull=not value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("archived") is None:
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset


class MetricFilterSet(django_filters.FilterSet):
    goal = IdFilter(field_name="goal_id", help_text="Only the metrics of this goal (id).")
    archived = django_filters.BooleanFilter(
        method="filter_archived",
        help_text="true: only archived metrics; false or absent: only metrics in use (archived ones are left out).",
    )

    class Meta:
        model = Metric
        fields = ()

    def filter_archived(self, queryset, name, value):
        return queryset.filter(archived_at__isnull=not value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("archived") is None:
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset
