"""Match runs, their proposals, and the mentorships that publishing them creates.

A run takes the scheme's pool (approved mentees not yet in a mentorship, mentors with
places left), scores every admissible pair, solves for the best assignment of the whole
scheme and stores it as proposals. The coordinator adjusts the proposals and publishes
them; publishing turns each into a proposed mentorship that both people accept or
decline. Runs never touch published pairs.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from mentoring.models import TimeStampedModel
from schemes.models import Application, Scheme
from schemes.questionnaire import STEP_BY_SLUG

# What a mentee may share with their mentor: their answers to the goal-setting questions.
SHAREABLE_ANSWERS = STEP_BY_SLUG["goals"].fields


class MatchRun(TimeStampedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        PUBLISHED = "published", "Published"

    class Trigger(models.TextChoices):
        COORDINATOR = "coordinator", "A coordinator"
        COMMAND = "command", "The command line"
        SCHEDULE = "schedule", "The schedule"

    ACTIVE = frozenset({Status.QUEUED, Status.RUNNING})

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="match_runs")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reruns",
        help_text="The run whose pinned pairs this run kept.",
    )
    dry_run = models.BooleanField(default=False)
    weights = models.JSONField(default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the worker executing the run last said it was still at work.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    mentee_count = models.PositiveIntegerField(default=0)
    mentor_count = models.PositiveIntegerField(default=0)
    places = models.PositiveIntegerField(default=0)
    admissible_pairs = models.PositiveBigIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    unmatched_count = models.PositiveIntegerField(default=0)
    total_score = models.FloatField(default=0)
    mean_score = models.FloatField(default=0)
    method = models.CharField(max_length=20, blank=True)
    certified = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme"],
                condition=Q(status__in=["queued", "running"]),
                name="matchrun_one_active_per_scheme",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="matchrun_progress_at_most_100"
            ),
        ]

    def __str__(self):
        return f"Run {self.pk} of {self.scheme}"

    def get_absolute_url(self):
        return reverse("matching:run", kwargs={"slug": self.scheme.slug, "pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_editable(self) -> bool:
        """Proposals can be changed and published only on a finished, unpublished run."""
        return self.status == self.Status.FINISHED and not self.dry_run


class Proposal(TimeStampedModel):
    """One proposed pair of a run, with its score and the points behind it."""

    class Source(models.TextChoices):
        SOLVER = "solver", "The solver"
        PINNED = "pinned", "Pinned from an earlier run"
        COORDINATOR = "coordinator", "Chosen by a coordinator"

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    breakdown = models.JSONField(default=list, blank=True)
    pinned = models.BooleanField(default=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SOLVER)
    override_reason = models.TextField(blank=True)
    overridden_constraints = models.JSONField(default=list, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="proposal_one_per_mentee"),
            models.CheckConstraint(
                condition=Q(overridden_constraints=[]) | ~Q(override_reason=""),
                name="proposal_override_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.mentee.user} with {self.mentor.user} ({self.score:.1f})"


class Unmatched(models.Model):
    """A mentee a run could not match, and why."""

    class Reason(models.TextChoices):
        NO_ADMISSIBLE = "no_admissible", "No mentor is admissible"
        CAPACITY_FULL = "capacity_full", "Every admissible mentor is full"
        REMOVED = "removed", "Removed by a coordinator"

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    mentee = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "unmatched mentees"
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="unmatched_one_per_mentee"),
        ]

    def __str__(self):
        return f"{self.mentee.user}: {self.get_reason_display()}"


class Mentorship(TimeStampedModel):
    """A mentee and a mentor, from the published match to the end of their relationship."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for replies"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Not answered in time"
        ENDED = "ended", "Ended early"
        COMPLETED = "completed", "Completed"

    class Stage(models.TextChoices):
        INITIATION = "initiation", "Initiation"
        GOAL_SETTING = "goal_setting", "Goal setting"
        PROGRESS = "progress", "Progress"
        WIND_UP = "wind_up", "Wind-up"
        DISTANCE = "distance", "Distance"

    class Source(models.TextChoices):
        RUN = "run", "A matching run"
        SHORTLIST = "shortlist", "The mentee's choice from a shortlist"

    class Response(models.TextChoices):
        PENDING = "pending", "Not answered yet"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    OPEN = frozenset({Status.PROPOSED, Status.ACTIVE})
    # Pairs that were tried and did not last are never proposed again.
    TRIED = frozenset({Status.DECLINED, Status.EXPIRED, Status.ENDED})

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="mentorships")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentee_application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    mentor_application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    run = models.ForeignKey(
        MatchRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="mentorships"
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.RUN)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.INITIATION)
    score = models.FloatField(default=0)
    breakdown = models.JSONField(default=list, blank=True)
    respond_by = models.DateTimeField()
    mentee_response = models.CharField(
        max_length=20, choices=Response.choices, default=Response.PENDING
    )
    mentee_responded_at = models.DateTimeField(null=True, blank=True)
    mentor_response = models.CharField(
        max_length=20, choices=Response.choices, default=Response.PENDING
    )
    mentor_responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(blank=True)
    # The mentee's goal-setting answers (field names of the questionnaire's goals step)
    # that their mentor may read: none until the mentee chooses, once the pair is active.
    shared_answers = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee_application"],
                condition=Q(status__in=["proposed", "active"]),
                name="mentorship_one_open_per_mentee",
            ),
            models.CheckConstraint(
                condition=~Q(mentee=models.F("mentor")), name="mentorship_two_people"
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(started_at__isnull=False),
                name="mentorship_active_has_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | (Q(ended_at__isnull=False) & ~Q(end_reason="")),
                name="mentorship_ended_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["scheme", "status"], name="mentorship_scheme_status_idx"),
            models.Index(fields=["mentor_application", "status"], name="mentorship_mentor_idx"),
        ]

    def __str__(self):
        return f"{self.mentee} mentored by {self.mentor} in {self.scheme}"

    def get_absolute_url(self):
        return reverse("matching:mentorship", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def clean(self):
        super().clean()
        shareable = set(SHAREABLE_ANSWERS)
        if not isinstance(self.shared_answers, list) or not set(self.shared_answers) <= shareable:
            raise ValidationError(
                {"shared_answers": "Only the mentee's goal-setting answers can be shared."}
            )

    def role_of(self, user) -> str | None:
        """ "mentee", "mentor" or None for ``user`` in this pair."""
        if user.pk == self.mentee_id:
            return "mentee"
        if user.pk == self.mentor_id:
            return "mentor"
        return None

    def response_of(self, user) -> str | None:
        role = self.role_of(user)
        return getattr(self, f"{role}_response") if role else None
