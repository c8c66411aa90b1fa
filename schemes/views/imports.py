"""Importing applications made on paper or in another form tool, from a CSV file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mentoring.forms import message_service_error
from schemes.forms.imports import ApplicationsConfirmForm, ApplicationsUploadForm
from schemes.permissions import SchemeAccess, coordinator_view
from schemes.services.imports import (
    ApplicationsImported,
    applications_import,
    applications_preview,
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
                messages.success(request, _imported_message(result))
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
    count = result.imported
    message = f"Imported {count} application{'' if count == 1 else 's'}"
    if result.new_people:
        people = result.new_people
        message += f" and made accounts for {people} {'person' if people == 1 else 'people'}"
    message += ". Nobody was e-mailed; the applications are waiting for your decision."
    if result.rejected:
        count = len(result.rejected)
        message += (
            f" {count} row{' was' if count == 1 else 's were'} not imported: fix "
            f"{'it' if count == 1 else 'them'} in the spreadsheet and import "
            f"{'it' if count == 1 else 'them'} in a new file."
        )
    return message
