"""Changes to accounts and roles."""

from django.db import transaction

from mentoring.models import User
from mentoring.tasks import send_welcome_email


def user_welcome(*, user: User) -> None:
    """Send ``user`` the welcome e-mail once the current transaction commits."""
    user_id = user.pk
    transaction.on_commit(lambda: send_welcome_email.delay(user_id))


@transaction.atomic
def user_set_report_viewer(*, user: User, is_report_viewer: bool) -> User:
    """Grant or withdraw the site-wide report viewer (HR) role."""
    user.is_report_viewer = is_report_viewer
    user.full_clean()
    user.save(update_fields=["is_report_viewer"])
    return user
