"""allauth's sign-up form, made to answer the same whoever has an account.

In its own module: allauth builds its form on ``mentoring.forms.SignupForm``
(``ACCOUNT_SIGNUP_FORM_CLASS``), so that module cannot import allauth's forms.
"""

from typing import Any

from allauth.account.forms import SignupForm
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse


class AccountSignupForm(SignupForm):
    """Sign-up with allauth's answer for an address that already has an account (the
    "verify your e-mail" page, and an e-mail to the owner saying so), given the same
    way when two sign-ups with one address race, and in the same time."""

    account_already_exists: bool  # set by allauth's form as it checks the address

    def try_save(self, request: HttpRequest) -> tuple[Any, HttpResponse | None]:
        if self.account_already_exists:
            # A new account's password is hashed on the way in, which takes most of the
            # request's time; hashing this one too keeps the time from telling whether
            # the address has an account.
            make_password(self.cleaned_data.get("password1"))
            return super().try_save(request)
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            # Another sign-up with this address (a double click, a second tab) was saved
            # between this form's check and its save.
            self.account_already_exists = True
            return super().try_save(request)
