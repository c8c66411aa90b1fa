"""How allauth fits this product's accounts."""

from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.utils import get_next_redirect_url
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from mentoring.services import account_email_queue, user_welcome

SIGNUP_DESTINATION_KEY = "signup_destination"


def signup_destination_stash(request: HttpRequest, *, url: str, name: str) -> None:
    """Remember, for someone without an account looking at ``url`` (a scheme's open
    application link, an invitation), what it is called: an account created on the way
    back to ``url`` keeps both, so that the welcome e-mail can name it and confirming
    the address from another browser leads back to it."""
    request.session[SIGNUP_DESTINATION_KEY] = {"url": url, "name": name}


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # Through the outbox, like every e-mail of the product: never sent in the request.
        message = self.render_mail(template_prefix, email, context)
        account_email_queue(message=message)

    def confirm_email(self, request, email_address):
        # Welcome a person once, when their first address is verified; a later change
        # of e-mail address is confirmed without a second welcome.
        first = not EmailAddress.objects.filter(
            user_id=email_address.user_id, verified=True
        ).exists()
        confirmed = super().confirm_email(request, email_address)
        if first and confirmed:
            user_welcome(user=email_address.user)
        return confirmed

    def get_email_verification_redirect_url(self, email_address):
        # An account confirmed before it was ever used, perhaps on another device than
        # the one it was created on, goes back to where the person was going (signing in
        # first there: a confirmation link alone never signs anyone in).
        user = email_address.user
        if user.signup_next and user.last_login is None:
            if self.request.user.is_authenticated:
                return user.signup_next
            return f"{reverse('account_login')}?{urlencode({'next': user.signup_next})}"
        return super().get_email_verification_redirect_url(email_address)

    def save_user(self, request, user, form, commit=True):
        destination = request.session.get(SIGNUP_DESTINATION_KEY) or {}
        next_url = get_next_redirect_url(request)
        if next_url and destination.get("url") == next_url:
            user.signup_next = next_url
            user.signup_for = destination.get("name", "")
        user = super().save_user(request, user, form, commit=commit)
        if self.is_email_verified(request, user.email):
            # Signed up with the address an invitation link was sent to (the invitation
            # page stashes it): allauth marks it verified with no confirmation e-mail, so
            # ``confirm_email`` never runs to welcome them.
            if commit:
                user_welcome(user=user)
        else:
            # The stashed address counts only for an account made with it: someone who
            # was forwarded an invitation link and signs up with their own address must
            # confirm that address, and must not take the invited one.
            self.unstash_verified_email(request)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        # The user model has one name field; identity providers send the parts.
        user = super().populate_user(request, sociallogin, data)
        parts = [data.get("first_name"), data.get("last_name")]
        user.name = data.get("name") or " ".join(p for p in parts if p)
        return user
