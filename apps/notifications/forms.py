"""The preferences page's form: the shape of the input; the rules are services.preference_update's."""

from django import forms

from .models import Preference, available_timezones


class PreferenceForm(forms.Form):
    timezone = forms.ChoiceField(label="Time zone", help_text="Your digest comes in your local morning.")
    quiet_hours_start = forms.TimeField(
        label="Quiet hours from", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_hours_end = forms.TimeField(
        label="Quiet hours until",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="No mail reaches you between these times (they may run over midnight).",
    )
    email_digest = forms.ChoiceField(label="Email digest", choices=Preference.Digest.choices)
    checkin_reminders = forms.BooleanField(
        label="Remind me when a check-in is due", required=False, help_text="In the app and in your digest."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(zone, zone) for zone in sorted(available_timezones())]


class CadenceForm(forms.Form):
    checkin_cadence_days = forms.IntegerField(label="Check-in every (days)", min_value=1, max_value=365)
