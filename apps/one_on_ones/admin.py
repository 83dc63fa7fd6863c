"""The Django admin sees who meets whom and how often — never what they said. Meetings, agenda items, shared notes,
action items and private notes are the two participants' alone, so none of them is registered here (DESIGN.md
"Whose words are whose")."""

from django.contrib import admin

from .models import Series


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ("manager", "report", "cadence_days", "next_on")
    list_select_related = ("manager", "report")
    raw_id_fields = ("manager", "report", "created_by")
    readonly_fields = ("created",)
