from django.contrib import admin

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
