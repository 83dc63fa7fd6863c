from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Export jobs are made by the report pages and the API; the admin only looks (and may delete a stuck one)."""

    list_display = ("id", "format", "status", "progress", "requested_by", "cycle", "unit", "created", "expires_at")
    list_filter = ("status", "format")
    list_select_related = ("requested_by", "cycle", "unit")
    readonly_fields = [field.name for field in ExportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
