"""What the privacy pages keep: each person's copies of their data (``DataExport``),
erasure requests (``ErasureRequest``) and the retention notices sent to coordinators
(``RetentionNotice``)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class DataExport(models.Model):
    """A copy of everything the site holds about one person, as a ZIP file written by
    a worker when large, offered to that person alone until ``expires_at``."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be written"
        RUNNING = "running", "Being written"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"Data export {self.uid} ({self.status})"


class ErasureRequest(models.Model):
    """A person's request that their data be erased, and what was done. The person's
    identity is not kept here: once erased, ``user`` is the anonymous remainder of
    their account, and ``roles``/``scheme_ids`` say only where they took part, for the
    coordinators of those schemes and the site's administrators."""

    class Status(models.TextChoices):
        DONE = "done", "Erased"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DONE)
    requested_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)
    scheme_ids = models.JSONField(default=list, blank=True)
    roles = models.JSONField(default=list, blank=True)
    mentorships_ended = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-requested_at", "-pk")

    def __str__(self) -> str:
        return f"Erasure request {self.pk} ({self.status})"


class RetentionNotice(models.Model):
    """The notice sent to a scheme's coordinators that its personal data of one kind
    will be removed on ``due_on``: sent once per scheme, kind and date."""

    scheme = models.ForeignKey("schemes.Scheme", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    due_on = models.DateField()
    notified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "kind", "due_on"], name="retention_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of scheme {self.scheme_id} on {self.due_on}"
