"""The export links of a page: every report of the registry, as CSV and as Excel, for
the page's scheme (or every scheme the reader may read) and the page's filters."""

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from dashboard.reports import reports_in_order
from dashboard.scope import Scope
from mentoring.permissions import can_view_reports
from schemes.models import Role
from schemes.selectors import memberships_for_user

register = template.Library()

# The filters of the page's query that the exports carry on.
CARRIED = ("start", "end", "department", "grade")


@register.simple_tag(takes_context=True)
def export_reports(context: Any, scheme: Any = None) -> dict[str, Any]:
    """The links: ``{"scheme": the scheme or None, "reports": [{name, description,
    csv, xlsx, csv_named, xlsx_named, refusal}], "named": whether names may be asked
    for}``; ``refusal`` says why a report is not offered without names with these
    filters (else "")."""
    if not hasattr(scheme, "slug"):
        scheme = None  # the page has no scheme: every scheme the reader may read
    request = context.get("request")
    user = getattr(request, "user", None)
    query: dict[str, str] = {}
    if request is not None:
        query = {key: request.GET[key] for key in CARRIED if request.GET.get(key)}
        if scheme is None and request.GET.get("scheme"):
            query["scheme"] = request.GET["scheme"]
    if scheme is not None:
        query["scheme"] = scheme.slug
    named = False
    if user is not None and user.is_authenticated:
        coordinating = memberships_for_user(user).filter(role=Role.COORDINATOR)
        if scheme is not None:
            named = coordinating.filter(scheme_id=scheme.pk).exists()
        elif not can_view_reports(user):
            # A coordinator reads exactly the schemes they coordinate. HR reads every
            # scheme, and is never offered names across them (no query asked).
            named = coordinating.exists()

    def link(identifier: str, fmt: str, with_names: bool = False) -> str:
        params = {**query, "format": fmt, **({"named": "1"} if with_names else {})}
        return f"{reverse('dashboard:export', kwargs={'report': identifier})}?{urlencode(params)}"

    # A report refused with the page's filters (without names) is not offered as a
    # link to a refusal: its reason is said in its place.
    as_filtered = Scope(
        reader=user,
        scheme_ids=(),
        department=query.get("department", ""),
        grade=query.get("grade", ""),
    )
    return {
        "scheme": scheme,
        "named": named,
        "reports": [
            {
                "name": report.name,
                "description": report.description,
                "csv": link(report.identifier, "csv"),
                "xlsx": link(report.identifier, "xlsx"),
                "csv_named": link(report.identifier, "csv", True),
                "xlsx_named": link(report.identifier, "xlsx", True),
                "refusal": report.refusal(as_filtered),
            }
            for report in reports_in_order()
        ],
    }
