"""The coordinator's review of applications: the filtered list and one application with
its decision."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring.audit import AuditEntry, audit_detail_add, audit_record
from mentoring.exports import csv_stream
from mentoring.forms import add_service_error, message_service_error
from mentoring.outbox import outbox_problems
from schemes import questionnaire, selectors
from schemes.forms.review import ApplicationDecisionForm, ApplicationFilterForm, BulkDecisionForm
from schemes.models import Application, Scheme
from schemes.permissions import (
    SchemeAccess,
    coordinator_view,
    get_scheme_application,
    scheme_object,
)
from schemes.services.applications import (
    application_approve,
    application_decline,
    application_waitlist,
    applications_decide_bulk,
)

PER_PAGE = 50

DECIDE = {
    ApplicationDecisionForm.APPROVE: (application_approve, "approved"),
    ApplicationDecisionForm.WAITLIST: (application_waitlist, "wait-listed"),
    ApplicationDecisionForm.DECLINE: (application_decline, "declined"),
}


@coordinator_view
@require_GET
def application_list(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The scheme's applications, filtered, counted and a page at a time, with one
    decision for many of them."""
    return _list_page(request, access.scheme, request.GET)


@coordinator_view
@require_POST
def applications_decide(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """Approve, wait-list or decline the ticked applications, or all those matching the
    list's filters, with one reason; each person is e-mailed."""
    scheme = access.scheme
    _, filters = _filters(scheme, request.POST)
    applications = selectors.scheme_applications(scheme, **filters)
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        return _list_page(request, scheme, request.POST, bulk_form=form)
    if form.cleaned_data["scope"] == BulkDecisionForm.SELECTED:
        applications = applications.filter(pk__in=form.cleaned_data["applications"])
    try:
        result = applications_decide_bulk(
            scheme=scheme,
            applications=applications,
            status=form.status,
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        add_service_error(form, error)
        return _list_page(request, scheme, request.POST, bulk_form=form)
    messages.success(request, result.summary(DECIDE[form.cleaned_data["decision"]][1]))
    query = _filter_query(request.POST)
    address = reverse("schemes:applications", args=[scheme.slug])
    return redirect(f"{address}?{query}" if query else address)


@coordinator_view
@require_GET
def applications_export(request: HttpRequest, access: SchemeAccess) -> StreamingHttpResponse:
    """The applications matching the list's filters as a CSV file: the list's columns
    and the decision, never the answers."""
    scheme = access.scheme
    _, filters = _filters(scheme, request.GET)
    applications = selectors.scheme_applications(scheme, **filters)
    # Names and addresses leave the site: the audit trail records who took them, and
    # how many once the last row has gone.
    entry = audit_record(
        AuditEntry.Action.REPORT_EXPORTED,
        actor=request.user,
        scheme_id=scheme.pk,
        detail={
            "report": "applications",
            "format": "csv",
            "filtered": any(bool(v) for v in filters.values()),
        },
    )

    def rows_counted(rows: int) -> None:
        audit_detail_add(entry=entry, rows=rows)

    return csv_stream(
        filename=f"{scheme.slug}-applications.csv",
        header=EXPORT_COLUMNS,
        done=rows_counted,
        rows=(
            [
                application.user.name,
                application.user.email,
                application.get_role_display(),
                application.get_status_display(),
                application.job_title,
                application.department,
                application.grade,
                application.submitted_at,
                application.decided_at,
                "yes" if application.imported else "no",
            ]
            for application in applications.iterator(chunk_size=500)
        ),
    )


EXPORT_COLUMNS = [
    "Name",
    "E-mail",
    "Role",
    "Status",
    "Job title",
    "Department",
    "Grade",
    "Submitted",
    "Decided",
    "Imported",
]
FILTER_FIELDS = ("q", "role", "status", "department", "submitted_from", "submitted_to")


def _filter_data(data: QueryDict) -> QueryDict:
    """Only the list's filters of ``data`` (a query string, or the bulk form that carries
    them)."""
    only = QueryDict(mutable=True)
    for name in FILTER_FIELDS:
        if name in data:
            only.setlist(name, data.getlist(name))
    return only


def _filter_query(data: QueryDict) -> str:
    return _filter_data(data).urlencode()


def _filters(scheme: Scheme, data: QueryDict) -> tuple[ApplicationFilterForm, dict]:
    """The list's filter form bound to the filters in ``data``, and the valid filters."""
    only = _filter_data(data)
    form = ApplicationFilterForm(
        only or None, departments=selectors.application_departments(scheme)
    )
    filters: dict = {}
    if form.is_bound:
        form.is_valid()  # the valid filters apply; a bad one is shown beside its field
        filters = form.filters()
    return form, filters


def _list_page(
    request: HttpRequest,
    scheme: Scheme,
    data: QueryDict,
    *,
    bulk_form: BulkDecisionForm | None = None,
) -> HttpResponse:
    form, filters = _filters(scheme, data)
    applications = selectors.scheme_applications(scheme, **filters)
    page = Paginator(applications, PER_PAGE).get_page(data.get("page"))
    counts = selectors.application_counts(applications)
    query = _filter_query(data)
    bulk_form = bulk_form or BulkDecisionForm()
    ticked = set(bulk_form.cleaned_data.get("applications", [])) if bulk_form.is_bound else set()
    address = reverse("schemes:applications", args=[scheme.slug])
    return render(
        request,
        "schemes/review/application_list.html",
        {
            "scheme": scheme,
            "form": form,
            "bulk_form": bulk_form,
            "ticked": ticked,
            "page": page,
            "counts": counts,
            "filtered": any(filters.values()),
            "query": query,
            "filter_values": [
                (name, value) for name in FILTER_FIELDS for value in data.getlist(name)
            ],
            # Where an application's page returns to: this list, as filtered.
            "here": request.get_full_path()
            if request.method == "GET"
            else (f"{address}?{query}" if query else address),
        },
    )


@coordinator_view
@scheme_object(get_scheme_application)
@require_http_methods(["GET", "POST"])
def application_detail(
    request: HttpRequest, access: SchemeAccess, application: Application
) -> HttpResponse:
    """One application with every answer and the consent given; a POST records the
    coordinator's decision and tells the person."""
    scheme = access.scheme
    back = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = ApplicationDecisionForm(request.POST or None, initial={"next": back or ""})
    if request.method == "POST":
        if form.is_valid():
            decide, done = DECIDE[form.cleaned_data["decision"]]
            try:
                decide(
                    application=application,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                message_service_error(request, error)
                application.refresh_from_db()
            else:
                messages.success(
                    request,
                    f"{application.user.display_name}'s application as a "
                    f"{application.get_role_display().lower()} is {done}. An e-mail to tell "
                    "them is on its way.",
                )
                return redirect(back or reverse("schemes:applications", args=[scheme.slug]))
        elif "decision" in form.errors:
            messages.error(request, " ".join(map(str, form.errors["decision"])))
    questions = list(scheme.questions.all())
    return render(
        request,
        "schemes/review/application_detail.html",
        {
            "scheme": scheme,
            "application": application,
            "applicant": application.user,
            "sections": questionnaire.answer_sections(application, questions),
            "form": form,
            "decisions": ApplicationDecisionForm.choices_for(application),
            "problem": outbox_problems(
                subject_type="application", subject_ids=[application.pk]
            ).get(application.pk),
            "back": back or reverse("schemes:applications", args=[scheme.slug]),
        },
    )


def safe_next(request: HttpRequest, url: str | None) -> str:
    """``url`` when it is an address on this site, else "" (never send a coordinator
    off to another site after a decision). Only a path counts: a bare word such as
    "0" would be taken for a URL name by ``redirect``."""
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return ""
