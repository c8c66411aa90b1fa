"""What a pair writes together and how their relationship moves on: the mentoring
agreement in signed versions, the goals with their SMART targets and progress, the
record of every move between the five stages, and the concerns either person raises
with the coordinators.

The pair's text (the agreement, goals, targets, progress comments) is theirs alone; a
coordinator reads only dates, counts, whether the agreement is signed, and the progress
numbers of a goal the pair chose to share. A concern is the one piece of pair-written
text a coordinator reads, because its author sends it to them.
"""

import calendar
import hashlib
import json
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from matching.models import Mentorship
from mentoring.models import TimeStampedModel
from schemes.models import Scheme

MAX_OBJECTIVES = 3
# A goal is an objective of the agreement: no more goals than objectives.
MAX_GOALS = MAX_OBJECTIVES


class ArrangedBy(models.TextChoices):
    MENTEE = "mentee", "The mentee"
    MENTOR = "mentor", "The mentor"
    BOTH = "both", "Either of us"


class AgreementVersion(TimeStampedModel):
    """One version of a pair's agreement. A pair has at most one draft and at most one
    version in force; signing by both on the same text puts a draft in force, and the
    version in force before it becomes superseded. Versions are never deleted."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_FORCE = "in_force", "In force"
        SUPERSEDED = "superseded", "Replaced by a later version"

    # The content, in the order the page shows it; the hash covers exactly these.
    CONTENT_FIELDS = (
        "purpose",
        "success",
        "objectives",
        "help_asked",
        "help_offered",
        "mentor_will_not",
        "confidentiality",
        "meeting_frequency",
        "meeting_format",
        "arranged_by",
        "cancellations",
        "review",
        "planned_sessions",
        "end_date",
    )

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="agreement_versions"
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    purpose = models.TextField("why are we doing this?", blank=True)
    success = models.TextField("what will success look like?", blank=True)
    objectives = models.JSONField("objectives", default=list, blank=True)
    help_asked = models.TextField("what the mentee asks help with", blank=True)
    help_offered = models.TextField(
        "what help the mentor can offer (practical help, their network)", blank=True
    )
    mentor_will_not = models.TextField("anything the mentor will not do", blank=True)
    confidentiality = models.TextField("confidentiality", blank=True)
    meeting_frequency = models.CharField("how often we meet", max_length=200, blank=True)
    meeting_format = models.CharField(
        "where and in what format we meet", max_length=300, blank=True
    )
    arranged_by = models.CharField(
        "who arranges our meetings",
        max_length=10,
        choices=ArrangedBy.choices,
        default=ArrangedBy.MENTEE,
    )
    cancellations = models.TextField("how cancellations work", blank=True)
    review = models.TextField("how we will review progress", blank=True)
    planned_sessions = models.PositiveSmallIntegerField(
        "planned number of sessions",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    end_date = models.DateField("end date", null=True, blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    # Counts saves of this version: a form posts the revision it was loaded at, so
    # a save never silently overwrites the other person's change.
    revision = models.PositiveIntegerField(default=1)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    in_force_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["mentorship", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "number"], name="agreement_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["mentorship"],
                condition=Q(status="draft"),
                name="agreement_one_draft",
            ),
            models.UniqueConstraint(
                fields=["mentorship"],
                condition=Q(status="in_force"),
                name="agreement_one_in_force",
            ),
            models.CheckConstraint(
                condition=~Q(status="in_force") | Q(in_force_at__isnull=False),
                name="agreement_in_force_has_date",
            ),
        ]

    def __str__(self):
        return f"Agreement version {self.number} ({self.get_status_display()})"

    def clean(self):
        super().clean()
        if not isinstance(self.objectives, list) or not all(
            isinstance(item, str) for item in self.objectives
        ):
            raise ValidationError({"objectives": "Objectives are a list of texts."})
        if len(self.objectives) > MAX_OBJECTIVES:
            raise ValidationError(
                {"objectives": f"An agreement has at most {MAX_OBJECTIVES} objectives."}
            )

    def content(self) -> dict:
        """The agreement's text as plain values, in the order of ``CONTENT_FIELDS``."""
        values = {name: getattr(self, name) for name in self.CONTENT_FIELDS}
        values["end_date"] = self.end_date.isoformat() if self.end_date else None
        values["objectives"] = list(self.objectives or [])
        return values

    def compute_hash(self) -> str:
        """SHA-256 of the content: what a signature is bound to."""
        text = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Signature(models.Model):
    """A person's signature on a version: their typed name, bound to the hash of the
    text they signed. A signature on an earlier text of the same draft stays recorded
    but no longer counts."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="signatures"
    )
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10)
    typed_name = models.CharField("your name", max_length=150)
    content_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "role", "content_hash"], name="signature_once_per_text"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["mentee", "mentor"]), name="signature_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.typed_name} ({self.role}) on {self.signed_at:%Y-%m-%d}"


class Goal(TimeStampedModel):
    """An objective of the agreement: what, why it matters, and how the pair will know
    it is reached. Private to the pair unless they share its progress numbers."""

    class Status(models.TextChoices):
        ACTIVE = "active", "In progress"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Dropped"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField("goal", max_length=200)
    why = models.TextField("why it matters", blank=True)
    success_criteria = models.TextField("how we will know it is reached", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    shared_with_coordinator = models.BooleanField(
        "share this goal's title and progress numbers with the coordinators", default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["mentorship", "created_at", "pk"]

    def __str__(self):
        # Never the title: the admin lists objects by this (e.g. before a deletion).
        return f"Goal {self.pk} of mentorship {self.mentorship_id}"


class Target(TimeStampedModel):
    """A SMART step towards a goal: specific (what), measurable (how it is measured),
    achievable and realistic (why), time-limited (due within the mentorship)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="targets")
    what = models.CharField("what exactly", max_length=300)
    measure = models.CharField("how it will be measured", max_length=300)
    achievable = models.TextField("why it is achievable and realistic", blank=True)
    due_on = models.DateField("due by")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["goal", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(measure=""), name="target_has_measure"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False),
                name="target_closed_has_date",
            ),
        ]

    def __str__(self):
        # Never the text: the admin lists objects by this (e.g. before a deletion).
        return f"Target {self.pk} of goal {self.goal_id}"


