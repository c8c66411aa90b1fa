"""Forms and form helpers every app shares: the sign-up fields, the cleaning of every
text field (``CleanTextMixin``), and one way for a service's ``ValidationError`` to
reach a form or the page's messages."""

from collections.abc import Collection

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpRequest

from mentoring.validators import clean_text


def add_service_error(
    form: forms.BaseForm, error: ValidationError, skip_codes: Collection[str] = frozenset()
) -> None:
    """Put a service's ``ValidationError`` back on ``form``: each message beside the field
    it names, or at the top of the form when the form has no such field. Messages whose
    code is in ``skip_codes`` are left out (the page shows them another way)."""
    if hasattr(error, "error_dict"):
        errors = error.error_dict
    else:  # no field named: the form's own errors
        errors = {NON_FIELD_ERRORS: error.error_list}
    for field, field_errors in errors.items():
        target = field if field in form.fields else None
        for field_error in field_errors:
            if field_error.code not in skip_codes:
                form.add_error(target, field_error)


def error_text(error: ValidationError) -> str:
    """A service's ``ValidationError`` as one sentence or more, for a message."""
    return " ".join(error.messages)


def message_service_error(request: HttpRequest, error: ValidationError, suffix: str = "") -> None:
    """Show a service's ``ValidationError`` at the top of the next page, for actions
    that have no form of their own to put it on (a button that posts)."""
    messages.error(request, " ".join(filter(None, [error_text(error), suffix])))


def _cleaning(to_python):
    def to_python_cleaned(value):
        return to_python(clean_text(value))

    to_python_cleaned.cleans_text = True  # type: ignore[attr-defined]
    return to_python_cleaned


class CleanTextMixin(forms.BaseForm):
    """Put every text field of a form through ``clean_text`` before its own cleaning,
    so a NUL is a message beside the field and other control characters never reach
    the database. Fields added after ``__init__`` (a scheme's own questions) are
    covered too: the fields are wrapped when the form is cleaned. Passwords are left
    exactly as typed, and so are the fields named in ``raw_fields`` (a whole file
    posted back, whose service checks it cell by cell)."""

    raw_fields: tuple[str, ...] = ()

    def full_clean(self) -> None:
        for name, field in self.fields.items():
            if name in self.raw_fields:
                # Django's own NUL check would refuse the whole file for one bad cell.
                field.validators = [
                    validator
                    for validator in field.validators
                    if not isinstance(validator, ProhibitNullCharactersValidator)
                ]
                continue
            if not isinstance(field, forms.CharField | forms.ChoiceField):
                continue
            if isinstance(field.widget, forms.PasswordInput):
                continue
            if not getattr(field.to_python, "cleans_text", False):
                field.to_python = _cleaning(field.to_python)  # type: ignore[method-assign]
        super().full_clean()


class SignupForm(CleanTextMixin, forms.Form):
    """Fields allauth's sign-up form adds to e-mail and password."""

    name = forms.CharField(
        label="Full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text="As your colleagues know you; coordinators use it to match you.",
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Please enter your name.")
        return name

    def signup(self, request, user) -> None:
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])
