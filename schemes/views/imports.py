"""Importing applications made on paper or in another form tool, from a CSV file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from mentoring.forms import message_service_error
from schemes.forms.imports import ApplicationsConfirmForm, ApplicationsUploadForm
from schemes.permissions import SchemeAccess, coordinator_view
from schemes.services.imports import (
    ApplicationsImported,
    applications_import,
    applications_preview,
    applications_rejected_csv,
    applications_template,
    column_guide,
)

PREVIEW_ROWS = 20


@coordinator_view
@require_http_methods(["GET", "POST"])
def application_import(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """Upload a CSV (which shows what it would import, changing nothing), then confirm
    to import its valid rows."""
    scheme = access.scheme
    upload = ApplicationsUploadForm()
    if request.method == "POST" and "data" in request.POST:
        confirm = ApplicationsConfirmForm(request.POST, scheme=scheme)
        if confirm.is_valid():
            try:
                result = applications_import(
                    scheme=scheme, text=confirm.cleaned_data["data"], imported_by=request.user
                )
            except ValidationError as error:
                message_service_error(request, error, "Nothing was imported.")
            else:
                _keep_rejected(request, scheme.pk, confirm.cleaned_data["data"], result)
                messages.success(request, _imported_message(result, scheme.slug))
                return redirect("schemes:applications", slug=scheme.slug)
        else:
            messages.error(request, " ".join(map(str, confirm.errors["data"])))
    elif request.method == "POST":
        upload = ApplicationsUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            text = upload.cleaned_data["file"]
            preview = applications_preview(scheme=scheme, text=text)
            if preview.error:
                upload.add_error("file", preview.error)
            else:
                confirm = ApplicationsConfirmForm(scheme=scheme)
                confirm.initial = {"data": confirm.pack(text)}
                return render(
                    request,
                    "schemes/imports/preview.html",
                    {
                        "scheme": scheme,
                        "preview": preview,
                        "shown": preview.valid[:PREVIEW_ROWS],
                        "confirm": confirm,
                    },
                )
    return render(
        request,
        "schemes/imports/upload.html",
        {"scheme": scheme, "form": upload, "columns": column_guide(scheme)},
    )


@coordinator_view
@require_GET
def application_import_rejected(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The rows the coordinator's last import of this scheme left out, as a CSV with the
    reason for each, to correct and import again (kept for them in their session)."""
    scheme = access.scheme
    text = request.session.get(_rejected_key(scheme.pk))
    if text is None:
        messages.info(
            request, "No rows are waiting to be downloaded: your last import took them all."
        )
        return redirect("schemes:applications_import", slug=scheme.slug)
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{scheme.slug}-applications-not-imported.csv"'
    )
    return response


@coordinator_view
@require_GET
def application_import_template(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The header of an import file for this scheme, with one sample row, as a CSV."""
    scheme = access.scheme
    # The byte order mark makes Excel read the file as UTF-8.
    response = HttpResponse(
        "\ufeff" + applications_template(scheme), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{scheme.slug}-applications-template.csv"'
    )
    return response


def _rejected_key(scheme_pk: int) -> str:
    return f"applications-not-imported-{scheme_pk}"


def _keep_rejected(
    request: HttpRequest, scheme_pk: int, text: str, result: ApplicationsImported
) -> None:
    """Keep the rows an import left out for downloading (only the latest import's)."""
    key = _rejected_key(scheme_pk)
    if result.rejected:
        request.session[key] = applications_rejected_csv(text=text, rejected=result.rejected)
    else:
        request.session.pop(key, None)


def _imported_message(result: ApplicationsImported, slug: str) -> str:
    count = result.imported
    message = f"Imported {count} application{'' if count == 1 else 's'}"
    if result.new_people:
        people = result.new_people
        message += f" and made accounts for {people} {'person' if people == 1 else 'people'}"
    message += ". Nobody was e-mailed; the applications are waiting for your decision."
    if result.rejected:
        count = len(result.rejected)
        one = count == 1
        return format_html(
            '{} {} row{} not imported: <a href="{}">download {}</a> with the reason for '
            "each, correct {} and import {} in a new file.",
            message,
            count,
            " was" if one else "s were",
            reverse("schemes:applications_import_rejected", kwargs={"slug": slug}),
            "it" if one else "them",
            "it" if one else "them",
            "it" if one else "them",
        )
    return message
