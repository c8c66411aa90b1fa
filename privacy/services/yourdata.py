"""A person's copies of their data (``DataExport``): asked for, written by a worker,
downloaded by that person alone, deleted when their time is over.

A copy is a ``DataExport`` and an outbox row (``DATA_EXPORT_TASK``) saved in one
transaction, so a copy asked for while the broker is down is written when it is back;
with no broker the task runs at once, in the request. The worker claims the copy with a
conditional update (queued to running, one row), so a task delivered twice writes one
file. It writes the ZIP (``privacy.yourdata.write_zip``) under a temporary name in the
private folder ``settings.PRIVACY_EXPORTS_DIR``, readable by the site's own user only,
and renames it once complete. The file is offered to that person until ``expires_at``
(``DATA_EXPORT_HOURS`` after it was written); each download is recorded in the audit
trail. The hourly job (``data_exports_expire``) then deletes the file.
"""

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentoring.audit import audit_record
from mentoring.exports import private_file, private_file_part
from mentoring.models import AuditEntry, OutboxMessage, User
from mentoring.outbox import outbox_add
from privacy.models import DataExport
from privacy.yourdata import write_zip

__all__ = [
    "ALREADY_PREPARING",
    "DATA_EXPORT_TASK",
    "data_export_download",
    "data_export_expired",
    "data_export_path",
    "data_export_run",
    "data_export_start",
    "data_exports_expire",
]

logger = logging.getLogger(__name__)

DATA_EXPORT_TASK = "privacy.data_export"
ALREADY_PREPARING = (
    "A copy of your data is already being prepared. It appears below when it is ready."
)
FAILED = (
    "The copy could not be written. Prepare another; if it fails again, tell the "
    "site's administrator."
)
STALLED_ERROR = "The copy was not finished in time. Prepare another."
# A copy waiting or being written for longer than this blocks no new one, and the
# hourly job marks it failed: a person's data takes seconds to write.
WAITING_BLOCKS_FOR = timedelta(hours=1)
STALLED_AFTER = timedelta(days=1)


def data_export_path(export: DataExport) -> Path:
    """Where the file of ``export`` is (or will be) in the private folder."""
    return Path(settings.PRIVACY_EXPORTS_DIR) / export.file_name


def data_export_expired(export: DataExport, *, now: datetime | None = None) -> bool:
    """Whether the time of ``export``'s file is over (marked so, or due to be)."""
    now = now or timezone.now()
    return export.status == DataExport.Status.EXPIRED or bool(
        export.status == DataExport.Status.DONE and export.expires_at and export.expires_at <= now
    )


@transaction.atomic
def data_export_start(*, user: Any) -> DataExport:
    """Ask for a copy of ``user``'s data, written by a worker for them alone; the copy
    and its outbox row are saved together or not at all. Refused while another copy of
    theirs is waiting or being written."""
    # The person's row is locked, so that two clicks at once start one copy.
    User.objects.select_for_update().filter(pk=user.pk).first()
    busy = DataExport.objects.filter(
        user=user,
        status__in=(DataExport.Status.QUEUED, DataExport.Status.RUNNING),
        created_at__gt=timezone.now() - WAITING_BLOCKS_FOR,
    )
    if busy.exists():
        raise ValidationError(ALREADY_PREPARING)
    export = DataExport(user=user)
    export.file_name = f"{export.uid}.zip"
    export.full_clean()
    export.save()
    outbox_add(
        kind=OutboxMessage.Kind.TASK,
        handler=DATA_EXPORT_TASK,
        payload={"export_id": export.pk},
        subject=("data_export", export.pk),
    )
    return export


def data_export_run(*, export_id: int) -> str:
    """The outbox's handler of ``DATA_EXPORT_TASK``: write the ZIP of the queued copy
    ``export_id``. Returns the copy's status afterwards ("missing" when it is gone). A
    copy already claimed or over is left alone. A failure marks it failed with a
    message for the page (the traceback goes to the log) and is not retried: the person
    prepares another."""
    claimed = DataExport.objects.filter(pk=export_id, status=DataExport.Status.QUEUED).update(
        status=DataExport.Status.RUNNING
    )
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None:
        return "missing"
    if not claimed:
        logger.info("Data export %s not run: it is %s", export_id, export.status)
        return export.status
    if not export.user.is_active:
        return _failed(export, "The account is closed, so no copy was written.")
    path = data_export_path(export)
    try:
        with private_file(path) as partial, partial.open("wb") as file:
            write_zip(export.user, file)
    except Exception:
        logger.exception("Data export %s failed", export.pk)
        return _failed(export, FAILED)
    finished = timezone.now()
    done = DataExport.objects.filter(pk=export.pk, status=DataExport.Status.RUNNING).update(
        status=DataExport.Status.DONE,
        finished_at=finished,
        expires_at=finished + timedelta(hours=settings.DATA_EXPORT_HOURS),
        size=path.stat().st_size,
        error="",
    )
    if not done:
        # Given up on meanwhile (``data_exports_expire``): no file outlives its copy.
        path.unlink(missing_ok=True)
        export.refresh_from_db(fields=["status"])
        return export.status
    return DataExport.Status.DONE


def _failed(export: DataExport, error: str) -> str:
    DataExport.objects.filter(pk=export.pk).update(
        status=DataExport.Status.FAILED, error=error, finished_at=timezone.now()
    )
    return DataExport.Status.FAILED


@transaction.atomic
def data_export_download(*, export: DataExport, user: Any) -> None:
    """Record that ``user`` downloaded their copy ``export``: when, on the copy, and
    in the audit trail (with the file's size)."""
    if export.user_id != user.pk:
        raise ValidationError("Only the person the copy is about may download it.")
    now = timezone.now()
    DataExport.objects.filter(pk=export.pk).update(downloaded_at=now)
    export.downloaded_at = now
    audit_record(
        AuditEntry.Action.DATA_DOWNLOADED,
        actor=user,
        subject=export,
        detail={"size": export.size},
    )


def data_exports_expire(*, now: datetime | None = None) -> int:
    """Delete the files of the copies whose time is over and mark them expired; mark
    failed the copies left waiting or being written for a day (a worker that died), and
    delete what they left. The hourly job. Returns how many copies expired."""
    now = now or timezone.now()
    expired = 0
    for export in DataExport.objects.filter(status=DataExport.Status.DONE, expires_at__lte=now):
        if export.file_name:
            data_export_path(export).unlink(missing_ok=True)
        expired += DataExport.objects.filter(pk=export.pk, status=DataExport.Status.DONE).update(
            status=DataExport.Status.EXPIRED
        )
    stalled = DataExport.objects.filter(
        status__in=(DataExport.Status.QUEUED, DataExport.Status.RUNNING),
        created_at__lte=now - STALLED_AFTER,
    )
    for export in stalled:
        if export.file_name:
            path = data_export_path(export)
            private_file_part(path).unlink(missing_ok=True)
        DataExport.objects.filter(pk=export.pk, status=export.status).update(
            status=DataExport.Status.FAILED, error=STALLED_ERROR, finished_at=now
        )
    return expired
