"""Schemes and the people in them.

A person's role is held per scheme (coordinator, mentor, mentee) by a membership, so
one person can coordinate one scheme, mentor in a second and be a mentee in a third.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mentoring.models import TimeStampedModel, User
from schemes import choices


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"


PARTICIPANT_ROLES = frozenset({Role.MENTOR, Role.MENTEE})


class ParticipantRole(models.TextChoices):
    """The roles someone applies for (coordinators are invited, never apply)."""

    MENTOR = Role.MENTOR.value, Role.MENTOR.label
    MENTEE = Role.MENTEE.value, Role.MENTEE.label


def _default_development_areas():
    return list(choices.DEFAULT_DEVELOPMENT_AREAS)


def _default_grades():
    return list(choices.DEFAULT_GRADES)


def new_token() -> str:
    """A random, URL-safe secret for invitation and open-application links."""
    return secrets.token_urlsafe(24)


class Scheme(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open for applications"
        MATCHING = "matching", "Matching"
        RUNNING = "running", "Running"
        CLOSED = "closed", "Closed"

    # Unique, so that a form sent twice at once makes one scheme (schemes.services
    # also refuses a name that differs only in case).
    name = models.CharField(
        max_length=200,
        unique=True,
        error_messages={"unique": "A scheme with this name already exists. Choose another name."},
    )
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    members: "models.ManyToManyField[User, Membership]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="schemes"
    )

    applications_open_on = models.DateField(
        "applications open", null=True, blank=True, help_text="Leave empty to open at once."
    )
    applications_close_on = models.DateField(
        "applications close",
        null=True,
        blank=True,
        help_text="The last day people can apply. Leave empty for no closing date.",
    )
    programme_months = models.PositiveSmallIntegerField(
        "programme length (months)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    rhythm = models.CharField(
        "how often pairs meet",
        max_length=20,
        choices=choices.Rhythm.choices,
        default=choices.Rhythm.MONTHLY,
    )
    session_count = models.PositiveSmallIntegerField(
        "number of sessions",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Needed when pairs meet a fixed number of times.",
    )
    default_mentor_capacity = models.PositiveSmallIntegerField(
        "default mentor capacity",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="How many mentees a mentor takes unless they say otherwise.",
    )
    prefer_other_department = models.BooleanField(
        "prefer mentors from outside the mentee's department",
        default=True,
        help_text="Matching favours pairs from different departments.",
    )
    max_gap_weeks = models.PositiveSmallIntegerField(
        "longest gap between sessions (weeks)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="A pair with no session for longer than this is reminded to meet, and "
        "later shown as at risk (the scheme's reminders say when).",
    )
    retention_months = models.PositiveSmallIntegerField(
        "keep personal data for (months after closing)",
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    # When the scheme last became closed (None while it is not closed): the retention
    # period counts from here (privacy.retention). Set by ``scheme_update``.
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    development_areas = models.JSONField(default=_default_development_areas)
    locations = models.JSONField(default=list, blank=True)
    departments = models.JSONField(default=list, blank=True)
    grades = models.JSONField(
        default=_default_grades, help_text="From the most junior to the most senior."
    )
    open_link_token = models.CharField(max_length=64, unique=True, null=True, blank=True)

    # Matching
    matching_mode = models.CharField(
        "how mentees are matched",
        max_length=20,
        choices=choices.MatchingMode.choices,
        default=choices.MatchingMode.RUN,
    )
    matching_weights = models.JSONField(
        default=dict,
        blank=True,
        help_text="Points per matching criterion; a criterion not listed takes its default.",
    )
    require_senior_mentor = models.BooleanField(
        "mentors must be at least as senior as their mentees",
        default=False,
        help_text="A mentor on a lower grade than the mentee is never proposed.",
    )
    response_days = models.PositiveSmallIntegerField(
        "days to accept or decline a match",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="After this, an unanswered match lapses and the mentee returns to the pool.",
    )
    matching_schedule = models.CharField(
        "run matching automatically",
        max_length=20,
        choices=choices.MatchingSchedule.choices,
        default=choices.MatchingSchedule.MANUAL,
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applications_open_on__isnull=True)
                | Q(applications_close_on__isnull=True)
                | Q(applications_close_on__gte=models.F("applications_open_on")),
                name="scheme_window_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(rhythm="fixed") | Q(session_count__isnull=False),
                name="scheme_fixed_rhythm_has_count",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("scheme", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if (
            self.applications_open_on
            and self.applications_close_on
            and self.applications_close_on < self.applications_open_on
        ):
            errors["applications_close_on"] = "Applications must close after they open."
        if self.rhythm == choices.Rhythm.FIXED and not self.session_count:
            errors["session_count"] = "Say how many sessions pairs have."
        for field in ("development_areas", "locations", "departments", "grades"):
            values = getattr(self, field)
            if not isinstance(values, list) or not all(
                isinstance(v, str) and v.strip() for v in values
            ):
                errors[field] = "Give one entry per line."
            elif len({v.casefold() for v in values}) != len(values):
                errors[field] = "Each entry may appear only once."
        if not errors.get("development_areas") and not self.development_areas:
            errors["development_areas"] = "A scheme needs at least one development area."
        weights = self.matching_weights
        if not isinstance(weights, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and 0 <= v <= 100 for k, v in weights.items()
        ):
            errors["matching_weights"] = "Each criterion's weight is a whole number from 0 to 100."
        if not errors.get("grades") and not self.grades:
            errors["grades"] = "A scheme needs at least one grade."
        if errors:
            raise ValidationError(errors)

    def window_problem(self, today=None) -> str:
        """Why applications cannot be made today, or "" when they can."""
        today = today or timezone.localdate()
        if self.status != self.Status.OPEN:
            return f"{self.name} is not taking applications at the moment."
        if self.applications_open_on and today < self.applications_open_on:
            return f"Applications to {self.name} open on {self.applications_open_on:%-d %B %Y}."
        if self.applications_close_on and today > self.applications_close_on:
            return f"Applications to {self.name} closed on {self.applications_close_on:%-d %B %Y}."
        return ""

    @property
    def is_accepting_applications(self) -> bool:
        return not self.window_problem()

    def grade_rank(self, grade: str) -> int | None:
        """The position of ``grade`` from junior (0) to senior, None if unknown."""
        try:
            return self.grades.index(grade)
        except ValueError:
            return None


class Membership(TimeStampedModel):
    """One role of one person in one scheme."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["scheme__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "user", "role"], name="membership_one_role_once"
            ),
        ]
        indexes = [models.Index(fields=["user", "role"], name="membership_user_role_idx")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} in {self.scheme}"


