"""The forms of schemes, one module per area: setup, invitations, questionnaire, review."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_error(form: forms.Form, error: ValidationError, skip_codes=frozenset()) -> None:
    """Put a service's ``ValidationError`` back on ``form``: each message beside the field
    it names, or at the top of the form when the form has no such field. Messages whose
    code is in ``skip_codes`` are left out (the page shows them another way)."""
    errors = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, field_errors in errors.items():
        target = field if field in form.fields else None
        for field_error in field_errors:
            if field_error.code not in skip_codes:
                form.add_error(target, field_error)
