"""Schemes and the people in them.

A person's role is held per scheme (coordinator, mentor, mentee) by a membership, so
one person can coordinate one scheme, mentor in a second and be a mentee in a third.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from mentoring.models import TimeStampedModel


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"


PARTICIPANT_ROLES = frozenset({Role.MENTOR, Role.MENTEE})


class Scheme(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open for applications"
        MATCHING = "matching", "Matching"
        RUNNING = "running", "Running"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="schemes"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schemes:detail", kwargs={"slug": self.slug})


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
