"""The coordinator's matching pages: the runs, one run's progress and proposals, one
proposal with its swap, pin and remove, and two runs compared."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matching.forms.runs import CompareForm, PinForm, ProposalFilterForm, SwapForm
from matching.models import MatchRun, Proposal, Unmatched
from matching.permissions import (
    get_scheme_proposal,
    get_scheme_run,
    get_scheme_unmatched,
)
from matching.selectors.runs import (
    SwapCandidate,
    active_run,
    mentor_candidates,
    proposal_rows,
    publish_check,
    run_comparison,
    run_proposals,
    run_unmatched,
    scheme_runs,
)
from matching.selectors.settings import criterion_labels
from matching.selectors.summary import matching_summary
from matching.services import runs as run_services
from matching.services.mentorships import match_run_publish
from mentoring.forms import add_service_error, message_service_error
from schemes.choices import MatchingMode
from schemes.models import Scheme
from schemes.permissions import SchemeAccess, coordinator_view, scheme_object

PER_PAGE = 50
# Mentors listed for a swap unless the coordinator asks for all of them: explaining
# every pair of a large scheme takes a moment, and the best few are what is wanted.
SWAP_CANDIDATES = 25
REVIEWABLE = (MatchRun.Status.FINISHED, MatchRun.Status.PUBLISHED)


# The runs ------------------------------------------------------------------------------


@coordinator_view
@require_GET
def run_list(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The scheme's runs, newest first, with the pool a new run would match."""
    scheme = access.scheme
    page = Paginator(scheme_runs(scheme), PER_PAGE).get_page(request.GET.get("page"))
    reviewable = [run for run in page.object_list if run.status in REVIEWABLE]
    return render(
        request,
        "matching/runs/list.html",
        {
            "scheme": scheme,
            "page": page,
            "summary": matching_summary(scheme),
            "active": active_run(scheme),
            "shortlist_mode": scheme.matching_mode == MatchingMode.SHORTLIST,
            "compare_form": CompareForm(runs=reviewable) if len(reviewable) > 1 else None,
        },
    )


