from django.contrib import admin

from . import services
from .models import CheckIn, Metric


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ("name", "goal", "start", "target", "current", "weight", "progress", "archived_at")
    raw_id_fields = ("goal",)
    readonly_fields = ("progress", "archived_at")
    search_fields = ("name", "goal__title")
    list_select_related = ("goal",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        if change:
            services.metric_update(actor=request.user, metric=Metric.objects.get(pk=obj.pk), **data)
        else:
            obj.pk = services.metric_create(actor=request.user, goal=form.cleaned_data["goal"], **data).pk


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    """Check-ins are history: read-only here, recorded through the pages and the API."""

    list_display = ("created", "goal", "metric", "value", "confidence", "author")
    list_select_related = ("goal", "metric", "author")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
