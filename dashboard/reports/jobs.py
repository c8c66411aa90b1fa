"""Every change the exports make: the export log, and the large exports a worker
writes to a file for the person who asked.

A large export is an ``ExportJob`` and an outbox row (``EXPORT_TASK``) written in one
transaction, so a job asked for while the broker is down starts when it is back. The
worker claims the job with a conditional update (queued to running, one row), so a
task delivered twice writes one file. It checks again that the person may still read
every scheme of the export, writes the file under a temporary name in the private
exports folder (``settings.EXPORTS_DIR``), reports its progress as it goes, and renames
the file when it is complete. The file is offered to that person alone until
``expires_at``; the hourly sweep (``export_jobs_expire``) then deletes it.
"""

import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dashboard.models import ExportJob, ExportLog
from dashboard.reports.base import REGISTRY, ExportRefused, Report, check_export
from dashboard.reports.render import write_report
from dashboard.scope import Scope, readable_scheme_ids
from mentoring.audit import audit_detail_add, audit_record
from mentoring.exports import private_file
from mentoring.models import AuditEntry, OutboxMessage
from mentoring.outbox import outbox_add

__all__ = [
    "EXPORT_TASK",
    "export_file_path",
    "export_job_run",
    "export_job_start",
    "export_jobs_erase",
    "export_jobs_expire",
    "export_log",
    "scope_from_filters",
]

logger = logging.getLogger(__name__)

EXPORT_TASK = "dashboard.export_job"
FAILED = (
    "The export could not be written. Ask for it again; if it fails again, tell the "
    "site's administrator."
)
NO_LONGER_ALLOWED = (
    "You may no longer read every scheme of this export, so it was not written. "
    "Ask for it again from the reports page."
)


@transaction.atomic
def export_log(
    *, user: Any, report: Report, fmt: str, channel: str, scope: Scope, rows: int = 0
) -> ExportLog:
    """Record an export: who, which report, format and channel, the filters, the rows;
    in the export log and, with the same facts less the typed filters, in the audit
    trail."""
    log = ExportLog(
        user=user if user is not None and user.is_authenticated else None,
        report=report.identifier,
        format=fmt,
        channel=channel,
        filters=scope.filters(),
        rows=rows,
    )
    log.full_clean()
    log.save()
    # A department or grade typed as a filter is free text: the trail says only that
    # one was given. An export of one scheme is filed under it.
    schemes = list(scope.scheme_ids)
    audit_record(
        AuditEntry.Action.REPORT_EXPORTED,
        actor=log.user,
        scheme_id=schemes[0] if len(schemes) == 1 else None,
        subject=log,
        detail={
            "report": log.report,
            "format": log.format,
            "channel": log.channel,
            "rows": rows if rows or channel != ExportLog.Channel.WEB else None,
            "schemes": schemes,
            "named": scope.named,
            "department_or_grade": bool(scope.department or scope.grade),
        },
    )
    return log


def export_log_rows(*, log: ExportLog, rows: int) -> None:
    """Set the number of rows of a streamed export once its last row has gone, in the
    export log and in the export's audit entry (not known when it was recorded)."""
    ExportLog.objects.filter(pk=log.pk).update(rows=rows)
    entry = AuditEntry.objects.filter(
        action=AuditEntry.Action.REPORT_EXPORTED, subject_type="exportlog", subject_id=log.pk
    ).first()
    if entry is not None:
        audit_detail_add(entry=entry, rows=rows)


def scope_from_filters(reader: Any, filters: dict[str, Any]) -> Scope:
    """The scope ``Scope.filters`` described, for ``reader``."""

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    return Scope(
        reader=reader,
        scheme_ids=tuple(filters.get("schemes") or ()),
        start=day(filters.get("start")),
        end=day(filters.get("end")),
        department=filters.get("department") or "",
        grade=filters.get("grade") or "",
        named=bool(filters.get("named")),
    )


def export_file_path(job: ExportJob) -> Path:
    """Where the file of ``job`` is (or will be) in the private exports folder."""
    return Path(settings.EXPORTS_DIR) / job.file_name


