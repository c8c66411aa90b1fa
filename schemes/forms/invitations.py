"""Forms of the coordinator's invitations and of the invitation and open-link pages."""

from django import forms

from mentoring.forms import CleanTextMixin
from schemes.models import Invitation, ParticipantRole, Role

MAX_UPLOAD_BYTES = 1024 * 1024
ROLE_CHOICES = [
    (Role.MENTEE.value, "Mentee"),
    (Role.MENTOR.value, "Mentor"),
    (Role.COORDINATOR.value, "Coordinator (helps run the scheme)"),
]


class InvitationForm(CleanTextMixin, forms.Form):
    """One person to invite; the service checks they are not in the scheme already."""

    name = forms.CharField(
        label="Name",
        max_length=Invitation._meta.get_field("name").max_length,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="Used to greet them in the e-mail.",
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=Invitation._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Invite them as", choices=ROLE_CHOICES, initial=Role.MENTEE.value
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class InvitationUploadForm(CleanTextMixin, forms.Form):
    """A CSV file of name, e-mail and role; ``clean_file`` returns its text."""

    file = forms.FileField(
        label="CSV file",
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text="At most 1 MB, saved as CSV (UTF-8) from your spreadsheet.",
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than 1 MB. Split it into smaller files and upload each in turn."
            )
        data = upload.read()
        try:
            # utf-8-sig also reads the byte-order mark that Excel puts at the start.
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text. In your spreadsheet, choose "
                "\u201cSave as\u201d and the \u201cCSV UTF-8\u201d format, then upload it again."
            ) from None


class InvitationConfirmForm(CleanTextMixin, forms.Form):
    """The previewed CSV sent back unchanged: the service checks every row (and every
    cell, NUL and all) again."""

    raw_fields = ("csv_text",)

    csv_text = forms.CharField(widget=forms.HiddenInput, max_length=MAX_UPLOAD_BYTES, strip=False)


class ApplyForm(CleanTextMixin, forms.Form):
    """The role someone applies for from a scheme's open link."""

    role = forms.ChoiceField(choices=ParticipantRole.choices)
