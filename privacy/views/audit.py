"""The audit trail's page and its CSV file, for the site's administrators (superusers)
alone: anyone else signed in gets 403, as the reports answer people who are not report
viewers. Downloading the file is itself recorded in the trail."""

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from mentoring.audit import audit_detail_add, audit_record
from mentoring.exports import csv_stream
from mentoring.models import AuditEntry
from mentoring.permissions import site_admin_required
from privacy.audit_trail import (
    CSV_HEADER,
    audit_csv_rows,
    audit_entries,
    audit_rows,
    scheme_choices,
)
from privacy.forms import AuditFilterForm

PER_PAGE = 50
FILTER_FIELDS = ("action", "scheme", "actor", "date_from", "date_to")


def _filter_data(data: QueryDict) -> QueryDict:
    only = QueryDict(mutable=True)
    for name in FILTER_FIELDS:
        value = data.get(name)
        if value:
            only[name] = value
    return only


def _filters(data: QueryDict, schemes: list[tuple[int, str]]) -> tuple[AuditFilterForm, dict]:
    """The filter form bound to the query string's filters, and the valid filters."""
    only = _filter_data(data)
    form = AuditFilterForm(only or None, schemes=schemes)
    filters: dict = {}
    if form.is_bound:
        form.is_valid()  # the valid filters apply; a bad one is shown beside its field
        filters = form.filters()
    return form, filters


@site_admin_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail, filtered, newest first, fifty entries a page."""
    schemes = scheme_choices()
    form, filters = _filters(request.GET, schemes)
    page = Paginator(audit_entries(**filters), PER_PAGE).get_page(request.GET.get("page"))
    query = _filter_data(request.GET).urlencode()
    return render(
        request,
        "privacy/audit.html",
        {
            "form": form,
            "page": page,
            "rows": list(audit_rows(page.object_list, dict(schemes))),
            "filtered": any(value not in ("", None) for value in filters.values()),
            "query": query,
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


@site_admin_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The entries the filters select, as a CSV file, newest first. Filters that do
    not make sense send the administrator back to the page, which says why, rather
    than exporting more than they asked for."""
    schemes = scheme_choices()
    form, filters = _filters(request.GET, schemes)
    if form.is_bound and form.errors:
        return redirect(f"{reverse('privacy:audit')}?{_filter_data(request.GET).urlencode()}")
    with transaction.atomic():
        entry = audit_record(
            AuditEntry.Action.REPORT_EXPORTED,
            actor=request.user,
            detail={
                "report": "audit",
                "format": "csv",
                "channel": "web",
                "rows": None,
                "action": filters.get("action") or None,
                "scheme": filters.get("scheme_id"),
                "by_person": bool(filters.get("actor_email")),
                "date_from": _day(filters.get("date_from")),
                "date_to": _day(filters.get("date_to")),
            },
        )

    def done(rows: int) -> None:
        audit_detail_add(entry=entry, rows=rows)

    return csv_stream(
        filename=f"audit-trail-{timezone.localdate():%Y-%m-%d}.csv",
        header=CSV_HEADER,
        rows=audit_csv_rows(audit_entries(**filters), dict(schemes)),
        done=done,
    )


def _day(value) -> str | None:
    return value.isoformat() if value else None
