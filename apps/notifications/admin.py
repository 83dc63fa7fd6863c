"""Notifications, preferences and digests in the admin: read-only (written through the services). The texts carry
names and goal titles only, never a goal's private reflection."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Digest, Notification, Preference, ReminderState


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created", "person", "kind", "text", "read_at", "digest")
    list_filter = ("kind",)
    list_select_related = ("person",)
    search_fields = ("person__username", "person__name")
    raw_id_fields = ("person", "goal", "digest")
    fields = ("person", "kind", "text", "url", "goal", "key", "created", "read_at", "digest")
    readonly_fields = fields


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdmin):
    list_display = ("person", "timezone", "quiet_hours_start", "quiet_hours_end", "email_digest", "checkin_reminders")
    list_filter = ("email_digest", "checkin_reminders")
    list_select_related = ("person",)
    search_fields = ("person__username", "person__name")


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ("created", "person", "period", "outcome", "finished_at")
    list_filter = ("outcome",)
    list_select_related = ("person",)
    search_fields = ("person__username", "person__name", "period")


@admin.register(ReminderState)
class ReminderStateAdmin(ReadOnlyAdmin):
    list_display = ("person", "started", "reminders_sent", "last_reminded_at", "escalated_at")
    list_select_related = ("person",)
