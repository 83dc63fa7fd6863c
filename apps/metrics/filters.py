"""Filtering metrics: one FilterSet for the API and the pages."""

import django_filters

from apps.core.filters import IdFilter

from .models import Metric


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
