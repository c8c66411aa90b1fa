"""Changes to accounts and roles."""

from allauth.account.models import EmailAddress
from allauth.usersessions.adapter import get_adapter as usersessions_adapter
from allauth.usersessions.models import UserSession
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models.functions import Lower

from mentoring.audit import audit_record
from mentoring.emails import send_email
from mentoring.models import AuditEntry, User
from mentoring.outbox import outbox_add

WELCOME = "mentoring.welcome"
# allauth's e-mails (address confirmation, password reset...), rendered when asked for.
ACCOUNT_EMAIL = "mentoring.account_email"


def user_welcome(*, user: User) -> None:
    """Send ``user`` the welcome e-mail once the current transaction commits (through
    the outbox, so that it is sent even if the broker is down now)."""
    outbox_add(handler=WELCOME, payload={"user_id": user.pk}, subject=("user", user.pk))


def user_welcome_email_send(*, user_id: int) -> bool:
    """E-mail the welcome to the account ``user_id`` (the background part of
    ``user_welcome``). Returns whether a message was sent: nothing goes to an account
    deleted or deactivated since."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    send_email(name="welcome", to=[user.email], context={"user": user})
    return True


@transaction.atomic
def account_email_queue(*, message: EmailMultiAlternatives) -> None:
    """Put one of allauth's account e-mails, rendered, in the outbox instead of sending it
    during the request: a mail server that is down delays the e-mail (and shows in the
    admin's outbox if it never goes) rather than answering 500 half-way through a
    sign-up or a password reset."""
    html = next(
        (content for content, mimetype in message.alternatives if mimetype == "text/html"), ""
    )
    outbox_add(
        handler=ACCOUNT_EMAIL,
        payload={
            "to": list(message.to),
            "subject": message.subject,
            "body": str(message.body),
            "html": str(html),
            "from_email": message.from_email or "",
        },
    )


# The site-wide roles: what each lets a person see or do beyond their own schemes.
SITE_ROLES = ("is_report_viewer", "is_staff", "is_superuser")


@transaction.atomic
def user_set_report_viewer(*, user: User, is_report_viewer: bool, by: User | None = None) -> User:
    """Grant or withdraw the site-wide report viewer (HR) role; ``by`` is who did it
    (None for a command), recorded in the audit trail when the role changes."""
    before: dict[str, bool | None] = {"is_report_viewer": user.is_report_viewer}
    user.is_report_viewer = is_report_viewer
    user.full_clean()
    user.save(update_fields=["is_report_viewer"])
    site_roles_record(by=by, user=user, before=before)
    return user


def site_roles_record(*, by: User | None, user: User, before: dict[str, bool | None]) -> None:
    """Record in the audit trail each site-wide role of ``user`` that is not what it
    was (``before``, by field of ``SITE_ROLES``; None for an account just made): one
    entry, saying which roles were given and which taken away."""
    given = [r for r in SITE_ROLES if r in before and getattr(user, r) and not before[r]]
    taken = [r for r in SITE_ROLES if r in before and not getattr(user, r) and before[r]]
    if not given and not taken:
        return
    audit_record(
        AuditEntry.Action.ROLE_CHANGED,
        actor=by,
        subject=user,
        detail={
            "user": user.pk,
            "site_roles_given": [r.removeprefix("is_") for r in given],
            "site_roles_taken": [r.removeprefix("is_") for r in taken],
        },
    )


# SQLite allows 999 parameters per query: lookups and inserts go a few hundred at a time.
BULK_BATCH = 500


@transaction.atomic
def users_bulk_get_or_create(
    *, names: dict[str, str], password: str, verified: bool
) -> tuple[dict[str, User], int]:
    """The account of each address in ``names`` (lower-case e-mail → full name), in a
    fixed number of queries per few hundred people, for imports and generated data.

    An existing account (matched whatever the case of its address) is reused, and given
    the name when it has none; the others are created with ``password`` (a hash, or an
    unusable one) and a primary address, ``verified`` or not. Returns the accounts by
    lower-case address, and how many were created.
    """
    users = users_by_email(list(names))
    unnamed = [user for email, user in users.items() if not user.name and names[email]]
    for user in unnamed:
        user.name = names[user.email.lower()]
    User.objects.bulk_update(unnamed, ["name"], batch_size=BULK_BATCH)
    new = [User(email=email, name=names[email], password=password) for email in names]
    new = [user for user in new if user.email not in users]
    User.objects.bulk_create(new, batch_size=BULK_BATCH)
    if any(user.pk is None for user in new):  # a database that returns no keys
        created = users_by_email([user.email for user in new])
    else:
        created = {user.email: user for user in new}
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=user.email, verified=verified, primary=True)
            for user in created.values()
        ],
        batch_size=BULK_BATCH,
    )
    return users | created, len(created)


def users_by_email(emails: list[str]) -> dict[str, User]:
    """The accounts with these lower-case addresses (whatever their case in the
    database), by lower-case address, a few hundred per query."""
    found: dict[str, User] = {}
    for start in range(0, len(emails), BULK_BATCH):
        chunk = emails[start : start + BULK_BATCH]
        accounts = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk)
        found |= {user.email_lower: user for user in accounts}
    return found


@transaction.atomic
def user_sessions_end_others(*, user: User, current_key: str | None) -> None:
    """Sign ``user`` out of every session but ``current_key`` (their other browsers and
    devices): each session is deleted (through allauth's adapter), so its next request
    is anonymous."""
    others = UserSession.objects.filter(user_id=user.pk).exclude(session_key=current_key)
    usersessions_adapter().end_sessions(list(others))
