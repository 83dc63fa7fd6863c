"""Filtering units and people: one FilterSet each for the API and the pages."""

import django_filters
from django.db.models import Q

from apps.core.filters import IdFilter

from .invitations import activated_q
from .models import Person, Unit


class UnitFilterSet(django_filters.FilterSet):
    parent = IdFilter(field_name="parent_id", help_text="Only the units directly under this unit (id).")
    kind = django_filters.ChoiceFilter(choices=Unit.Kind.choices, help_text="Only units of this kind.")
    lead = IdFilter(field_name="lead_id", help_text="Only the units this person leads (id).")

    class Meta:
        model = Unit
        fields = ()


class PersonFilterSet(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id", help_text="Only the people of this unit (id).")
    manager = IdFilter(field_name="manager_id", help_text="Only the direct reports of this person (id).")
    role = django_filters.ChoiceFilter(choices=Person.Role.choices, help_text="Only people with this role.")
    search = django_filters.CharFilter(
        method="filter_search", max_length=200, help_text="Text to find in the username, name or email."
    )
    activated = django_filters.BooleanFilter(
        method="filter_activated",
        help_text="true: only people who have signed in or have a password; false: only those who have neither.",
    )

    class Meta:
        model = Person
        fields = ()

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__icontains=value) | Q(name__icontains=value) | Q(email__icontains=value))

    def filter_activated(self, queryset, name, value):
        return queryset.filter(activated_q()) if value else queryset.exclude(activated_q())