class Invitation(TimeStampedModel):
    """An invitation to one person to join a scheme in one role.

    The link it sends carries ``token``; it works until ``expires_at`` unless revoked.
    Accepting it as a mentor or mentee leads into the questionnaire; as a coordinator it
    grants the role at once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("e-mail address")
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_invitations",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "scheme",
                models.functions.Lower("email"),
                "role",
                condition=Q(status="pending"),
                name="invitation_one_pending_per_role",
            ),
        ]

    def __str__(self):
        return f"{self.email} as {self.get_role_display()} in {self.scheme}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.PENDING and not self.is_expired

    @property
    def state_label(self) -> str:
        if self.status == self.Status.PENDING and self.is_expired:
            return "Expired"
        return self.get_status_display()

    def get_absolute_url(self):
        return reverse("schemes:invitation", kwargs={"token": self.token})


class CustomQuestion(TimeStampedModel):
    """A question a coordinator adds to their scheme's questionnaire.

    A choice question marked as a matching criterion counts in the matching score with
    its ``weight``: a mentee and a mentor who answer it alike score its points.
    """

    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        SCALE = "scale", "Scale of 1 to 5"

    class Audience(models.TextChoices):
        BOTH = "both", "Mentors and mentees"
        MENTEE = "mentee", "Mentees only"
        MENTOR = "mentor", "Mentors only"

    CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE})

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField("question", max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(default=list, blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.BOTH)
    required = models.BooleanField(default=False)
    is_matching_criterion = models.BooleanField("use in matching", default=False)
    weight = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="Points a pair scores when their answers agree.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_matching_criterion=False) | Q(kind__in=["single", "multiple"]),
                name="question_criterion_is_choice",
            ),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        errors = {}
        if self.kind in self.CHOICE_KINDS:
            values = self.choices if isinstance(self.choices, list) else []
            if len(values) < 2:
                errors["choices"] = "A choice question needs at least two choices."
            elif len({str(v).casefold() for v in values}) != len(values):
                errors["choices"] = "Each choice may appear only once."
        if self.is_matching_criterion:
            if self.kind not in self.CHOICE_KINDS:
                errors["is_matching_criterion"] = (
                    "Only a single or multiple choice question can be used in matching."
                )
            elif self.audience != self.Audience.BOTH:
                errors["audience"] = (
                    "A matching question must be asked of both mentors and mentees, so "
                    "that their answers can be compared."
                )
            if not self.weight:
                errors["weight"] = "Give a matching question a weight above zero."
        if errors:
            raise ValidationError(errors)

    def asks(self, role: str) -> bool:
        return self.audience in (self.Audience.BOTH, role)


class Application(TimeStampedModel):
    """One person's application to one scheme in one role, from draft to decision.

    The questionnaire fills it in step by step (``last_step`` records how far they got,
    so they can leave and resume). Lists (words, locations, areas) are JSON lists of the
    scheme's own entries; custom answers are ``{question id: answer}``.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        WAITLISTED = "waitlisted", "Wait-listed"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        MATCHED = "matched", "Matched"

    EDITABLE = frozenset({Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.WAITLISTED})
    DECIDABLE = frozenset({Status.SUBMITTED, Status.APPROVED, Status.WAITLISTED, Status.DECLINED})

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="applications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    role = models.CharField(max_length=20, choices=ParticipantRole.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    last_step = models.CharField(max_length=30, blank=True)
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(blank=True)

    # About you
    title = models.CharField(max_length=30, blank=True)
    phone = models.CharField("work telephone", max_length=40, blank=True)
    professional_body = models.CharField(
        "professional body",
        max_length=200,
        blank=True,
        help_text="The body you are a member of, if any.",
    )
    descriptive_words = models.JSONField("words that describe you", default=list, blank=True)
    heard_from = models.CharField(
        "where you heard about the scheme",
        max_length=20,
        choices=choices.HeardFrom.choices,
        blank=True,
    )

    # Your work
    job_title = models.CharField(max_length=200, blank=True)
    grade = models.CharField(max_length=100, blank=True)
    department = models.CharField("profession or department", max_length=200, blank=True)
    qualifications = models.TextField("relevant qualifications", blank=True)
    time_in_role = models.CharField(
        "time in your current role", max_length=10, choices=choices.TimeInRole.choices, blank=True
    )
    responsibilities = models.TextField("your current responsibilities", blank=True)
    line_manager_email = models.EmailField(
        "your line manager's e-mail address",
        blank=True,
        help_text="So that you are never matched with your own line manager.",
    )

    # Preferences
    locations = models.JSONField("where you could meet", default=list, blank=True)
    travel = models.PositiveSmallIntegerField(
        "how far you would travel", choices=choices.Travel.choices, null=True, blank=True
    )
    face_to_face = models.PositiveSmallIntegerField(
        "how important face-to-face meetings are (after the first)",
        choices=choices.FaceToFace.choices,
        null=True,
        blank=True,
    )
    term = models.CharField(
        "long term or a short boost", max_length=10, choices=choices.Term.choices, blank=True
    )
    match_preference = models.CharField(
        "who you would like to be matched with",
        max_length=10,
        choices=choices.MatchPreference.choices,
        blank=True,
    )
    restrictions = models.TextField(
        "restrictions or other commitments",
        blank=True,
        help_text="Anything the coordinator should know, such as other commitments.",
    )
    avoid_people = models.JSONField(
        "people you should not be matched with", default=list, blank=True
    )
    avoid_departments = models.JSONField(
        "departments you should not be matched with", default=list, blank=True
    )

    # Mentees
    reason = models.CharField(
        "main reason for seeking a mentor",
        max_length=20,
        choices=choices.MenteeReason.choices,
        blank=True,
    )
    reason_details = models.TextField("more about your reason", blank=True)
    areas_wanted = models.JSONField("areas you want to develop", default=list, blank=True)
    current_challenges = models.TextField("your current challenges", blank=True)
    issues_on_mind = models.TextField("work issues on your mind", blank=True)
    awake_at_night = models.TextField("what keeps you awake at night", blank=True)
    biggest_fear = models.TextField(
        "what you fear most, and how it affects what you do", blank=True
    )
    success_means = models.TextField("what success means to you", blank=True)
    behave_differently = models.TextField(
        "how you would like to behave differently at work in six months", blank=True
    )
    know_it_worked = models.TextField(
        "how you, and others, would know the mentoring had worked", blank=True
    )

    # Mentors
    mentor_reasons = models.TextField("your reasons for offering to mentor", blank=True)
    mentored_before = models.CharField(
        "have you mentored before",
        max_length=10,
        choices=choices.MentoredBefore.choices,
        blank=True,
    )
    experience = models.TextField("skills, knowledge and experience you offer", blank=True)
    areas_offered = models.JSONField("areas you can help with", default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        "how many mentees you can take",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )

    answers = models.JSONField(default=dict, blank=True)

    consent_text = models.TextField(blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "user", "role"], name="application_one_per_role"
            ),
            models.CheckConstraint(
                # A draft withdrawn before it was submitted keeps no submission time.
                condition=Q(status__in=["draft", "withdrawn"]) | Q(submitted_at__isnull=False),
                name="application_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(consented_at__isnull=True) | ~Q(consent_text=""),
                name="application_consent_has_text",
            ),
        ]
        indexes = [
            models.Index(fields=["scheme", "role", "status"], name="application_scheme_role_idx"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} in {self.scheme}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_mentee(self) -> bool:
        return self.role == Role.MENTEE


class ImportUpload(TimeStampedModel):
    """An applications file a coordinator has uploaded and previewed, kept on the
    server until they confirm the import: the confirmation posts back only this row's
    id, so any file the upload accepted can be imported (a 5 MB file posted back would
    be over the request limit). It belongs to the one coordinator and scheme, and is
    deleted when imported or, unconfirmed, once it has expired."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The file's UTF-8 bytes: PostgreSQL's text cannot hold a NUL character, and a
    # file with one must still be previewed (its row is refused, with the reason).
    data = models.BinaryField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="importupload_expires_idx")]

    def __str__(self):
        return f"Import into {self.scheme} by {self.uploaded_by}"

    @property
    def text(self) -> str:
        return bytes(self.data).decode("utf-8")
