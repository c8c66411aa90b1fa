"""The confirmation of an erasure: the person's password, or, for an account that
signs in only through single sign-on (it has no password), their e-mail address typed
out. Each attempt counts against allauth's "reauthenticate" rate limit (10 a minute per
account), so the page cannot be used to guess a password."""

from typing import Any

from allauth.core import ratelimit
from django import forms
from django.http import HttpRequest

from mentoring.forms import CleanTextMixin

TOO_MANY = "Too many attempts. Wait a minute, then try again."


class ErasureConfirmForm(CleanTextMixin, forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    email = forms.CharField(
        label="Your e-mail address",
        max_length=254,
        help_text="Type the address you sign in with, to confirm.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: Any = request.user
        # One way to confirm: the password, or the address for an account without one.
        if self.uses_password:
            del self.fields["email"]
        else:
            del self.fields["password"]

    @property
    def uses_password(self) -> bool:
        return bool(self.user.has_usable_password())

    def _allowed(self) -> bool:
        return ratelimit.consume(self.request, action="reauthenticate", user=self.user)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self._allowed():
            raise forms.ValidationError(TOO_MANY, code="rate_limited")
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That is not your password. Nothing has been erased.", code="wrong_password"
            )
        return password

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if not self._allowed():
            raise forms.ValidationError(TOO_MANY, code="rate_limited")
        if email.casefold() != self.user.email.casefold():
            raise forms.ValidationError(
                "That is not the address of your account. Nothing has been erased.",
                code="wrong_email",
            )
        return email
