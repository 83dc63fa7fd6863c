"""Filtering cycles: one FilterSet for the API and the pages."""

import django_filters

from apps.core.filters import IdFilter

from .models import Cycle


class CycleFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Cycle.Status.choices, help_text="Only cycles with this status.")
    parent = IdFilter(field_name="parent_id", help_text="Only the cycles directly inside this cycle (id).")

    class Meta:
        model = Cycle
        fields = ()
