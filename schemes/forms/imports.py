"""Importing applications from a spreadsheet: the upload and the confirmation."""

from typing import cast

from django import forms
from django.db.models import QuerySet

from mentoring.forms import CleanTextMixin
from schemes.models import ImportUpload

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
GONE_MESSAGE = (
    "This file is no longer waiting to be imported (a file waits an hour after its "
    "upload, and is imported once). Please upload it again."
)


class ApplicationsUploadForm(CleanTextMixin, forms.Form):
    """A CSV file of applications; ``cleaned_data["file"]`` is its text."""

    file = forms.FileField(
        label="CSV file of applications",
        help_text="Saved from your spreadsheet as “CSV UTF-8”, up to 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; upload at most 5 MB at a "
                "time (split a larger spreadsheet into several files)."
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text. In your spreadsheet, use “Save as” and choose "
                "“CSV UTF-8 (comma delimited)”, then upload that file."
            ) from None


class ApplicationsConfirmForm(CleanTextMixin, forms.Form):
    """The confirmation of a previewed file: only the id of the file kept on the server
    (``ImportUpload``), which must be this coordinator's, for this scheme, and not
    expired. It is checked again row by row on import."""

    upload = forms.ModelChoiceField(
        queryset=ImportUpload.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"required": GONE_MESSAGE, "invalid_choice": GONE_MESSAGE},
    )

    def __init__(self, *args, uploads: QuerySet[ImportUpload], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["upload"]).queryset = uploads
