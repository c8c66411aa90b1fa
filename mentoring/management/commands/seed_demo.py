"""Create the demo: one account for each role and a scheme they share.

Safe to run again: it updates what exists and creates what is missing, and resets the
demo passwords to the ones it prints.
"""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from mentoring.models import User
from mentoring.services import user_set_report_viewer
from schemes.models import Role, Scheme
from schemes.services.schemes import membership_add, scheme_create

DEMO_PASSWORD = "mentoring-demo"

DEMO_SCHEME = {
    "slug": "council-staff-mentoring",
    "name": "Council staff mentoring scheme",
    "description": (
        "A twelve-month scheme pairing staff across the council's departments. Mentors "
        "help mentees find their own direction, build confidence and plan their next "
        "steps; mentees who finish often go on to mentor others."
    ),
}

# (e-mail, name, what the account shows)
DEMO_PEOPLE = [
    ("admin@example.org", "Alex Admin", "site administrator (Django admin)"),
    ("coordinator@example.org", "Chris Coordinator", "coordinates the demo scheme"),
    ("mentor@example.org", "Morgan Mentor", "mentor in the demo scheme"),
    ("mentee@example.org", "Sam Mentee", "mentee in the demo scheme"),
    ("hr@example.org", "Harper HR", "report viewer (HR), sees every scheme's figures"),
]


class Command(BaseCommand):
    help = "Create or refresh the demo accounts and scheme, then print the logins."

    @transaction.atomic
    def handle(self, *args, **options):
        people = {email: self._person(email, name) for email, name, _ in DEMO_PEOPLE}

        admin = people["admin@example.org"]
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
        user_set_report_viewer(user=people["hr@example.org"], is_report_viewer=True)

        coordinator = people["coordinator@example.org"]
        scheme = Scheme.objects.filter(slug=DEMO_SCHEME["slug"]).first()
        if scheme is None:
            scheme = scheme_create(coordinator=coordinator, **DEMO_SCHEME)
        Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.OPEN)
        membership_add(scheme=scheme, user=coordinator, role=Role.COORDINATOR)
        membership_add(scheme=scheme, user=people["mentor@example.org"], role=Role.MENTOR)
        membership_add(scheme=scheme, user=people["mentee@example.org"], role=Role.MENTEE)

        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with:"))
        width = max(len(email) for email, _, _ in DEMO_PEOPLE)
        for email, _, what in DEMO_PEOPLE:
            self.stdout.write(f"  {email:<{width}}  {DEMO_PASSWORD}   {what}")

    def _person(self, email: str, name: str) -> User:
        user = User.objects.filter(email__iexact=email).first() or User(email=email)
        user.name = name
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user