class ProgressEntry(models.Model):
    """A rating of a goal's progress, 1 (not started) to 10 (reached), with a comment
    for the pair."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    comment = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["goal", "recorded_at", "pk"]
        verbose_name_plural = "progress entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=10), name="progress_rating_1_to_10"
            ),
        ]

    def __str__(self):
        return f"{self.rating}/10 on {self.recorded_at:%Y-%m-%d}"


class StageMove(models.Model):
    """A move of a mentorship from one stage to the next (or to completed), who made
    it (nobody for the product's own moves) and, for a coordinator's correction, why."""

    COMPLETED = "completed"

    class Kind(models.TextChoices):
        AUTOMATIC = "automatic", "By the product"
        PAIR = "pair", "By the pair"
        CORRECTION = "correction", "Corrected by a coordinator"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="stage_moves")
    from_stage = models.CharField(max_length=20)
    to_stage = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moved_at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["mentorship", "moved_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="correction") | ~Q(reason=""),
                name="stage_correction_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.from_stage} -> {self.to_stage}"


class Concern(TimeStampedModel):
    """A message about the relationship from one of the pair to the scheme's
    coordinators, and what the coordinators did about it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    class Topic(models.TextChoices):
        MEETING = "meeting", "We are not meeting often enough"
        EXPECTATIONS = "expectations", "Our expectations were never made clear"
        CONFIDENTIALITY = "confidentiality", "Confidentiality was broken"
        FIT = "fit", "The relationship is not helping"
        OTHER = "other", "Something else"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    role = models.CharField(max_length=10)
    topic = models.CharField("what it is about", max_length=30, choices=Topic.choices)
    text = models.TextField("your message")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    action = models.TextField("what was done", blank=True)
    action_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_at__isnull=False),
                name="concern_resolved_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="concern_status_idx")]

    def __str__(self):
        return f"Concern about mentorship {self.mentorship_id} ({self.get_status_display()})"

    def record_fingerprint(self) -> str:
        """A short hash of the coordinators' record (what was done, and the status): a
        form posts the one it showed, so a save never silently replaces another
        coordinator's newer record."""
        text = f"{self.status}\n{self.action}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class PairSettings(models.Model):
    """A scheme's settings for its pairs' stages."""

    scheme = models.OneToOneField(Scheme, on_delete=models.CASCADE, related_name="pair_settings")
    wind_up_weeks = models.PositiveSmallIntegerField(
        "start the wind-up this many weeks before the end date",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text="Pairs move to the wind-up stage on their own this long before their "
        "agreement's end date.",
    )

    class Meta:
        verbose_name_plural = "pair settings"

    def __str__(self):
        return f"Pair settings of {self.scheme}"


def default_end_date(mentorship: Mentorship) -> date | None:
    """The end of the scheme's programme counted from the mentorship's start: the
    agreement's end date until the pair writes another."""
    if mentorship.started_at is None:
        return None
    start = mentorship.started_at.date()
    month = start.month - 1 + mentorship.scheme.programme_months
    year, month = start.year + month // 12, month % 12 + 1
    # The same day of the month, or the month's last day when it has fewer days.
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
