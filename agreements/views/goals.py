"""A pair's goals: a new goal (with the agreement's objectives as suggestions), the
goal's page (its targets, its progress as a chart and a table, sharing with the
coordinators, its status), the SMART target form, and the buttons that change a status.

Every view is for the mentee and the mentor only (``pair_view``: 404 for anyone else),
and every object is loaded through ``get_pair_goal`` and ``get_pair_target``, so a goal
of another pair is 404 too. Once the mentorship is no longer active the pages are
read-only: the forms lead back to the goal's page with a message.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from agreements.chart import progress_svg
from agreements.forms.goals import (
    GoalForm,
    GoalShareForm,
    GoalStatusForm,
    ProgressForm,
    TargetForm,
    TargetStatusForm,
)
from agreements.models import MAX_GOALS, Goal, Target
from agreements.permissions import PairAccess, get_pair_goal, get_pair_target, pair_view
from agreements.selectors.goals import goal_page, objective_suggestions
from agreements.services import goals as services
from mentoring.forms import add_service_error, message_service_error

READ_ONLY = "This mentorship has finished, so its goals can no longer change."

GOAL_STATUS_MESSAGES = {
    Goal.Status.ACHIEVED: "Well done: “{title}” is marked achieved.",
    Goal.Status.DROPPED: "“{title}” is dropped. It no longer counts towards your "
    f"{MAX_GOALS} goals, and you can take it up again later.",
    Goal.Status.ACTIVE: "“{title}” is in progress again.",
}
TARGET_STATUS_MESSAGES = {
    Target.Status.DONE: "Target marked done: “{what}”.",
    Target.Status.DROPPED: "Target dropped: “{what}”.",
    Target.Status.OPEN: "Target open again: “{what}”.",
}


def _goal_url(goal: Goal) -> str:
    return reverse("agreements:goal", kwargs={"pk": goal.mentorship_id, "goal": goal.pk})


def _button_error(request: HttpRequest, form: forms.BaseForm) -> None:
    """A button posted a value it does not offer: say what it expects."""
    messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))


def _read_only(request: HttpRequest, access: PairAccess, goal: Goal | None = None) -> HttpResponse:
    messages.info(request, READ_ONLY)
    if goal is None:
        return redirect("agreements:pair", pk=access.mentorship.pk)
    return redirect(_goal_url(goal))


@pair_view
@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """A new goal of the pair, with the agreement's objectives not yet goals offered as
    suggestions (a link fills the title in through ``?title=``)."""
    if not access.can_change:
        return _read_only(request, access)
    mentorship = access.mentorship
    if request.method == "POST":
        form = GoalForm(request.POST)
        if form.is_valid():
            try:
                goal = services.goal_create(
                    mentorship=mentorship, user=request.user, data=form.cleaned_data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request, "Your goal is added. Next, set a SMART target to work towards it."
                )
                return redirect(_goal_url(goal))
    else:
        title = " ".join(request.GET.get("title", "").split())[:200]
        form = GoalForm(initial={"title": title} if title else None)
    kept = Goal.objects.filter(mentorship=mentorship).exclude(status=Goal.Status.DROPPED).count()
    return render(
        request,
        "agreements/goals/goal_form.html",
        {
            "access": access,
            "form": form,
            "goal": None,
            "suggestions": objective_suggestions(mentorship),
            "at_limit": kept >= MAX_GOALS,
            "max_goals": MAX_GOALS,
            "crumbs": [],
            "here": "A new goal",
        },
    )


@pair_view
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, access: PairAccess, goal: int) -> HttpResponse:
    """Change the goal's title, why it matters and how the pair will know it is
    reached."""
    found = get_pair_goal(access, goal)
    if not access.can_change:
        return _read_only(request, access, found)
    if request.method == "POST":
        form = GoalForm(request.POST)
        if form.is_valid():
            try:
                services.goal_update(goal=found, user=request.user, data=form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Your changes to the goal are saved.")
                return redirect(_goal_url(found))
    else:
        form = GoalForm(
            initial={
                "title": found.title,
                "why": found.why,
                "success_criteria": found.success_criteria,
            }
        )
    return render(
        request,
        "agreements/goals/goal_form.html",
        {
            "access": access,
            "form": form,
            "goal": found,
            "suggestions": [],
            "at_limit": False,
            "crumbs": [(_goal_url(found), found.title)],
            "here": "Edit",
        },
    )


@pair_view
@require_http_methods(["GET"])
def goal_detail(request: HttpRequest, access: PairAccess, goal: int) -> HttpResponse:
    """The goal's page: what it is, its targets, its progress as a chart and a table,
    sharing with the coordinators, and its status."""
    found = get_pair_goal(access, goal)
    return _goal_page(request, access, found, ProgressForm())


def _goal_page(
    request: HttpRequest,
    access: PairAccess,
    goal: Goal,
    progress_form: ProgressForm,
    status: int = 200,
) -> HttpResponse:
    page = goal_page(goal)
    return render(
        request,
        "agreements/goals/goal.html",
        {
            "access": access,
            "goal": goal,
            "page": page,
            "chart": progress_svg(page.points, title=f"Progress on {goal.title}"),
            "progress_form": progress_form,
            "scheme": access.mentorship.scheme,
            "max_goals": MAX_GOALS,
            # A dropped goal is taken up again only within the limit of three.
            "can_take_up": goal.status != Goal.Status.DROPPED
            or Goal.objects.filter(mentorship_id=goal.mentorship_id)
            .exclude(status=Goal.Status.DROPPED)
            .count()
            < MAX_GOALS,
        },
        status=status,
    )


@pair_view
@require_POST
def goal_status(request: HttpRequest, access: PairAccess, goal: int) -> HttpResponse:
    """Mark the goal achieved, dropped, or in progress again."""
    found = get_pair_goal(access, goal)
    form = GoalStatusForm(request.POST)
    if not form.is_valid():
        _button_error(request, form)
        return redirect(_goal_url(found))
    try:
        services.goal_set_status(goal=found, user=request.user, status=form.cleaned_data["status"])
    except ValidationError as error:
        message_service_error(request, error)
    else:
        text = GOAL_STATUS_MESSAGES[Goal.Status(found.status)]
        messages.success(request, text.format(title=found.title))
    return redirect(_goal_url(found))


@pair_view
@require_POST
def goal_share(request: HttpRequest, access: PairAccess, goal: int) -> HttpResponse:
    """Share the goal's title and its progress ratings with the coordinators, or stop."""
    found = get_pair_goal(access, goal)
    form = GoalShareForm(request.POST)
    if not form.is_valid():
        _button_error(request, form)
        return redirect(_goal_url(found))
    shared = form.cleaned_data["shared"] == GoalShareForm.SHARE
    try:
        services.goal_share(goal=found, user=request.user, shared=shared)
    except ValidationError as error:
        message_service_error(request, error)
    else:
        if shared:
            messages.success(
                request,
                "The coordinators can now see this goal's title and its progress ratings "
                "with their dates. Nothing else about it is shared.",
            )
        else:
            messages.success(request, "The coordinators no longer see this goal.")
    return redirect(_goal_url(found))


