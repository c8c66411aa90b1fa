"""The export links of a page: every report of the registry, as CSV and as Excel, for
the page's scheme (or every scheme the reader may read) and the page's filters."""

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from dashboard.reports import reports_in_order
from dashboard.scope import readable_scheme_ids
from schemes.models import Role
from schemes.selectors import memberships_for_user

register = template.Library()

# The filters of the page's query that the exports carry on.
CARRIED = ("start", "end", "department", "grade")


@register.simple_tag(takes_context=True)
def export_reports(context: Any, scheme: Any = None) -> dict[str, Any]:
    """The links: ``{"scheme": the scheme or None, "reports": [{name, description,
    csv, xlsx, csv_named, xlsx_named}], "named": whether names may be asked for}``."""
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
        readable = readable_scheme_ids(user)
        in_scope = {scheme.pk} if scheme is not None else readable
        coordinated = set(
            memberships_for_user(user)
            .filter(role=Role.COORDINATOR)
            .values_list("scheme_id", flat=True)
        )
        named = bool(in_scope) and in_scope <= coordinated

    def link(identifier: str, fmt: str, with_names: bool = False) -> str:
        params = {**query, "format": fmt, **({"named": "1"} if with_names else {})}
        return f"{reverse('dashboard:export', kwargs={'report': identifier})}?{urlencode(params)}"

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
            }
            for report in reports_in_order()
        ],
    }
