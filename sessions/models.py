"""What happens between the pair's meetings and in them: the sessions they plan and
log, with an agenda, a summary and the actions each takes; the reflections each writes
for themselves; a pulse after each session; the early "is this pairing working?"; the
evaluations at the milestones; and the final review of the wind-up.

Everything a pair writes here is theirs: agendas, summaries and actions are seen by the
pair only, a reflection by its author only until they share it. Coordinators see that a
session was held, when and for how long, and which evaluations were given, never the
ratings or the words.
"""

import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agreements.models import Goal, Target
from matching.models import Mentorship
from mentoring.models import TimeStampedModel
from schemes.models import Scheme
from sessions.rules import KIND_CHOICES

PAIR_ROLES = (("mentee", "Mentee"), ("mentor", "Mentor"))

# The structure of a session (the classic guide to mentoring sessions), offered as the
# agenda's prompts: key, question, hint.
AGENDA_PROMPTS = (
    (
        "since_last",
        "Since last time",
        "What has happened since you last met: the actions and targets, what went well and "
        "what went less well.",
    ),
    (
        "situation",
        "A situation to look at in detail",
        "One incident or situation: what happened, what you did and did not do, how you felt.",
    ),
    ("options", "Options", "Other ways of seeing it, and strategies to try next time."),
    (
        "actions",
        "Actions",
        "What each of you will do before the next meeting: specific, measurable, achievable, "
        "realistic, with a date.",
    ),
    (
        "session_review",
        "Looking back on the session",
        "Was it useful? Did you cover what you needed? What would you change?",
    ),
    ("next_meeting", "The next meeting", "When and where you meet next."),
)
AGENDA_KEYS = tuple(key for key, _, _ in AGENDA_PROMPTS)


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone call"


class MentoringSession(TimeStampedModel):
    """One meeting of a pair: planned ahead or logged afterwards.

    ``uid`` names the session's calendar entry for good, and ``sequence`` rises with
    each change a calendar must take (a reschedule, a cancellation), so the same entry
    is updated or removed.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        MISSED = "missed", "Missed"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="sessions")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField("date and time")
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)", validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    format = models.CharField(max_length=20, choices=SessionFormat.choices)
    place = models.CharField("place or meeting link", max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField("why it is cancelled", blank=True)
    # The agenda follows AGENDA_PROMPTS: {key: text}; the mentee writes it, the mentor
    # may add.
    agenda = models.JSONField(default=dict, blank=True)
    summary = models.TextField(blank=True)
    summary_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["mentorship", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="session_cancelled_has_date",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=600),
                name="session_length_5_to_600",
            ),
        ]
        indexes = [
            models.Index(fields=["mentorship", "starts_at"], name="session_pair_start_idx"),
            models.Index(fields=["status", "starts_at"], name="session_status_start_idx"),
        ]

    def __str__(self):
        # Never the agenda or the summary: the admin lists objects by this.
        return f"Session {self.pk} of mentorship {self.mentorship_id}"

    def clean(self):
        super().clean()
        if not isinstance(self.agenda, dict) or not set(self.agenda) <= set(AGENDA_KEYS):
            raise ValidationError({"agenda": "The agenda follows the session's prompts."})


class SessionAction(TimeStampedModel):
    """Something one of the pair will do before the next meeting, agreed at a session;
    open actions carry over to the next session's page."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="actions")
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="session_actions"
    )
    owner = models.CharField("who", max_length=10, choices=PAIR_ROLES)
    text = models.CharField("action", max_length=500)
    due_on = models.DateField("by", null=True, blank=True)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="session_actions"
    )
    target = models.ForeignKey(
        Target, on_delete=models.SET_NULL, null=True, blank=True, related_name="session_actions"
    )

    class Meta:
        ordering = ["mentorship", "done", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done=False) | Q(done_at__isnull=False), name="action_done_has_date"
            ),
        ]
        indexes = [models.Index(fields=["mentorship", "done"], name="action_pair_done_idx")]

    def __str__(self):
        return f"Action {self.pk} of session {self.session_id}"


