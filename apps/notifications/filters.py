"""Filtering notifications: one FilterSet for the API and the page."""

import django_filters

from .models import Notification


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.ChoiceFilter(
        choices=(("true", "true"), ("false", "false")),
        method="filter_unread",
        help_text="true: only unread notifications; false: only read ones.",
    )

    class Meta:
        model = Notification
        fields = ()

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")
