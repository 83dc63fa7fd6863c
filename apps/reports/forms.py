"""The report pages' forms: which cycle to show, which export to build."""

from django import forms

from apps.cycles.models import Cycle

from .models import ExportJob


class ReportFilterForm(forms.Form):
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.order_by("-start", "name"),
        required=False,
        empty_label="Active cycles",
        help_text="The cycle and the cycles inside it.",
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=ExportJob.Format.choices)
    cycle = forms.ModelChoiceField(queryset=Cycle.objects.all(), required=False, widget=forms.HiddenInput)