@transaction.atomic
def export_job_start(*, user: Any, report: Report, fmt: str, scope: Scope) -> ExportJob:
    """Ask a worker to write ``report`` for ``scope`` as ``fmt``, for ``user`` alone;
    the job and its outbox row are saved together or not at all."""
    check_export(report, scope)
    job = ExportJob(
        user=user,
        report=report.identifier,
        format=fmt,
        filters=scope.filters(),
        rows_total=report.count(scope),
    )
    job.file_name = f"{job.uid}.{fmt}"
    job.full_clean()
    job.save()
    outbox_add(
        kind=OutboxMessage.Kind.TASK,
        handler=EXPORT_TASK,
        payload={"job_id": job.pk},
        subject=("export_job", job.pk),
    )
    return job


def export_job_run(*, job_id: int) -> str:
    """The outbox's handler of ``EXPORT_TASK``: write the file of the queued job
    ``job_id``. Returns the job's status afterwards ("missing" when it is gone). A job
    already claimed or over is left alone. A failure marks the job failed with a
    message for its page (the traceback goes to the log) and is not retried: the
    person asks again."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING
    )
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        return "missing"
    if not claimed:
        logger.info("Export job %s not run: it is %s", job_id, job.status)
        return job.status
    report = REGISTRY.get(job.report)
    scope = scope_from_filters(job.user, job.filters)
    if report is None:
        return _job_failed(job, f"There is no report called {job.report!r} any more.")
    if not job.user.is_active or not set(scope.scheme_ids) <= readable_scheme_ids(job.user):
        return _job_failed(job, NO_LONGER_ALLOWED)
    try:
        check_export(report, scope)
    except ExportRefused as refusal:
        return _job_failed(job, str(refusal))

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        with private_file(export_file_path(job)) as partial:
            rows = write_report(report, scope, job.format, str(partial), progress=progress)
    except Exception:
        logger.exception("Export job %s failed", job.pk)
        return _job_failed(job, FAILED)
    finished = timezone.now()
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE,
            rows_done=rows,
            rows_total=rows,
            finished_at=finished,
            expires_at=finished + timedelta(hours=settings.EXPORT_FILE_HOURS),
        )
        export_log(
            user=job.user,
            report=report,
            fmt=job.format,
            channel=ExportLog.Channel.JOB,
            scope=scope,
            rows=rows,
        )
    return ExportJob.Status.DONE


def _job_failed(job: ExportJob, error: str) -> str:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED, error=error, finished_at=timezone.now()
    )
    return ExportJob.Status.FAILED


def export_jobs_expire(*, now: datetime | None = None) -> int:
    """Delete the files of the jobs whose time is over and mark them expired (the
    hourly sweep). Returns how many."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now):
        if job.file_name:
            export_file_path(job).unlink(missing_ok=True)
        expired += ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.EXPIRED
        )
    return expired


def export_jobs_erase(user: Any) -> int:
    """The roof's part of erasing ``user``'s account (an erasure hook, registered in
    ``DashboardConfig.ready``, called inside the erasure's transaction): delete their
    large exports, with their files once the erasure is saved, and the outbox's work
    for them. A job a worker is writing now is left to finish and to expire as any
    other (the account can no longer sign in to download it); deleting its row would
    leave its file behind. The export log stays: it holds who (the account, now
    anonymous), which report, which filters and how many rows, never a name. Returns
    how many jobs were deleted."""
    jobs = ExportJob.objects.filter(user=user).exclude(status=ExportJob.Status.RUNNING)
    found = list(jobs.values_list("pk", "file_name"))
    if not found:
        return 0
    ids = [pk for pk, _ in found]
    files = [Path(settings.EXPORTS_DIR) / name for _, name in found if name]
    OutboxMessage.objects.filter(
        handler=EXPORT_TASK, subject_type="export_job", subject_id__in=ids
    ).delete()
    ExportJob.objects.filter(pk__in=ids).delete()

    def delete_files() -> None:
        for path in files:
            path.unlink(missing_ok=True)

    transaction.on_commit(delete_files)
    return len(ids)
