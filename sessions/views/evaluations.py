"""The pair's evaluations and final review: the list of milestones (with the mentee's
change since baseline as a table and a chart), one milestone's form or answers, and
the wind-up's final review. For the mentee and the mentor only (``pair_view``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from agreements.models import Goal
from agreements.permissions import PairAccess, pair_view
from matching.models import Mentorship
from mentoring.forms import add_service_error
from sessions.evaluation_chart import change_svg
from sessions.forms.evaluations import EvaluationForm, FinalReviewForm
from sessions.models import Evaluation, FinalReview
from sessions.selectors.evaluations import area_changes, evaluation_state, questions_for
from sessions.services.evaluations import evaluation_complete, final_review_complete


def _crumbs(access: PairAccess) -> list[tuple[str, str]]:
    return [(reverse("sessions:evaluations", kwargs={"pk": access.mentorship.pk}), "Evaluations")]


@pair_view
@require_GET
def evaluation_list(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """Each milestone as this person stands with it and, for the mentee, their change
    since baseline per development area."""
    mentorship = access.mentorship
    state = evaluation_state(mentorship, access.role)
    changes = (
        area_changes(state, mentorship.scheme.development_areas) if access.role == "mentee" else []
    )
    has_later = any(c.latest is not None for c in changes)
    return render(
        request,
        "sessions/evaluations/list.html",
        {
            "access": access,
            "mentorship": mentorship,
            "state": state,
            "changes": changes,
            "chart": change_svg(changes, title="Your ratings of yourself, per development area")
            if has_later
            else "",
            "here": "Evaluations",
            "crumbs": [],
        },
    )


@pair_view
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, access: PairAccess, milestone: str) -> HttpResponse:
    """One milestone: the form when it is due, the answers once given, or when it will
    be due."""
    if milestone not in Evaluation.Milestone.values:
        raise Http404("No such evaluation.")
    mentorship = access.mentorship
    state = evaluation_state(mentorship, access.role)
    status = state.status(milestone)
    questions = questions_for(
        milestone,
        access.role,
        development_areas=mentorship.scheme.development_areas,
        settings=state.settings,
    )
    context = {
        "access": access,
        "mentorship": mentorship,
        "status": status,
        "questions": questions,
        "crumbs": _crumbs(access),
        "here": f"{status.label} evaluation",
        "form": None,
        "finished": mentorship.status != Mentorship.Status.ACTIVE,
    }
    if status.is_due:
        form = EvaluationForm(
            request.POST if request.method == "POST" else None, questions=questions
        )
        if request.method == "POST" and form.is_valid():
            try:
                evaluation_complete(
                    mentorship=mentorship, user=request.user, milestone=milestone, **form.answers()
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                done = f"Thank you: your {status.label.lower()} evaluation is complete."
                if mentorship.status == Mentorship.Status.COMPLETED:
                    done += " Your mentorship is now complete. Well done."
                messages.success(request, done)
                return redirect("sessions:evaluations", pk=mentorship.pk)
        context["form"] = form
    elif request.method == "POST":
        messages.info(request, "This evaluation cannot be completed now.")
        return redirect("sessions:evaluation", pk=mentorship.pk, milestone=milestone)
    return render(request, "sessions/evaluations/evaluation.html", context)


@pair_view
@require_http_methods(["GET", "POST"])
def final_review(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """The wind-up's review: written once by either of the pair, then read-only."""
    mentorship = access.mentorship
    review = FinalReview.objects.filter(mentorship=mentorship).select_related("written_by").first()
    open_now = review is None and access.can_change and mentorship.stage == Mentorship.Stage.WIND_UP
    form = None
    if open_now:
        form = FinalReviewForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                final_review_complete(mentorship=mentorship, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    "Your final review is saved and you are now in the distance stage. "
                    "Keep in touch as you agreed; the follow-up evaluation comes later.",
                )
                return redirect("agreements:pair", pk=mentorship.pk)
    elif request.method == "POST":
        messages.info(request, "The final review cannot be written now.")
        return redirect("sessions:final_review", pk=mentorship.pk)
    goals = (
        Goal.objects.filter(mentorship=mentorship)
        .exclude(status=Goal.Status.DROPPED)
        .prefetch_related("targets")
        .order_by("pk")
    )
    return render(
        request,
        "sessions/evaluations/final_review.html",
        {
            "access": access,
            "mentorship": mentorship,
            "review": review,
            "form": form,
            "goals": goals,
            "here": "Final review",
            "crumbs": [],
        },
    )