class Reflection(TimeStampedModel):
    """One person's reflection on a session, private to them until they share it with
    the other person of the pair. ``answers`` holds the form's questions by key (see
    ``sessions.reflections``)."""

    class Kind(models.TextChoices):
        MENTEE_BEFORE = "mentee_before", "Before the session"
        MENTEE_AFTER = "mentee_after", "After the session"
        MENTOR_AFTER = "mentor_after", "After the session"
        MENTOR_CHECKLIST = "mentor_checklist", "The mentor's review of the session"

    session = models.ForeignKey(
        MentoringSession, on_delete=models.CASCADE, related_name="reflections"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    answers = models.JSONField(default=dict, blank=True)
    shared = models.BooleanField("share with the other person", default=False)

    class Meta:
        ordering = ["session", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "author", "kind"], name="reflection_one_per_kind"
            ),
        ]

    def __str__(self):
        return f"Reflection {self.pk} ({self.kind}) on session {self.session_id}"


class Pulse(models.Model):
    """How useful a session was to one of the pair, 1 (not useful) to 4 (very)."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="pulses")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=PAIR_ROLES)
    usefulness = models.PositiveSmallIntegerField(
        "how useful was this session?", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="pulse_once_per_person"),
            models.CheckConstraint(
                condition=Q(usefulness__gte=1) & Q(usefulness__lte=4), name="pulse_1_to_4"
            ),
        ]

    def __str__(self):
        # Never the rating: the admin lists objects by this.
        return f"Pulse {self.pk} on session {self.session_id}"


class PairingCheck(models.Model):
    """After the first held session, each person's answer to "is this pairing working?".
    A "no" goes to the coordinators, never to the other person."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="pairing_checks"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=PAIR_ROLES)
    working = models.BooleanField("is this pairing working?")
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["mentorship", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "author"], name="pairing_check_once_per_person"
            ),
        ]

    def __str__(self):
        return f"Pairing check {self.pk} of mentorship {self.mentorship_id}"


DEFAULT_RELATIONSHIP_ITEMS = [
    "We built a relationship of trust and rapport",
    "We could challenge each other when it was needed",
    "Our meetings were relevant to our agreement",
    "The mentee made their own decisions",
    "We met often enough",
]


def _default_relationship_items() -> list[str]:
    return list(DEFAULT_RELATIONSHIP_ITEMS)


class SessionSettings(models.Model):
    """A scheme's settings for its pairs' sessions and evaluations."""

    scheme = models.OneToOneField(Scheme, on_delete=models.CASCADE, related_name="session_settings")
    time_zone = models.CharField(
        "time zone",
        max_length=60,
        default=settings.TIME_ZONE,
        help_text="Session times are shown and entered in this time zone.",
    )
    follow_up_months = models.PositiveSmallIntegerField(
        "follow-up evaluation (months after the end)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    relationship_items = models.JSONField(
        "statements about the relationship",
        default=_default_relationship_items,
        help_text="Each person rates each statement from 1 (disagree) to 5 (agree).",
    )

    class Meta:
        verbose_name_plural = "session settings"

    def __str__(self):
        return f"Session settings of {self.scheme}"

    def clean(self):
        super().clean()
        if self.time_zone not in zoneinfo.available_timezones():
            raise ValidationError({"time_zone": "Choose a time zone from the list."})
        items = self.relationship_items
        if (
            not isinstance(items, list)
            or not items
            or not all(isinstance(item, str) and item.strip() for item in items)
        ):
            raise ValidationError(
                {"relationship_items": "Write at least one statement, one a line."}
            )


class Evaluation(TimeStampedModel):
    """One person's answers at a milestone, given once: the mentee rates themselves on
    the scheme's development areas (baseline, end, follow-up); from the mid-point both
    rate the relationship and the scheme and say whether they would recommend it."""

    class Milestone(models.TextChoices):
        BASELINE = "baseline", "Baseline"
        MID = "mid", "Mid-point"
        END = "end", "End"
        FOLLOW_UP = "follow_up", "Follow-up"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="evaluations")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(max_length=10, choices=PAIR_ROLES)
    milestone = models.CharField(max_length=20, choices=Milestone.choices)
    # {development area: 1-5}, the mentee's own ratings.
    area_ratings = models.JSONField(default=dict, blank=True)
    # {statement: 1-5}, the statements as the scheme worded them when answered.
    relationship_ratings = models.JSONField(default=dict, blank=True)
    scheme_rating = models.PositiveSmallIntegerField(
        "the scheme overall",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    would_recommend = models.BooleanField(
        "would you recommend the scheme to a colleague?", null=True, blank=True
    )
    comments = models.TextField(blank=True)
    completed_at = models.DateTimeField()

    class Meta:
        ordering = ["mentorship", "completed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "respondent", "milestone"],
                name="evaluation_once_per_milestone",
            ),
        ]

    def __str__(self):
        return f"Evaluation {self.pk} ({self.milestone}) of mentorship {self.mentorship_id}"


