"""Accounts (people sign in with their e-mail address; nobody has a username), and the
outbox of work that must happen after a change (``OutboxMessage``)."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class TimeStampedModel(models.Model):
    """The small base every domain model shares."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser needs is_staff and is_superuser.")
        return self._create_user(email, password, **extra_fields)


# The domain of the placeholder address an erased account keeps (``privacy.erasure``):
# ".invalid" is reserved (RFC 2606), so it is nobody's address and takes no mail.
ERASED_EMAIL_DOMAIN = "erased.invalid"


class User(AbstractUser):
    """A person. Scheme-scoped roles live in ``schemes.Membership``; the one role that
    is site-wide is the report viewer (HR), who sees figures across every scheme."""

    # None removes AbstractUser's fields, which Django supports and the stubs do not.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField("full name", max_length=150, blank=True)
    is_report_viewer = models.BooleanField(
        "report viewer (HR)",
        default=False,
        help_text="Sees scheme-wide figures (counts only) for every scheme.",
    )
    # Where the person was going when they created their account (an open application
    # link, an invitation) and what it was called, kept with the account so that
    # confirming the address from any browser or device leads back there.
    signup_next = models.CharField("signed up on the way to", max_length=500, blank=True)
    signup_for = models.CharField("signed up to take part in", max_length=200, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    # The stubs expect AbstractUser's manager, whose create_user() takes a username;
    # accounts without one need this manager instead.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def is_erased(self) -> bool:
        """The anonymous remainder of an account its person erased."""
        return self.email.lower().endswith("@" + ERASED_EMAIL_DOMAIN)

    @property
    def display_name(self) -> str:
        if self.is_erased:
            return "Erased account"
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.display_name


class OutboxMessage(TimeStampedModel):
    """Work that must happen because of a change (an e-mail, a task such as a match
    run), written in the same transaction as the change and done afterwards by a
    worker: the transactional outbox (see ``mentoring.outbox``).

    The row names a handler that an app registered (``mentoring.outbox.HANDLERS``) and
    the keyword arguments to call it with, ids only; the handler rebuilds what it needs
    when it runs. ``subject_type``/``subject_id`` name the object the work belongs to
    (an invitation, an application, a mentorship, a run) and ``scheme_id`` the scheme
    whose coordinators see its failures: plain values, because the ground floor knows
    no app's models.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", "E-mail"
        TASK = "task", "Task"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EMAIL)
    handler = models.CharField(max_length=100)
    payload = models.JSONField(default=dict, blank=True)
    subject_type = models.CharField(max_length=50, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    scheme_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The scheme whose coordinators see this work."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered = models.JSONField(
        default=list,
        blank=True,
        help_text="The messages of this row already sent, which a retry does not resend.",
    )
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "outbox message"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["subject_type", "subject_id"], name="outbox_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sending", "sent", "failed"]),
                name="outbox_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.handler} ({self.get_status_display().lower()})"

    @property
    def is_retrying(self) -> bool:
        """Waiting for another attempt after a failed one."""
        return self.status == self.Status.PENDING and bool(self.last_error)


class AuditEntry(models.Model):
    """One audited action: who did what, when, to which object, in which scheme.

    Never any text a person wrote, nor a name or an e-mail address: the object is named
    by its kind and id, and ``detail`` holds plain facts (a report's identifier and its
    row count, a status before and after, a role). ``actor`` is None for the system (a
    scheduled job) or the command line. Written by ``mentoring.audit.audit_record``;
    read by site administrators only; kept as the retention schedule says.
    """

    class Action(models.TextChoices):
        MATCH_PUBLISHED = "match.published", "Published matches"
        MATCH_CHANGED = "match.changed", "Changed a match"
        MATCH_ENDED = "match.ended", "Ended a mentorship"
        RULE_OVERRIDDEN = "match.rule_overridden", "Overrode a matching rule"
        APPLICATION_DECIDED = "application.decided", "Decided an application"
        ROLE_CHANGED = "role.changed", "Changed a role"
        REPORT_EXPORTED = "report.exported", "Exported a report"
        DATA_DOWNLOADED = "data.downloaded", "Downloaded their data"
        ERASURE_REQUESTED = "erasure.requested", "Asked for erasure"
        DATA_ERASED = "data.erased", "Erased a person's data"
        ADMIN_SIGNED_IN = "admin.signed_in", "Signed in to the administration"
        RETENTION_APPLIED = "retention.applied", "Applied the retention schedule"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "mentoring.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
    scheme_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    subject_type = models.CharField(max_length=50, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        indexes = [
            # An entry found again by its object: a download's rows added once counted.
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"
