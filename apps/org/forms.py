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