@pair_view
@require_POST
def progress_record(request: HttpRequest, access: PairAccess, goal: int) -> HttpResponse:
    """Record where the goal stands, 1 to 10, with an optional comment; a bad rating
    shows the goal's page again with the message beside the field."""
    found = get_pair_goal(access, goal)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            entry = services.progress_record(
                goal=found,
                user=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            if not access.can_change:
                message_service_error(request, error)
                return redirect(_goal_url(found))
            add_service_error(form, error)
        else:
            messages.success(request, f"Your rating of {entry.rating} out of 10 is recorded.")
            return redirect(_goal_url(found))
    return _goal_page(request, access, found, form)


def _target_form_page(
    request: HttpRequest, access: PairAccess, goal: Goal, target: Target | None
) -> HttpResponse:
    start, end = services.mentorship_dates(access.mentorship)
    data: Any = request.POST if request.method == "POST" else None
    initial = None
    if target is not None and data is None:
        initial = {
            "what": target.what,
            "measure": target.measure,
            "achievable": target.achievable,
            "due_on": target.due_on,
        }
    form = TargetForm(data, initial=initial, start=start, end=end)
    if data is not None and form.is_valid():
        try:
            if target is None:
                services.target_create(goal=goal, user=request.user, data=form.cleaned_data)
            else:
                services.target_update(target=target, user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            saved = "is added" if target is None else "is saved"
            messages.success(request, f"Your target {saved}.")
            return redirect(_goal_url(goal))
    return render(
        request,
        "agreements/goals/target_form.html",
        {
            "access": access,
            "goal": goal,
            "target": target,
            "form": form,
            "crumbs": [(_goal_url(goal), goal.title)],
            "here": "A new target" if target is None else "Edit a target",
        },
    )


@pair_view
@require_http_methods(["GET", "POST"])
def target_create(request: HttpRequest, access: PairAccess, goal: int) -> HttpResponse:
    """A new SMART target for the goal."""
    found = get_pair_goal(access, goal)
    if not access.can_change:
        return _read_only(request, access, found)
    return _target_form_page(request, access, found, None)


@pair_view
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, access: PairAccess, goal: int, target: int) -> HttpResponse:
    """Change a target's wording, measure or due date."""
    found = get_pair_goal(access, goal)
    found_target = get_pair_target(found, target)
    if not access.can_change:
        return _read_only(request, access, found)
    return _target_form_page(request, access, found, found_target)


@pair_view
@require_POST
def target_status(request: HttpRequest, access: PairAccess, goal: int, target: int) -> HttpResponse:
    """Mark a target done or dropped, or open it again."""
    found = get_pair_goal(access, goal)
    found_target = get_pair_target(found, target)
    form = TargetStatusForm(request.POST)
    if not form.is_valid():
        _button_error(request, form)
        return redirect(_goal_url(found))
    try:
        services.target_set_status(
            target=found_target, user=request.user, status=form.cleaned_data["status"]
        )
    except ValidationError as error:
        message_service_error(request, error)
    else:
        text = TARGET_STATUS_MESSAGES[Target.Status(found_target.status)]
        messages.success(request, text.format(what=found_target.what))
    return redirect(_goal_url(found))