@coordinator_view
@require_POST
def run_start(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """Start a run (a Celery task does the work) and show its progress."""
    scheme = access.scheme
    try:
        run = run_services.match_run_start(
            scheme=scheme, trigger=MatchRun.Trigger.COORDINATOR, started_by=request.user
        )
    except ValidationError as error:
        message_service_error(request, error)
        return redirect("matching:runs", slug=scheme.slug)
    messages.success(request, "Matching has started. This page follows it until it finishes.")
    return redirect("matching:run", slug=scheme.slug, pk=run.pk)


@coordinator_view
@require_GET
def run_compare(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """Two runs' totals side by side, and the mentees whose mentor differs."""
    scheme = access.scheme
    runs = list(scheme_runs(scheme).filter(status__in=REVIEWABLE))
    form = CompareForm(request.GET or None, runs=runs)
    comparison = None
    weights = []
    differences = []
    if form.is_bound and form.is_valid():
        by_pk = {run.pk: run for run in runs}
        comparison = run_comparison(by_pk[form.cleaned_data["a"]], by_pk[form.cleaned_data["b"]])
        weights = _weights_side_by_side(scheme, comparison.run_a, comparison.run_b)
        differences = comparison.differences
    return render(
        request,
        "matching/runs/compare.html",
        {
            "scheme": scheme,
            "form": form,
            "comparison": comparison,
            "totals": [row for row in comparison.totals if row[0] != "Weights"]
            if comparison
            else [],
            "weights": weights,
            "differences": differences,
            "enough_runs": len(runs) > 1,
        },
    )


# One run -------------------------------------------------------------------------------


@coordinator_view
@scheme_object(get_scheme_run)
@require_GET
def run_detail(request: HttpRequest, access: SchemeAccess, run: MatchRun) -> HttpResponse:
    """A run: its progress while it goes, then its totals, proposals and unmatched
    mentees, with re-run and publish."""
    scheme = access.scheme
    context: dict[str, Any] = {"scheme": scheme, "run": run}
    if run.status in REVIEWABLE:
        form = ProposalFilterForm(request.GET or None)
        if form.is_bound:
            form.is_valid()  # the valid filters apply; a bad one is shown beside its field
        filters = form.filters()
        page = Paginator(run_proposals(run, **filters), PER_PAGE).get_page(request.GET.get("page"))
        unmatched = Paginator(run_unmatched(run), PER_PAGE).get_page(
            request.GET.get("unmatched_page")
        )
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("unmatched_page", None)
        labels = criterion_labels(scheme, run.weights)
        context.update(
            form=form,
            page=page,
            rows=proposal_rows(page.object_list),
            unmatched=unmatched,
            query=query.urlencode(),
            filtered=bool(
                filters["search"] or filters["min_score"] is not None or filters["pinned"]
            ),
            weights=[(labels[key], weight) for key, weight in run.weights.items()],
            check=publish_check(run, scheme=scheme) if run.is_editable else None,
        )
    return render(request, "matching/runs/detail.html", context)


@never_cache
@coordinator_view
@scheme_object(get_scheme_run)
@require_GET
def run_progress(request: HttpRequest, access: SchemeAccess, run: MatchRun) -> HttpResponse:
    """How far the run is, for the page's script: status, percent, message, and the
    page to load when it is over."""
    return JsonResponse(
        {
            "status": run.status,
            "progress": run.progress,
            "message": run.error
            if run.status in {MatchRun.Status.FAILED, MatchRun.Status.CANCELLED}
            else run.progress_message,
            "url": run.get_absolute_url(),
        }
    )


@coordinator_view
@scheme_object(get_scheme_run)
@require_POST
def run_rerun(request: HttpRequest, access: SchemeAccess, run: MatchRun) -> HttpResponse:
    """Run matching again, keeping this run's pinned pairs."""
    try:
        new_run = run_services.match_run_rerun(run=run, started_by=request.user)
    except ValidationError as error:
        message_service_error(request, error)
        return redirect(run)
    messages.success(
        request, f"Matching has started again, keeping the pinned pairs of run {run.pk}."
    )
    return redirect(new_run)


@coordinator_view
@scheme_object(get_scheme_run)
@require_POST
def run_cancel(request: HttpRequest, access: SchemeAccess, run: MatchRun) -> HttpResponse:
    """Stop a run that is waiting to start or running; the scheme can start another."""
    try:
        run_services.match_run_cancel(run=run, cancelled_by=request.user)
    except ValidationError as error:
        message_service_error(request, error)
    else:
        messages.success(request, f"Run {run.pk} is cancelled. You can start matching again.")
    return redirect(run)


@coordinator_view
@scheme_object(get_scheme_run)
@require_http_methods(["GET", "POST"])
def run_publish(request: HttpRequest, access: SchemeAccess, run: MatchRun) -> HttpResponse:
    """Ask first, saying who will be e-mailed (GET); then publish the run (POST): each
    pair becomes a proposed mentorship and both people are e-mailed."""
    scheme = access.scheme
    if request.method == "GET":
        return render(
            request,
            "matching/runs/publish.html",
            {
                "scheme": scheme,
                "run": run,
                "check": publish_check(run, scheme=scheme) if run.is_editable else None,
            },
        )
    try:
        mentorships = match_run_publish(run=run, published_by=request.user)
    except ValidationError as error:
        message_service_error(request, error)
        return redirect(run)
    count = len(mentorships)
    messages.success(
        request,
        f"The run is published: {count} pair{'s' if count != 1 else ''} "
        f"{'are' if count != 1 else 'is'} being e-mailed and "
        f"{'have' if count != 1 else 'has'} {scheme.response_days} days to accept or decline.",
    )
    return redirect(run)


# One proposal --------------------------------------------------------------------------


@coordinator_view
@scheme_object(get_scheme_proposal)
@require_GET
def proposal_detail(request: HttpRequest, access: SchemeAccess, proposal: Proposal) -> HttpResponse:
    """A proposed pair: both people, the points behind the score, and the coordinator's
    changes (pin, remove, swap)."""
    scheme = access.scheme
    return _proposal_page(request, scheme, proposal, SwapForm(scheme=scheme))


@coordinator_view
@scheme_object(get_scheme_proposal)
@require_POST
def proposal_swap(request: HttpRequest, access: SchemeAccess, proposal: Proposal) -> HttpResponse:
    """Give the mentee another mentor; breaking a hard constraint needs a reason."""
    scheme = access.scheme
    form = SwapForm(request.POST, scheme=scheme)
    if form.is_valid():
        try:
            proposal = run_services.proposal_swap(
                proposal=proposal,
                mentor=form.cleaned_data["mentor"],
                changed_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_service_error(form, error)
            else:
                # Not about what was typed (the run was published meanwhile): at the top.
                message_service_error(request, error)
        else:
            messages.success(
                request,
                f"{proposal.mentee.user.display_name} is now proposed with "
                f"{proposal.mentor.user.display_name}. The pair is pinned, so a re-run keeps "
                "it.",
            )
            return redirect("matching:proposal", slug=scheme.slug, pk=proposal.pk)
    return _proposal_page(request, scheme, proposal, form)


@coordinator_view
@scheme_object(get_scheme_proposal)
@require_POST
def proposal_remove(request: HttpRequest, access: SchemeAccess, proposal: Proposal) -> HttpResponse:
    """Take the pair out of the run: the mentee is listed as unmatched."""
    scheme = access.scheme
    try:
        run_services.proposal_remove(proposal=proposal, changed_by=request.user)
    except ValidationError as error:
        message_service_error(request, error)
        return redirect("matching:proposal", slug=scheme.slug, pk=proposal.pk)
    messages.success(
        request,
        f"The pair is removed: {proposal.mentee.user.display_name} is listed as unmatched in "
        "this run.",
    )
    return redirect("matching:run", slug=scheme.slug, pk=proposal.run_id)


@coordinator_view
@scheme_object(get_scheme_proposal)
@require_POST
def proposal_pin(request: HttpRequest, access: SchemeAccess, proposal: Proposal) -> HttpResponse:
    """Pin the pair (a re-run keeps it) or unpin it."""
    scheme = access.scheme
    form = PinForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["pinned"]))
    else:
        pinned = form.cleaned_data["pinned"]
        try:
            run_services.proposal_pin(proposal=proposal, pinned=pinned, changed_by=request.user)
        except ValidationError as error:
            message_service_error(request, error)
        else:
            messages.success(
                request,
                "The pair is pinned: a re-run keeps it."
                if pinned
                else "The pair is no longer pinned: a re-run may change it.",
            )
    return redirect("matching:proposal", slug=scheme.slug, pk=proposal.pk)


@coordinator_view
@scheme_object(get_scheme_unmatched)
def unmatched_assign(
    request: HttpRequest, access: SchemeAccess, unmatched: Unmatched
) -> HttpResponse:
    """Give a mentee the run left unmatched (or whose pair was removed) a mentor by hand;
    breaking a hard constraint needs a reason, as for a swap."""
    scheme = access.scheme
    run = unmatched.run
    if request.method == "POST":
        form = SwapForm(request.POST, scheme=scheme)
        if form.is_valid():
            try:
                proposal = run_services.proposal_add(
                    run=run,
                    mentee=unmatched.mentee,
                    mentor=form.cleaned_data["mentor"],
                    changed_by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict") and set(error.error_dict) <= {"reason", "mentor"}:
                    add_service_error(form, error)
                else:
                    message_service_error(request, error)
                    return redirect(run)
            else:
                messages.success(
                    request,
                    f"{proposal.mentee.user.display_name} is now proposed with "
                    f"{proposal.mentor.user.display_name}. The pair is pinned, so a re-run "
                    "keeps it.",
                )
                return redirect("matching:proposal", slug=scheme.slug, pk=proposal.pk)
    else:
        form = SwapForm(scheme=scheme)
    candidates, more = _candidates(request, run, unmatched.mentee_id)
    chosen = form["mentor"].value() if form.is_bound else None
    return render(
        request,
        "matching/runs/unmatched.html",
        {
            "scheme": scheme,
            "run": run,
            "unmatched": unmatched,
            "mentee": unmatched.mentee,
            "form": form,
            "candidates": candidates,
            "more_candidates": more,
            "chosen": str(chosen) if chosen else "",
        },
    )


def _candidates(
    request: HttpRequest, run: MatchRun, mentee_id: int, *, exclude_mentor_id: int | None = None
) -> tuple[list[SwapCandidate], bool]:
    """The mentors to offer on a page (the best ``SWAP_CANDIDATES`` unless all are asked
    for), and whether there are more; none once the run can no longer change."""
    if not run.is_editable:
        return [], False
    every = request.GET.get("candidates") == "all"
    candidates = mentor_candidates(
        run,
        mentee_id,
        exclude_mentor_id=exclude_mentor_id,
        limit=None if every else SWAP_CANDIDATES + 1,
    )
    more = not every and len(candidates) > SWAP_CANDIDATES
    return candidates[:SWAP_CANDIDATES] if more else candidates, more


def _proposal_page(
    request: HttpRequest, scheme: Scheme, proposal: Proposal, form: SwapForm
) -> HttpResponse:
    run = proposal.run
    candidates, more = _candidates(
        request, run, proposal.mentee_id, exclude_mentor_id=proposal.mentor_id
    )
    chosen = form["mentor"].value() if form.is_bound else None
    return render(
        request,
        "matching/runs/proposal.html",
        {
            "scheme": scheme,
            "run": run,
            "proposal": proposal,
            "mentee": proposal.mentee,
            "mentor": proposal.mentor,
            "form": form,
            "candidates": candidates,
            "more_candidates": more,
            "chosen": str(chosen) if chosen else "",
            "pin_form": PinForm(initial={"pinned": "0" if proposal.pinned else "1"}),
        },
    )


def _weights_side_by_side(
    scheme: Scheme, run_a: MatchRun, run_b: MatchRun
) -> list[tuple[str, float | None, float | None, bool]]:
    """(criterion, weight in A, weight in B, differs) for every criterion of either."""
    keys = list(dict.fromkeys([*run_a.weights, *run_b.weights]))
    labels = criterion_labels(scheme, keys)
    return [
        (
            labels[key],
            run_a.weights.get(key),
            run_b.weights.get(key),
            run_a.weights.get(key) != run_b.weights.get(key),
        )
        for key in keys
    ]
