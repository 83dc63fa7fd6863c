"""Goal templates in the Django admin, to read: writes go through the pages and the API, where
the services check the rules (a personal-layer template carries no why) and record the history."""

from django.contrib import admin

from .models import GoalTemplate, TemplateMetric


class TemplateMetricInline(admin.TabularInline):
    model = TemplateMetric
    extra = 0
    can_delete = False
    fields = ("name", "unit", "display_unit", "start", "target", "weight")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(GoalTemplate)
class GoalTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "layer", "created_by", "created", "archived_at")
    list_filter = ("layer",)
    list_select_related = ("created_by",)
    search_fields = ("title",)
    fields = ("title", "description", "why", "layer", "created_by", "created", "updated", "archived_at")
    readonly_fields = fields
    inlines = (TemplateMetricInline,)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
