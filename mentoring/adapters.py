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

    def save_user(self, request, user, form, commit=True):
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
