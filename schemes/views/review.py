"""The coordinator's review of applications: the filtered list and one application with
its decision."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from mentoring.forms import message_service_error
from schemes import questionnaire, selectors
from schemes.forms.review import ApplicationDecisionForm, ApplicationFilterForm
from schemes.models import Application
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
)

PER_PAGE = 50

DECIDE = {
    ApplicationDecisionForm.APPROVE: (application_approve, "approved"),
    ApplicationDecisionForm.WAITLIST: (application_waitlist, "wait-listed"),
    ApplicationDecisionForm.DECLINE: (application_decline, "declined"),
}


@coordinator_view
def application_list(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The scheme's applications, filtered, counted and a page at a time."""
    scheme = access.scheme
    form = ApplicationFilterForm(
        request.GET or None, departments=selectors.application_departments(scheme)
    )
    filters = {}
    if form.is_bound:
        form.is_valid()  # the valid filters apply; a bad one is shown beside its field
        filters = form.filters()
    applications = selectors.scheme_applications(scheme, **filters)
    page = Paginator(applications, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "schemes/review/application_list.html",
        {
            "scheme": scheme,
            "form": form,
            "page": page,
            "counts": selectors.application_counts(applications),
            "filtered": any(filters.values()),
            "query": query.urlencode(),
            "here": request.get_full_path(),
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
    back = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
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
                    f"{application.get_role_display().lower()} is {done}. We have e-mailed "
                    "them to say so.",
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
            "back": back or reverse("schemes:applications", args=[scheme.slug]),
        },
    )


def _safe_next(request: HttpRequest, url: str | None) -> str:
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