class FinalReview(TimeStampedModel):
    """The pair's review at the wind-up: what they achieved and how they mark the end.
    Completing it moves the pair to the distance stage."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="final_review"
    )
    targets_met = models.TextField("which targets were met, and what was achieved", blank=True)
    enjoyed = models.TextField("what we enjoyed", blank=True)
    difficult = models.TextField("what was difficult", blank=True)
    marking_end = models.TextField("how we mark the ending", blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField()

    def __str__(self):
        return f"Final review of mentorship {self.mentorship_id}"


class ReminderRule(models.Model):
    """A scheme's change to one reminder rule of ``sessions.rules``: switched off, or
    another number of days. A rule with no row here runs with its defaults.

    ``applies_from``: when a scheme switches a rule on and chooses "only new occasions",
    occasions whose trigger came before this moment are not reminded."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="reminder_rules")
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    enabled = models.BooleanField("send this reminder", default=True)
    days = models.PositiveSmallIntegerField(validators=[MaxValueValidator(60)])
    applies_from = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kind"], name="reminder_rule_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.scheme})"


class Reminder(models.Model):
    """One reminder to one person about one thing on one occasion, recorded once.

    The unique constraint on (kind, recipient, subject, occasion) is what makes a
    reminder go once: a sweep inserts what is due and skips what is recorded, and
    only the rows it inserted itself (``claim``) are handed to the outbox. The row is
    also the person's in-app notification (``read_at``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "E-mailed"
        IN_APP = "in_app", "Shown in the app only"
        SKIPPED = "skipped", "Not sent: no longer needed"

    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="reminders")
    # "user:<id>" for a person with an account, "email:<address>" for someone invited.
    recipient = models.CharField(max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    email = models.EmailField(blank=True)
    # The object it is about: "mentorship", "session", "invitation" or "scheme".
    subject_type = models.CharField(max_length=30)
    subject_id = models.PositiveBigIntegerField()
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # What makes this occasion distinct (a session's time, the date of the last
    # session, a milestone): a new occasion is a new reminder.
    occasion = models.CharField(max_length=100, blank=True)
    # The sweep that inserted the row; only that sweep hands it to the outbox.
    claim = models.UUIDField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "subject_type", "subject_id", "occasion"],
                name="reminder_once",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="reminder_inbox"),
            models.Index(fields=["claim"], name="reminder_claim"),
            models.Index(fields=["scheme", "status"], name="reminder_scheme_status"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} ({self.occasion})"


class NotificationPreference(models.Model):
    """A person's choice for one optional reminder: by e-mail or in the app only. No row
    means by e-mail. Someone invited who has no account yet is known by ``email``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_preferences",
    )
    email = models.EmailField(blank=True)
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    by_email = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(user__isnull=False),
                name="notification_preference_once",
            ),
            models.UniqueConstraint(
                fields=["email", "kind"],
                condition=Q(user__isnull=True),
                name="notification_preference_email_once",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""),
                name="notification_preference_has_person",
            ),
        ]

    def __str__(self):
        who = self.user or self.email
        return f"{who}: {self.kind} ({'e-mail' if self.by_email else 'in the app only'})"


class RiskHandling(models.Model):
    """A coordinator's follow-up of one at-risk situation of a pair: their note, in
    their own words, and that it is handled. The situation (``situation``: the date of
    the last session, a concern, a milestone) is part of the key, so a handled flag
    stays quiet until the situation changes, when the pair is flagged afresh."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=30)
    situation = models.CharField(max_length=100, blank=True)
    note = models.TextField("follow-up note", blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "reason", "situation"], name="risk_handling_once"
            ),
        ]

    def __str__(self):
        return f"{self.mentorship_id}: {self.reason} ({self.situation})"
