"""Your data: each person's page for copies of everything the product holds about
them, and the download of a copy. A copy is its person's alone: another person's
answers 404, whoever asks; a copy whose time is over answers 410."""

from typing import cast
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mentoring.forms import message_service_error
from mentoring.models import User
from privacy.models import DataExport
from privacy.permissions import get_own_data_export
from privacy.services import yourdata as services
from privacy.yourdata import SECTIONS

# How many of the person's copies the page lists, newest first.
RECENT = 10
PENDING = (DataExport.Status.QUEUED, DataExport.Status.RUNNING)


def _me(request: HttpRequest) -> User:
    """The person signed in (every view here is behind ``login_required``)."""
    return cast(User, request.user)


def _status_label(export: DataExport, expired: bool) -> str:
    return "No longer available" if expired else export.get_status_display()


@login_required
@require_http_methods(["GET", "POST"])
def data(request: HttpRequest) -> HttpResponse:
    """What a copy of the person's data holds, their recent copies with a download link
    while each is offered, and (POST) preparing a new one. With ``?format=json``, the
    copies' statuses for the page's script."""
    user = _me(request)
    if request.method == "POST":
        try:
            export = services.data_export_start(user=user)
        except ValidationError as error:
            message_service_error(request, error)
            return redirect("privacy:data")
        export.refresh_from_db(fields=["status", "error"])
        if export.status == DataExport.Status.DONE:
            messages.success(request, "Your copy is ready. Download it below.")
        elif export.status == DataExport.Status.FAILED:
            messages.error(request, export.error or services.FAILED)
        else:
            messages.success(
                request, "Your copy is being prepared. It appears below when it is ready."
            )
        return redirect("privacy:data")
    now = timezone.now()
    copies = [
        (export, services.data_export_expired(export, now=now))
        for export in DataExport.objects.filter(user=user)[:RECENT]
    ]
    pending = any(export.status in PENDING for export, _ in copies)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "pending": pending,
                "copies": [
                    {"uid": str(export.uid), "status": _status_label(export, expired)}
                    for export, expired in copies
                ],
            }
        )
    return render(
        request,
        "privacy/yourdata/page.html",
        {
            "sections": SECTIONS,
            "copies": [
                {
                    "export": export,
                    "expired": expired,
                    "ready": export.status == DataExport.Status.DONE and not expired,
                    "status": _status_label(export, expired),
                }
                for export, expired in copies
            ],
            "pending": pending,
            "hours": settings.DATA_EXPORT_HOURS,
        },
    )


@login_required
@require_GET
def data_download(request: HttpRequest, uid: UUID) -> HttpResponseBase:
    """The ZIP of a written copy, for its person alone, until it expires (then 410)."""
    user = _me(request)
    export = get_own_data_export(user, uid)
    if services.data_export_expired(export):
        return render(
            request,
            "privacy/yourdata/expired.html",
            {"export": export, "hours": settings.DATA_EXPORT_HOURS},
            status=410,
        )
    if export.status != DataExport.Status.DONE:
        return redirect("privacy:data")
    path = services.data_export_path(export)
    if not path.is_file():
        raise Http404("This copy's file is no longer here.")
    services.data_export_download(export=export, user=user)
    file = path.open("rb")
    written = timezone.localtime(export.finished_at or export.created_at)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"your-data-{written:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
