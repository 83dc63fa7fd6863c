from django.contrib import admin

from .models import Cycle


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("name", "start", "end", "parent", "status")
    list_filter = ("status",)
