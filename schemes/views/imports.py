"""Importing applications made on paper or in another form tool, from a CSV file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mentoring.forms import message_service_error
from schemes.forms.imports import ApplicationsConfirmForm, ApplicationsUploadForm
from schemes.permissions import SchemeAccess, coordinator_view, import_uploads_for
from schemes.services.imports import (
    ApplicationsImported,
    applications_preview,
    applications_template,
    column_guide,
    import_upload_confirm,
    import_upload_create,
)

PREVIEW_ROWS = 20


@coordinator_view
@require_http_methods(["GET", "POST"])
def application_import(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """Upload a CSV (which shows what it would import, changing nothing), then confirm
    to import its valid rows."""
    scheme = access.scheme
    upload = ApplicationsUploadForm()
    uploads = import_uploads_for(scheme, request.user)
    if request.method == "POST" and "upload" in request.POST:
        confirm = ApplicationsConfirmForm(request.POST, uploads=uploads)
        if confirm.is_valid():
            try:
                result = import_upload_confirm(
                    upload=confirm.cleaned_data["upload"], imported_by=request.user
                )
            except ValidationError as error:
                message_service_error(request, error, "Nothing was imported.")
            else:
                messages.success(request, _imported_message(result))
                return redirect("schemes:applications", slug=scheme.slug)
        else:
            messages.error(request, " ".join(map(str, confirm.errors["upload"])))
    elif request.method == "POST":
        upload = ApplicationsUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            text = upload.cleaned_data["file"]
            preview = applications_preview(scheme=scheme, text=text)
            if preview.error:
                upload.add_error("file", preview.error)
            else:
                # Kept on the server for the confirmation; only if it can be used.
                kept = preview.valid and import_upload_create(
                    scheme=scheme, uploaded_by=request.user, text=text
                )
                return render(
                    request,
                    "schemes/imports/preview.html",
                    {
                        "scheme": scheme,
                        "preview": preview,
                        "shown": preview.valid[:PREVIEW_ROWS],
                        "confirm": ApplicationsConfirmForm(
                            initial={"upload": kept.pk if kept else None}, uploads=uploads
                        ),
                    },
                )
    return render(
        request,
        "schemes/imports/upload.html",
        {"scheme": scheme, "form": upload, "columns": column_guide(scheme)},
    )


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


def _imported_message(result: ApplicationsImported) -> str:
    # The same words whoever had an account: the message must not tell the coordinator
    # which of the people in the file already use the site.
    count = result.imported
    message = (
        f"Imported {count} row{'' if count == 1 else 's'}. Each person new to this site "
        "has a submitted application waiting for your decision (they were not e-mailed); "
        "anyone who already had an account here was e-mailed an invitation to check the "
        "imported answers, give their consent and submit the application themselves."
    )
    if result.rejected:
        count = len(result.rejected)
        message += (
            f" {count} row{' was' if count == 1 else 's were'} not imported: fix "
            f"{'it' if count == 1 else 'them'} in the spreadsheet and import "
            f"{'it' if count == 1 else 'them'} in a new file."
        )
    return message
