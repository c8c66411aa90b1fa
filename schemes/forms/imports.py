"""Importing applications from a spreadsheet: the upload and the confirmation."""

from django import forms
from django.core import signing

from mentoring.forms import CleanTextMixin

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


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
    """The previewed file, posted back to be imported.

    The text travels compressed and signed: compressed so that a large file stays under
    the request size limit, signed (for this scheme) so that what is imported is the
    file the coordinator previewed. It is checked again row by row on import anyway.
    """

    # The form's metaclass moves declared fields into base_fields, so this field does not
    # hide the bound data (self.data) as the stubs believe.
    data = forms.CharField(widget=forms.HiddenInput)  # type: ignore[assignment]

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.salt = f"schemes.applications_import:{scheme.pk}"

    def pack(self, text: str) -> str:
        return signing.dumps(text, salt=self.salt, compress=True)

    def clean_data(self) -> str:
        try:
            return signing.loads(self.cleaned_data["data"], salt=self.salt)
        except signing.BadSignature:
            raise forms.ValidationError(
                "The file could not be read back. Please upload it again."
            ) from None
