"""Forms of the 1:1 pages: shapes only; the rules are in services."""

from django import forms

from apps.org.models import Person


class SeriesForm(forms.Form):
    other = forms.ModelChoiceField(queryset=Person.objects.none(), label="With", empty_label="Choose a person")
    cadence_days = forms.IntegerField(
        min_value=1, max_value=365, initial=7, label="Every (days)", help_text="How often you meet, 1 to 365 days."
    )
    next_on = forms.DateField(
        label="First meeting", widget=forms.DateInput(attrs={"type": "date"}), help_text="The date of the first one."
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = candidates


class AgendaItemForm(forms.Form):
    text = forms.CharField(max_length=500, label="Add to the agenda")


class SharedNotesForm(forms.Form):
    shared_notes = forms.CharField(
        required=False, max_length=20_000, label="Shared notes", widget=forms.Textarea(attrs={"rows": 5})
    )


class PrivateNoteForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=20_000,
        label="My private note",
        help_text="Yours alone: nobody else ever reads it, not even the other participant.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ActionItemForm(forms.Form):
    text = forms.CharField(max_length=500, label="New action item")
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), label="Who does it")
    due = forms.DateField(required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Person.objects.filter(pk__in=series.participant_ids())
