import json

from django.contrib import admin

from .history import changes_visible_to
from .models import ObjectChange


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that are history: shown in the admin, written only through the services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ObjectChange)
class ObjectChangeAdmin(ReadOnlyAdmin):
    """The change log is append-only."""

    list_display = ("time", "actor", "action", "content_type", "object_id")
    list_filter = ("action", "content_type")
    list_select_related = ("actor", "content_type")
    fields = ("time", "actor", "action", "content_type", "object_id", "changes_shown")
    readonly_fields = fields

    def get_object(self, request, object_id, from_field=None):
        self._viewer = request.user  # whose eyes the change is shown to (private words are their owner's alone)
        return super().get_object(request, object_id, from_field)

    @admin.display(description="changes")
    def changes_shown(self, change: ObjectChange):
        return json.dumps(changes_visible_to(change, getattr(self, "_viewer", None)), ensure_ascii=False, indent=1)
