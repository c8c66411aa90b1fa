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
from schemes.permissions import SchemeAccess, coordinator_view, import_uploads_for
from schemes.services.imports import (
    ApplicationsImported,
    applications_preview,
    applications_rejected_csv,
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
            kept = confirm.cleaned_data["upload"]
            text = kept.text  # the kept file is deleted once imported
            try:
                result = import_upload_confirm(upload=kept, imported_by=request.user)
            except ValidationError as error:
                message_service_error(request, error, "Nothing was imported.")
            else:
                _keep_rejected(request, scheme.pk, text, result)
                messages.success(request, _imported_message(result, scheme.slug))
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
