from django import forms

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


class RecognitionForm(forms.Form):
    to = forms.ModelChoiceField(queryset=Person.objects.filter(is_active=True).order_by("name", "username"))
    goal = forms.ModelChoiceField(queryset=None, required=False, help_text="Optional: a goal it was for.")
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=MESSAGE_LENGTH)
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.PUBLIC, label="Who sees it")

    def __init__(self, *args, goals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals
