"""Filtering proposals: one FilterSet for the API and the pages."""

import django_filters

from apps.core.filters import IdFilter

from .models import Proposal


class ProposalFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Proposal.Status.choices, help_text="Only proposals in this status.")
    parent = IdFilter(field_name="parent_id", help_text="Only the proposals under this goal (id).")
    mine = django_filters.BooleanFilter(method="filter_mine", help_text="true: only the proposals you made.")
    waiting = django_filters.BooleanFilter(
        method="filter_waiting",
        help_text="true: only the proposals waiting for your answer (pending, under a goal you own).",
    )

    class Meta:
        model = Proposal
        fields = ()

    def _person_id(self):
        return getattr(getattr(self.request, "user", None), "pk", None)

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        mine = {"proposer_id": self._person_id()}
        return queryset.filter(**mine) if value else queryset.exclude(**mine)

    def filter_waiting(self, queryset, name, value):
        if value is None:
            return queryset
        waiting = {"parent__owner_id": self._person_id(), "status": Proposal.Status.PENDING}
        return queryset.filter(**waiting) if value else queryset.exclude(**waiting)
