"""Forms for the organisation pages. They check the shape of the input; apps.org.importing decides the rules."""

from django import forms
from django.core.exceptions import ValidationError

from .importing import COLUMNS, size_problems

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
FILE_TYPES = (".csv", ".xlsx")


class PeopleFileForm(forms.Form):
    file = forms.FileField(
        label="HR file",
        help_text=(
            f"CSV (UTF-8) or Excel .xlsx, at most {MAX_UPLOAD_BYTES // 2**20} MB: one row per person, "
            f"with the columns {', '.join(COLUMNS)}."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(FILE_TYPES)}),
    )

    allow_new_root = forms.BooleanField(
        label="The file adds a new top unit",
        required=False,
        help_text="Tick only to add a second organisation beside the existing one. Otherwise every unit path must "
        "start with an existing top unit's name.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"The file is {upload.size / 2**20:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB. "
                "Split it, or ask an admin to run manage.py import_people with it."
            )
        if not upload.name.lower().endswith(FILE_TYPES):
            raise ValidationError("Upload a .csv or .xlsx file (save older .xls files as .xlsx).")
        problems = size_problems(upload.read())
        upload.seek(0)
        if problems:
            raise ValidationError(problems[0].message)
        return upload


class ConfirmImportForm(forms.Form):
    """Confirm a checked import. When it deactivates many people (apps.org.importing.safety), the count is typed."""

    confirm_deactivations = forms.IntegerField(required=False, min_value=0)

    def __init__(self, *args, expected: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected
        field = self.fields["confirm_deactivations"]
        if expected is None:
            field.widget = forms.HiddenInput()
        else:
            field.required = True
            field.label = f"Type {expected} to confirm"
            field.widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 8})
            field.error_messages["required"] = f"Type {expected}, the number of people to deactivate, to confirm."

    def clean_confirm_deactivations(self):
        typed = self.cleaned_data["confirm_deactivations"]
        if self.expected is not None and typed != self.expected:
            raise ValidationError(
                f"This import deactivates {self.expected} people: type {self.expected} to confirm it, "
                "or cancel and check the file."
            )
        return typed
