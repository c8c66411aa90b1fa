"""Exports from the dashboard and the HR overview: a download, or, for a large one, a
file a worker writes, offered to the person who asked and to no one else."""

from tempfile import TemporaryFile
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from dashboard.models import ExportJob, ExportLog
from dashboard.reports import REGISTRY, ExportRefused, check_export
from dashboard.reports.forms import ExportForm
from dashboard.reports.jobs import (
    export_file_path,
    export_job_start,
    export_log,
    export_log_rows,
)
from dashboard.reports.render import CONTENT_TYPES, csv_response, write_xlsx
from dashboard.scope import Scope, readable_scheme_ids
from mentoring.permissions import first_or_404
from schemes.models import Scheme

NO_SCHEMES = (
    "Exports are for the coordinators of a scheme and for report viewers, and your "
    "account is neither."
)


def _problem(request: HttpRequest, title: str, messages: list[str], status: int) -> HttpResponse:
    return render(
        request,
        "dashboard/exports/problem.html",
        {"title": title, "messages": messages},
        status=status,
    )


@login_required
@require_GET
def export(request: HttpRequest, report: str) -> HttpResponseBase:
    """The report ``report`` for the schemes the reader may read (or the one named),
    with the query's filters, as CSV or Excel: streamed or written at once when small,
    written by a worker when it has more than ``EXPORT_BACKGROUND_ROWS`` rows."""
    chosen = REGISTRY.get(report)
    if chosen is None:
        raise Http404("There is no such report.")
    readable = readable_scheme_ids(request.user)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _problem(request, "This export cannot be made", form.problems(), 400)
    data = form.cleaned_data
    if data["scheme"]:
        scheme = first_or_404(
            Scheme.objects.filter(slug=data["scheme"], pk__in=readable), "There is no such scheme."
        )
        scheme_ids: tuple[int, ...] = (scheme.pk,)
    elif readable:
        scheme_ids = tuple(sorted(readable))
    else:
        return _problem(request, "No exports for you", [NO_SCHEMES], 403)
    scope = Scope(
        reader=request.user,
        scheme_ids=scheme_ids,
        start=data["start"],
        end=data["end"],
        department=data["department"].strip(),
        grade=data["grade"].strip(),
        named=data["named"],
    )
    try:
        check_export(chosen, scope)
    except ExportRefused as refusal:
        return _problem(request, refusal.title, [str(refusal)], 403)
    fmt = data["format"]
    if chosen.count(scope) > settings.EXPORT_BACKGROUND_ROWS:
        job = export_job_start(user=request.user, report=chosen, fmt=fmt, scope=scope)
        return redirect("dashboard:export_job", uid=job.uid)
    log = export_log(
        user=request.user, report=chosen, fmt=fmt, channel=ExportLog.Channel.WEB, scope=scope
    )
    if fmt == "csv":

        def done(rows: int) -> None:
            export_log_rows(log=log, rows=rows)

        return csv_response(chosen, scope, done=done)
    # Written to a temporary file rather than memory; it is deleted once sent.
    file = TemporaryFile()  # noqa: SIM115 - closed by the response once sent
    rows = write_xlsx(chosen, scope, file)
    export_log_rows(log=log, rows=rows)
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=chosen.file_name(scope, "xlsx"),
        content_type=CONTENT_TYPES["xlsx"],
    )


def _own_job(request: HttpRequest, uid) -> ExportJob:
    """The job ``uid`` if the reader asked for it; 404 for anyone else."""
    user: Any = request.user
    return first_or_404(ExportJob.objects.filter(uid=uid, user=user), "There is no such export.")


def _expired(job: ExportJob) -> bool:
    return job.status == ExportJob.Status.EXPIRED or bool(
        job.status == ExportJob.Status.DONE and job.expires_at and job.expires_at <= timezone.now()
    )


@login_required
@require_GET
def export_job(request: HttpRequest, uid) -> HttpResponse:
    """A large export's progress (rows written of all), then its download link; with
    ``?format=json``, the same as data for the page's script."""
    job = _own_job(request, uid)
    report = REGISTRY.get(job.report)
    expired = _expired(job)
    ready = job.status == ExportJob.Status.DONE and not expired
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": ExportJob.Status.EXPIRED if expired else job.status,
                "status_label": "No longer available" if expired else job.get_status_display(),
                "rows_done": job.rows_done,
                "rows_total": job.rows_total,
                "download_url": reverse("dashboard:export_download", kwargs={"uid": job.uid})
                if ready
                else "",
                "error": job.error,
            }
        )
    return render(
        request,
        "dashboard/exports/job.html",
        {
            "job": job,
            "report_name": report.name if report else job.report,
            "expired": expired,
            "ready": ready,
            "running": job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING),
            "percent": int(100 * job.rows_done / job.rows_total) if job.rows_total else 0,
            "file_hours": settings.EXPORT_FILE_HOURS,
        },
    )


@login_required
@require_GET
def export_download(request: HttpRequest, uid) -> HttpResponseBase:
    """The file of a finished large export, for the person who asked, until it expires."""
    job = _own_job(request, uid)
    if _expired(job):
        report = REGISTRY.get(job.report)
        return render(
            request,
            "dashboard/exports/expired.html",
            {
                "job": job,
                "report_name": report.name if report else job.report,
                "file_hours": settings.EXPORT_FILE_HOURS,
            },
            status=410,
        )
    if job.status != ExportJob.Status.DONE:
        return redirect("dashboard:export_job", uid=job.uid)
    path = export_file_path(job)
    if not path.is_file():
        raise Http404("This export's file is no longer here.")
    report = REGISTRY.get(job.report)
    name = f"{report.identifier if report else job.report}.{job.format}"
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES[job.format]
    )
