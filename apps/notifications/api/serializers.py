"""Notifications and preferences over the API: shape checks here, the rules in apps.notifications.services."""

import re
from datetime import time

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Notification, Preference, available_timezones


class NotificationSerializer(serializers.ModelSerializer):
    """Something that needs your attention."""

    read = serializers.SerializerMethodField(help_text="Whether you have read it.")

    class Meta:
        model = Notification
        fields = ("id", "kind", "text", "url", "created", "read")
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The notification's id."},
            "kind": {"help_text": "What it is about."},
            "text": {"help_text": "What to tell, with names and goal titles (never a goal's private reflection)."},
            "url": {"help_text": "Where to act on it: a path of this site (empty when there is nowhere to go)."},
            "created": {"help_text": "When it was noticed."},
        }

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


LOCAL_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?")


@extend_schema_field({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", "example": "22:00"})
class LocalTimeField(serializers.Field):
    """A local time of day, "HH:MM" (seconds allowed in, never shown): no offset, since it is in the person's own
    time zone (JSON Schema's `time` format would demand one)."""

    default_error_messages = {"invalid": "A local time of day, HH:MM (in your time zone, without an offset), or null."}

    def to_representation(self, value: time) -> str:
        return value.strftime("%H:%M")

    def to_internal_value(self, data) -> time:
        match = LOCAL_TIME.fullmatch(data) if isinstance(data, str) else None
        if match is None:
            self.fail("invalid")
        return time(int(match[1]), int(match[2]), int(match[3] or 0))


class PreferenceSerializer(serializers.ModelSerializer):
    """How you want to hear of your notifications."""

    timezone = serializers.CharField(
        max_length=64, help_text="Your IANA time zone (Europe/Berlin, Asia/Tokyo): the digest comes in your morning."
    )

    quiet_hours_start = LocalTimeField(
        required=False, allow_null=True, help_text="From this local time (HH:MM) no mail reaches you; null: none."
    )
    quiet_hours_end = LocalTimeField(
        required=False,
        allow_null=True,
        help_text="Until this local time (HH:MM); may be earlier than the start (overnight).",
    )

    class Meta:
        model = Preference
        fields = ("timezone", "quiet_hours_start", "quiet_hours_end", "email_digest", "checkin_reminders")
        extra_kwargs = {
            "quiet_hours_start": {"help_text": "From this local time (HH:MM) no mail reaches you; null: none."},
            "quiet_hours_end": {
                "help_text": "Until this local time (HH:MM); may be earlier than the start (overnight)."
            },
            "email_digest": {"help_text": "off, daily or weekly (Mondays; the default)."},
            "checkin_reminders": {"help_text": "Remind you when a check-in is due (in the app and in your digest)."},
        }

    def validate_timezone(self, value: str) -> str:
        if value not in available_timezones():
            raise serializers.ValidationError(
                f"{value!r} is not a time zone we know: use an IANA name such as Asia/Tokyo."
            )
        return value


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread.")
