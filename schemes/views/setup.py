"""The coordinator's set-up pages: create a scheme, its settings, the open application
link and the scheme's own questions."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from mentoring.permissions import get_scheme_for_user, scheme_creator_required
from schemes.forms import add_service_error
from schemes.forms.setup import QuestionForm, SchemeForm
from schemes.models import CustomQuestion, Role, Scheme
from schemes.services import questions as question_services
from schemes.services import schemes as scheme_services

COORDINATORS = (Role.COORDINATOR,)


def _coordinated_scheme(request, slug) -> Scheme:
    return get_scheme_for_user(request.user, slug, roles=COORDINATORS)


def _scheme_question(scheme: Scheme, pk: int) -> CustomQuestion:
    return get_object_or_404(CustomQuestion, pk=pk, scheme=scheme)


@scheme_creator_required
@require_http_methods(["GET", "POST"])
def scheme_create(request):
    """A new scheme, with the person creating it as its first coordinator."""
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = scheme_services.scheme_create(coordinator=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"{scheme.name} has been created. Next, add any questions of your own and "
                "invite people to apply.",
            )
            return redirect(scheme)
    return render(request, "schemes/setup/scheme_form.html", {"form": form, "scheme": None})


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request, slug):
    """The scheme's settings, for its coordinators."""
    scheme = _coordinated_scheme(request, slug)
    # The form checks a copy, so that the page around it keeps the saved name.
    form = SchemeForm(request.POST or None, instance=copy.copy(scheme))
    if request.method == "POST" and form.is_valid():
        try:
            scheme_services.scheme_update(scheme=scheme, **form.cleaned_data)
        except ValidationError as error:
            scheme.refresh_from_db()
            add_service_error(form, error)
        else:
            messages.success(request, "The scheme's settings have been saved.")
            return redirect(scheme)
    return render(request, "schemes/setup/scheme_form.html", {"form": form, "scheme": scheme})


@login_required
def open_link(request, slug):
    """Turn the open application link on (a new address each time) or off."""
    scheme = _coordinated_scheme(request, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.POST.get("action") == "disable":
        scheme_services.scheme_open_link_disable(scheme=scheme)
        messages.success(request, "The open application link is off: its address no longer works.")
    else:
        had_link = bool(scheme.open_link_token)
        scheme_services.scheme_open_link_enable(scheme=scheme)
        messages.success(
            request,
            "The open application link has a new address: the old one no longer works."
            if had_link
            else "The open application link is on: share it with the people who may apply.",
        )
    return redirect(f"{scheme.get_absolute_url()}#open-link-heading")


@login_required
@require_http_methods(["GET", "POST"])
def questions(request, slug):
    """The scheme's own questions, and the form to add one."""
    scheme = _coordinated_scheme(request, slug)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = question_services.question_create(scheme=scheme, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"The question “{question.text}” has been added.")
            return redirect("schemes:questions", slug=scheme.slug)
    return render(
        request,
        "schemes/setup/questions.html",
        {"scheme": scheme, "questions": list(scheme.questions.all()), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, slug, pk):
    """Change one of the scheme's questions."""
    scheme = _coordinated_scheme(request, slug)
    question = _scheme_question(scheme, pk)
    form = QuestionForm(request.POST or None, instance=copy.copy(question))
    if request.method == "POST" and form.is_valid():
        try:
            question_services.question_update(question=question, **form.cleaned_data)
        except ValidationError as error:
            question.refresh_from_db()
            add_service_error(form, error)
        else:
            messages.success(request, f"The question “{question.text}” has been saved.")
            return redirect("schemes:questions", slug=scheme.slug)
    return render(
        request,
        "schemes/setup/question_form.html",
        {"scheme": scheme, "question": question, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request, slug, pk):
    """Ask, then remove one of the scheme's questions."""
    scheme = _coordinated_scheme(request, slug)
    question = _scheme_question(scheme, pk)
    if request.method == "POST":
        question_services.question_delete(question=question)
        messages.success(request, f"The question “{question.text}” has been removed.")
        return redirect("schemes:questions", slug=scheme.slug)
    return render(
        request, "schemes/setup/question_delete.html", {"scheme": scheme, "question": question}
    )


@login_required
def question_move(request, slug, pk):
    """Move a question one place up or down the questionnaire."""
    scheme = _coordinated_scheme(request, slug)
    question = _scheme_question(scheme, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    question_services.question_move(question=question, up=request.POST.get("direction") == "up")
    messages.success(request, f"The question “{question.text}” has been moved.")
    url = reverse("schemes:questions", kwargs={"slug": scheme.slug})
    return redirect(f"{url}#question-{question.pk}")
