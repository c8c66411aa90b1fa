"""The impact report: one scheme's (its coordinators and HR), or every scheme the reader
may read (HR and superusers: all; a coordinator: theirs), filtered by period,
department and grade, with a printable view (``?print=1``)."""

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from dashboard.forms import ReportFilterForm
from dashboard.impact import Impact, impact_for
from dashboard.scope import readable_scheme_ids
from mentoring.permissions import can_view_reports, deny_unless, first_or_404
from schemes.models import Application, Role, Scheme
from schemes.permissions import get_scheme_for_user

__all__ = [
    "filter_form",
    "filtered_impact",
    "impact_overview",
    "query_string",
    "scheme_impact",
    "scheme_sections",
]


def filter_form(
    request: HttpRequest, schemes: Sequence[Scheme], *, with_scheme: bool = True
) -> ReportFilterForm:
    """The filter form bound to the query string, its choices those of ``schemes``:
    the schemes, the departments their mentees wrote and the schemes' grades (one
    query)."""
    scheme_ids = [s.pk for s in schemes]
    grades: list[str] = []
    for scheme in schemes:
        grades += [str(g) for g in scheme.grades or [] if str(g) not in grades]
    departments = list(
        Application.objects.filter(scheme_id__in=scheme_ids, role=Role.MENTEE)
        .exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )
    data = request.GET.copy()
    data.pop("print", None)
    return ReportFilterForm(
        data,
        schemes=[(s.pk, s.slug, s.name) for s in sorted(schemes, key=lambda s: (s.name, s.pk))],
        departments=departments,
        grades=grades,
        with_scheme=with_scheme,
    )


def filtered_impact(
    request: HttpRequest, schemes: Sequence[Scheme], *, with_scheme: bool = True
) -> tuple[ReportFilterForm, Impact | None]:
    """The form and the figures it describes for ``schemes`` (every scheme the reader
    may read, already loaded; or, ``with_scheme`` False, the one scheme of its page);
    no figures while the filters are wrong."""
    form = filter_form(request, schemes, with_scheme=with_scheme)
    if form.is_bound and not form.is_valid():
        return form, None
    ids = [s.pk for s in schemes]
    readable = ids if with_scheme else None
    return form, impact_for(form.scope(request.user, ids), schemes, readable=readable)


def scheme_sections(impact: Impact | None) -> dict[str, Any]:
    """Each scheme's figures when there are several: ``sections`` for those with any,
    and ``quiet`` the names of those with none (a table of "no answers" says nothing)."""
    if impact is None or len(impact.schemes) < 2:
        return {"sections": [], "quiet": []}
    sections = impact.sections()
    return {
        "sections": [s for s in sections if s.has_figures],
        "quiet": [s.scheme.name for s in sections if s.scheme and not s.has_figures],
    }


def query_string(request: HttpRequest, **extra: str) -> str:
    data: QueryDict = request.GET.copy()
    data.pop("print", None)
    for key, value in extra.items():
        data[key] = value
    return data.urlencode()


def _render(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    printing = request.GET.get("print") == "1"
    context.update(
        printing=printing,
        print_query=query_string(request, print="1"),
        screen_query=query_string(request),
    )
    template = "dashboard/impact_print.html" if printing else "dashboard/impact.html"
    return render(request, template, context)


@login_required
@require_GET
def scheme_impact(request: HttpRequest, slug: str) -> HttpResponse:
    """One scheme's impact report, for its coordinators and for HR; 404 for anyone else
    (as every scheme page is to those who hold no role in it)."""
    if can_view_reports(request.user):
        scheme = first_or_404(Scheme.objects.filter(slug=slug), "No such scheme.")
    else:
        scheme = get_scheme_for_user(request.user, slug, roles=(Role.COORDINATOR,)).scheme
    form, impact = filtered_impact(request, [scheme], with_scheme=False)
    return _render(
        request,
        {
            "scheme": scheme,
            "action": reverse("dashboard:scheme_impact", kwargs={"slug": scheme.slug}),
            "form": form,
            "impact": impact,
            "total": impact.section() if impact else None,
            "sections": [],
            "quiet": [],
            "is_report_viewer": can_view_reports(request.user),
        },
    )


@login_required
@require_GET
def impact_overview(request: HttpRequest) -> HttpResponse:
    """The impact report across the schemes the reader may read: in total and per
    scheme; 403 for someone who may read none."""
    scheme_ids = readable_scheme_ids(request.user)
    deny_unless(
        can_view_reports(request.user) or bool(scheme_ids),
        "The impact report is open to report viewers and to schemes' coordinators.",
    )
    form, impact = filtered_impact(request, list(Scheme.objects.filter(pk__in=scheme_ids)))
    return _render(
        request,
        {
            "scheme": None,
            "action": reverse("dashboard:impact"),
            "form": form,
            "impact": impact,
            "total": impact.section() if impact else None,
            **scheme_sections(impact),
            "is_report_viewer": can_view_reports(request.user),
        },
    )
