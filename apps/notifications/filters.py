"""Filtering notifications: one FilterSet for the API and the page."""

import django_filters

from .models import Notification


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", help_text="true: only unread notifications; false: only read ones."
    )

    class Meta:
        model = Notification
        fields = ()
