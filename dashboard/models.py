"""What the roof keeps: the record of every export (who, when, which report, which
filters, how many rows), and the large exports that a worker writes to a file for the
person who asked."""

import uuid

from django.conf import settings
from django.db import models


class ExportLog(models.Model):
    """One export: a download, a file written by a worker, or the command line."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"

    class Channel(models.TextChoices):
        WEB = "web", "Download"
        JOB = "job", "Large export (background)"
        COMMAND = "command", "Command line"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    report = models.CharField(max_length=50)
    format = models.CharField(max_length=10, choices=Format.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    filters = models.JSONField(default=dict, blank=True)
    rows = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["report", "created_at"], name="exportlog_report")]

    def __str__(self):
        return (
            f"{self.report} ({self.format}) by {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"
        )


class ExportJob(models.Model):
    """A large export written by a worker: its progress, then its file, offered for a
    limited time to the person who asked, and to no one else."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Being written"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "No longer available"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    report = models.CharField(max_length=50)
    format = models.CharField(max_length=10, choices=ExportLog.Format.choices)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveBigIntegerField(default=0)
    rows_total = models.PositiveBigIntegerField(default=0)
    # The file's name in the private exports folder (``settings.EXPORTS_DIR``), never
    # served as a static or media file: only the download view, for ``user``, reads it.
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.report} ({self.format}) for {self.user_id}: {self.status}"
