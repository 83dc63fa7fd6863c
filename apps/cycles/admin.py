"""Cycles in the Django admin. A cycle closes here too only once its close checks agree (apps.cycles.hooks): the
same rule as cycle_close and cycle_update."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import hooks
from .models import Cycle

FIELDS = ("name", "start", "end", "parent", "status")


class CycleAdminForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = FIELDS

    def clean(self):
        data = super().clean()
        closing = data.get("status") == Cycle.Status.CLOSED and self.initial.get("status") != Cycle.Status.CLOSED
        if not self.errors and closing and self.instance.pk:
            try:
                hooks.check_close(self.instance, "status")
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field, errors)
        return data


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    form = CycleAdminForm
    list_display = ("name", "start", "end", "parent", "status")
    list_filter = ("status",)
