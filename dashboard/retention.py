"""The roof's own kinds of the retention schedule (``privacy.retention``), which privacy
cannot name because it may not import the roof: the large exports' files, and the
record of every export. ``DashboardConfig.ready`` registers them."""

from django.conf import settings
from django.db.models import QuerySet

from dashboard.models import ExportJob, ExportLog
from dashboard.reports.jobs import export_jobs_expire
from privacy.retention import DELETE, Period, RetentionKind, RetentionScope, months_before

__all__ = ["EXPORT_FILES", "EXPORT_RECORDS"]


def _files_due(scope: RetentionScope) -> int:
    return ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=scope.now).count()


def _files_apply(scope: RetentionScope) -> int:
    return export_jobs_expire(now=scope.now)


def _records(scope: RetentionScope) -> tuple[QuerySet[ExportLog], QuerySet[ExportJob]]:
    cutoff = months_before(scope.now, settings.RETENTION_AUDIT_MONTHS)
    # A job whose file is gone (or was never written): what remains is its record.
    finished = [ExportJob.Status.EXPIRED, ExportJob.Status.FAILED]
    return (
        ExportLog.objects.filter(created_at__lt=cutoff),
        ExportJob.objects.filter(status__in=finished, created_at__lt=cutoff),
    )


def _records_due(scope: RetentionScope) -> int:
    return sum(rows.count() for rows in _records(scope))


def _records_apply(scope: RetentionScope) -> int:
    deleted = 0
    for rows in _records(scope):
        deleted += rows.delete()[1].get(rows.model._meta.label, 0)
    return deleted


EXPORT_FILES = RetentionKind(
    key="export_files",
    label="Export files",
    covers=(
        "A large report export, written to a file by a worker for the person who asked for it."
    ),
    period=Period(unit="hours", start="after it is written", setting="EXPORT_FILE_HOURS"),
    reason="So that the person who asked can download it.",
    end_action=DELETE,
    readers="The person who asked for the export, and no one else.",
    count=_files_due,
    apply=_files_apply,
)

EXPORT_RECORDS = RetentionKind(
    key="export_records",
    label="Record of exports",
    covers=(
        "Who exported which report, when, with which filters and how many rows, and the "
        "record of each large export once its file is gone."
    ),
    period=Period(unit="months", start="after the export", setting="RETENTION_AUDIT_MONTHS"),
    reason="So that the use of people's data can be accounted for.",
    end_action=DELETE,
    readers="The site's administrators.",
    count=_records_due,
    apply=_records_apply,
)
