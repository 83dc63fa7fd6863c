"""Filters shared by the apps' FilterSets."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .validation import MAX_ID


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An exact match on an integer id (1 to 2^63 − 1); anything else is a 400 naming the filter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StableOrderingFilter(django_filters.OrderingFilter):
    """Orders by the requested fields, then by id, so that pages never overlap or skip rows."""

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk")


def archived_filter(noun: str) -> django_filters.BooleanFilter:
    """The `archived` filter of a FilterSet built on InUseByDefault; `noun` names the rows ("goals")."""
    return django_filters.BooleanFilter(
        method="filter_archived",
        help_text=f"true: only archived {noun}; false or absent: only {noun} in use (archived ones are left out).",
    )


class InUseByDefault(django_filters.FilterSet):
    """Deletes archive: rows with an `archived_at` are left out unless the `archived` filter asks for them."""

    def filter_archived(self, queryset, name, value):
        return queryset.filter(archived_at__isnull=not value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("archived") is None:
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset
