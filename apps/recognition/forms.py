from django import forms
from django.urls import reverse

from apps.core import picker
from apps.org import picker as org_picker
from apps.org.models import Person

from .models import MESSAGE_LENGTH, Communication, Decisions, RecognitionStyle, Visibility


def _choices(choices) -> list[tuple[str, str]]:
    return [("", "Not said"), *choices]


class CoachingProfileForm(forms.Form):
    """Your answers, descriptive only: your manager chain reads them with advice on how to give you feedback."""

    communication = forms.ChoiceField(
        choices=_choices(Communication.choices), required=False, label="How do you like to be told things?"
    )
    decisions = forms.ChoiceField(
        choices=_choices(Decisions.choices), required=False, label="What moves your decisions?"
    )
    recognition = forms.ChoiceField(
        choices=_choices(RecognitionStyle.choices), required=False, label="How do you like to be recognised?"
    )
    strengths = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One a line: at most 10, each at most 100 characters.",
    )
    feedback_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="A note on how you like feedback"
    )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["strengths"] = [line.strip() for line in data["strengths"].splitlines() if line.strip()]
        return data


NO_GOAL = "— No goal in particular —"


class RecognitionForm(forms.Form):
    """Whom to recognise and for which goal: a <select> in a small organisation, a search (apps.core.picker) in a
    large one, where a list of every person and every goal would be megabytes."""

    to = forms.ModelChoiceField(queryset=Person.objects.none(), label="Who")
    goal = forms.ModelChoiceField(
        queryset=None, required=False, empty_label=NO_GOAL, help_text="Optional: a goal it was for."
    )
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=MESSAGE_LENGTH)
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.PUBLIC, label="Who sees it")

    def __init__(self, *args, goals, queries: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        queries = queries or {}
        picker.fit(self.fields["to"], org_picker.active_people(), org_picker.people_finder(), queries.get("to", ""))
        picker.fit(self.fields["goal"], goals, goal_finder(), queries.get("goal", ""))


def goal_label(goal) -> str:
    return f"{goal.title} · {goal.owner}"


def goal_finder() -> picker.Finder:
    return picker.Finder(("title",), goal_label, "goals", reverse("recognition:goal-options"), shortest=3)
