"""How allauth fits this product's accounts."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from mentoring.services import user_welcome


class AccountAdapter(DefaultAccountAdapter):
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


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        # The user model has one name field; identity providers send the parts.
        user = super().populate_user(request, sociallogin, data)
        parts = [data.get("first_name"), data.get("last_name")]
        user.name = data.get("name") or " ".join(p for p in parts if p)
        return user
