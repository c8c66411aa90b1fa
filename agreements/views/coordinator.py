"""The coordinators' side of the pairs: a scheme's pairs, one pair with its dates, stage,
agreement state and counts (never a word the pair wrote), the correction of a stage,
the concerns sent to the coordinators, and the pair settings.

Every page is for the scheme's coordinators only (``coordinator_view``: 404 for anyone
else); a pair or a concern is loaded within the scheme (``get_scheme_pair``,
``get_scheme_concern``), so another scheme's is 404 too.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from agreements.forms.coordinator import (
    ConcernFilterForm,
    ConcernRespondForm,
    PairFilterForm,
    PairSettingsForm,
    StageCorrectForm,
)
from agreements.models import Concern
from agreements.panels import coordinator_panels
from agreements.permissions import get_scheme_concern, get_scheme_pair
from agreements.selectors import coordinator as selectors
from agreements.selectors.stages import STAGES, stage_guide
from agreements.services.concerns import concern_respond
from agreements.services.pair_settings import pair_settings_update
from agreements.services.stages import stage_correct as correct_stage
from matching.models import Mentorship
from mentoring.forms import add_service_error
from schemes.permissions import SchemeAccess, coordinator_view

PER_PAGE = 50


@coordinator_view
@require_GET
def scheme_pairs(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """Every started mentorship of the scheme with its dates, stage, agreement state and
    counts, filtered by stage and status, a page at a time."""
    scheme = access.scheme
    form = PairFilterForm(request.GET or None)
    valid = form.is_bound and form.is_valid()
    stage = form.cleaned_data["stage"] if valid else ""
    status = form.cleaned_data["status"] if valid else ""
    page = Paginator(
        selectors.scheme_pair_list(scheme, reader=request.user, stage=stage, status=status),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agreements/coordinator/pairs.html",
        {
            "scheme": scheme,
            "form": form,
            "page": page,
            "rows": selectors.pair_rows(page.object_list),
            "filtered": bool(stage or status),
            "counts": selectors.pair_counts(scheme, reader=request.user),
            "query": query.urlencode(),
        },
    )


@coordinator_view
@require_GET
def scheme_pair(request: HttpRequest, access: SchemeAccess, pk: int) -> HttpResponse:
    """One pair for its coordinators: dates, status, stage and its history, whether the
    agreement is signed, counts of goals and targets, the goals the pair shared, and
    the concerns about them."""
    mentorship = get_scheme_pair(access.scheme, pk)
    return render(
        request,
        "agreements/coordinator/pair.html",
        {
            "scheme": access.scheme,
            "mentorship": mentorship,
            "crumbs": [(_pairs_url(access), "Pairs")],
            "here": _pair_name(mentorship),
            "overview": selectors.pair_overview(mentorship, reader=request.user),
            "guide": stage_guide(mentorship.stage),
            "moves": selectors.stage_history(mentorship),
            "is_active": mentorship.status == Mentorship.Status.ACTIVE,
            "panels": coordinator_panels(mentorship, request.user),
        },
    )


@coordinator_view
@require_http_methods(["GET", "POST"])
def stage_correct(request: HttpRequest, access: SchemeAccess, pk: int) -> HttpResponse:
    """Set an active pair's stage, with a written reason kept in its history."""
    mentorship = get_scheme_pair(access.scheme, pk)
    pair_url = reverse("agreements:scheme_pair", kwargs={"slug": access.scheme.slug, "pk": pk})
    if mentorship.status != Mentorship.Status.ACTIVE:
        messages.info(
            request,
            f"This mentorship is {mentorship.get_status_display().lower()}: "
            "only an active mentorship's stage can be corrected.",
        )
        return redirect(pair_url)
    form = StageCorrectForm(request.POST or None, initial={"stage": mentorship.stage})
    if request.method == "POST" and form.is_valid():
        try:
            correct_stage(
                mentorship=mentorship,
                coordinator=request.user,
                to_stage=form.cleaned_data["stage"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"The pair is now in the {mentorship.get_stage_display().lower()} stage. "
                "The correction and your reason are in its stage history.",
            )
            return redirect(pair_url)
    return render(
        request,
        "agreements/coordinator/stage_correct.html",
        {
            "scheme": access.scheme,
            "mentorship": mentorship,
            "crumbs": [(_pairs_url(access), "Pairs"), (pair_url, _pair_name(mentorship))],
            "here": "Correct the stage",
            "form": form,
            "stages": STAGES,
        },
    )


@coordinator_view
@require_GET
def concerns(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The concerns raised about the scheme's pairs, open first, a page at a time."""
    scheme = access.scheme
    form = ConcernFilterForm(request.GET or None)
    status = (
        form.cleaned_data["status"] if form.is_bound and form.is_valid() else Concern.Status.OPEN
    )
    page = Paginator(
        selectors.scheme_concern_list(scheme, reader=request.user, status=status), PER_PAGE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agreements/coordinator/concerns.html",
        {
            "scheme": scheme,
            "form": form,
            "page": page,
            "status": status,
            "counts": selectors.scheme_concern_counts(scheme, reader=request.user),
            "query": query.urlencode(),
        },
    )


@coordinator_view
@require_http_methods(["GET", "POST"])
def concern(request: HttpRequest, access: SchemeAccess, pk: int) -> HttpResponse:
    """A concern's message, who raised it and about which pair, and the record of what
    was done about it, with "resolved"."""
    item = get_scheme_concern(access.scheme, pk, request.user)
    conflict = False
    form = ConcernRespondForm(
        request.POST or None,
        initial={
            "action": item.action,
            "resolved": item.status == Concern.Status.RESOLVED,
            "seen": item.record_fingerprint(),
        },
    )
    if request.method == "POST" and form.is_valid():
        was_resolved = item.status == Concern.Status.RESOLVED
        try:
            concern_respond(
                concern=item,
                coordinator=request.user,
                action=form.cleaned_data["action"],
                resolve=form.cleaned_data["resolved"],
                seen=form.cleaned_data["seen"] or None,
            )
        except ValidationError as error:
            fresh = get_scheme_concern(access.scheme, pk, request.user)
            if fresh.record_fingerprint() != form.cleaned_data["seen"]:
                # Saving again now deliberately replaces the record the page shows.
                item, conflict = fresh, True
                data = request.POST.copy()
                data["seen"] = item.record_fingerprint()
                form = ConcernRespondForm(data)
                form.is_valid()
            add_service_error(form, error)
        else:
            if item.status == Concern.Status.RESOLVED:
                done = "The concern is resolved."
            elif was_resolved:
                done = "The concern is open again."
            else:
                done = "Your record is saved; the concern stays open."
            messages.success(request, done)
            return redirect(
                reverse("agreements:concern", kwargs={"slug": access.scheme.slug, "pk": pk})
            )
    return render(
        request,
        "agreements/coordinator/concern.html",
        {
            "scheme": access.scheme,
            "concern": item,
            "mentorship": item.mentorship,
            "crumbs": [
                (reverse("agreements:concerns", kwargs={"slug": access.scheme.slug}), "Concerns")
            ],
            "here": f"Concern about {_pair_name(item.mentorship)}",
            "form": form,
            "conflict": conflict,
        },
    )


@coordinator_view
@require_http_methods(["GET", "POST"])
def pair_settings(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """When the scheme's pairs move to the wind-up stage on their own."""
    scheme = access.scheme
    current = selectors.pair_settings_for(scheme)
    form = PairSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            pair_settings_update(
                scheme=scheme,
                coordinator=request.user,
                wind_up_weeks=form.cleaned_data["wind_up_weeks"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            weeks = form.cleaned_data["wind_up_weeks"]
            messages.success(
                request,
                f"Pairs now move to the wind-up stage {weeks} week{'s' if weeks != 1 else ''} "
                "before their end date.",
            )
            return redirect(reverse("agreements:pair_settings", kwargs={"slug": scheme.slug}))
    return render(
        request,
        "agreements/coordinator/settings.html",
        {"scheme": scheme, "form": form},
    )


# --- helpers ---------------------------------------------------------------------------


def _pairs_url(access: SchemeAccess) -> str:
    return reverse("agreements:scheme_pairs", kwargs={"slug": access.scheme.slug})


def _pair_name(mentorship: Mentorship) -> str:
    return f"{mentorship.mentee.display_name} and {mentorship.mentor.display_name}"
