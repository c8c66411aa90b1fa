"""The coordinator's set-up pages: create a scheme, its settings, the open application
link and the scheme's own questions."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from mentoring.forms import add_service_error
from schemes.forms.setup import QuestionForm, SchemeForm
from schemes.models import CustomQuestion
from schemes.permissions import (
    SchemeAccess,
    coordinator_view,
    get_scheme_question,
    scheme_creator_required,
    scheme_object,
)
from schemes.services import questions as question_services
from schemes.services import schemes as scheme_services


@scheme_creator_required
@require_http_methods(["GET", "POST"])
def scheme_create(request: HttpRequest) -> HttpResponse:
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


@coordinator_view
@require_http_methods(["GET", "POST"])
def scheme_edit(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The scheme's settings, for its coordinators."""
    scheme = access.scheme
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


@coordinator_view
@require_POST
def open_link(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """Turn the open application link on (a new address each time) or off."""
    scheme = access.scheme
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


@coordinator_view
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The scheme's own questions, and the form to add one."""
    scheme = access.scheme
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


@coordinator_view
@scheme_object(get_scheme_question)
@require_http_methods(["GET", "POST"])
def question_edit(
    request: HttpRequest, access: SchemeAccess, question: CustomQuestion
) -> HttpResponse:
    """Change one of the scheme's questions."""
    scheme = access.scheme
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


@coordinator_view
@scheme_object(get_scheme_question)
@require_http_methods(["GET", "POST"])
def question_delete(
    request: HttpRequest, access: SchemeAccess, question: CustomQuestion
) -> HttpResponse:
    """Ask, then remove one of the scheme's questions."""
    scheme = access.scheme
    if request.method == "POST":
        question_services.question_delete(question=question)
        messages.success(request, f"The question “{question.text}” has been removed.")
        return redirect("schemes:questions", slug=scheme.slug)
    return render(
        request, "schemes/setup/question_delete.html", {"scheme": scheme, "question": question}
    )


@coordinator_view
@scheme_object(get_scheme_question)
@require_POST
def question_move(
    request: HttpRequest, access: SchemeAccess, question: CustomQuestion
) -> HttpResponse:
    """Move a question one place up or down the questionnaire."""
    scheme = access.scheme
    question_services.question_move(question=question, up=request.POST.get("direction") == "up")
    messages.success(request, f"The question “{question.text}” has been moved.")
    url = reverse("schemes:questions", kwargs={"slug": scheme.slug})
    return redirect(f"{url}#question-{question.pk}")
