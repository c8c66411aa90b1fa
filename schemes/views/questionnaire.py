"""The participant's side: their schemes, the questionnaire step by step, the review
and submission of an application, and withdrawing it.

Every page here is the applicant's own: ``get_application_for_user`` answers 404 to
anyone else, the scheme's coordinators included (they have the review pages).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mentoring.forms import add_service_error, message_service_error
from schemes import questionnaire, selectors
from schemes.choices import DESCRIPTIVE_WORD_COUNT
from schemes.forms.questionnaire import STEP_FORMS, StepForm, SubmitForm
from schemes.models import Application, CustomQuestion
from schemes.permissions import get_application_for_user
from schemes.services.applications import application_save_step, application_submit
from schemes.services.applications import application_withdraw as withdraw_application

SAVED_FOR_LATER = "Your answers are saved. You can carry on where you left off."


@login_required
def my_schemes(request: HttpRequest) -> HttpResponse:
    """Each of the person's applications and roles, with what to do next."""
    applications = selectors.with_resume_steps(selectors.applications_for_user(request.user))
    applied = {(a.scheme_id, a.role) for a, _ in applications}
    # Roles that came with an application are shown with it; the rest on their own.
    memberships = [
        m
        for m in selectors.memberships_for_user(request.user)
        if (m.scheme_id, m.role) not in applied
    ]
    return render(
        request,
        "schemes/questionnaire/my_schemes.html",
        {"applications": applications, "memberships": memberships},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's answers, where the application stands, and (for a draft) the
    consent and the button that submits it."""
    application = get_application_for_user(request.user, pk)
    questions = list(application.scheme.questions.all())
    form = None
    submit_tried = False
    if application.status == Application.Status.DRAFT:
        form = SubmitForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            submit_tried = True
            if form.is_valid():
                try:
                    application_submit(application=application, consent=True)
                except ValidationError as error:
                    add_service_error(form, error, skip_codes={"missing"})
                else:
                    messages.success(
                        request,
                        f"Thank you: your application to {application.scheme.name} is "
                        "submitted. We have sent you an e-mail to confirm it.",
                    )
                    return redirect("schemes:application", pk=application.pk)
    elif request.method == "POST":
        messages.info(request, "This application has already been submitted.")
        return redirect("schemes:application", pk=application.pk)
    missing = []
    if application.status == Application.Status.DRAFT:
        missing = questionnaire.missing_by_step(application, questions)
    return render(
        request,
        "schemes/questionnaire/overview.html",
        {
            "application": application,
            "scheme": application.scheme,
            "sections": questionnaire.answer_sections(application, questions),
            "missing": missing,
            "submit_tried": submit_tried,
            "form": form,
            "consent_text": questionnaire.consent_text(application.scheme),
            "window_problem": application.scheme.window_problem(),
            "coordinators": selectors.scheme_coordinators(application.scheme),
            "resume_step": questionnaire.first_unfinished_step(application, questions),
        },
    )


# What a step's form carried when its sender was found signed out (signed out in another
# tab, or the session ended): kept in the session, which survives signing in again, and
# saved once the owner of the application is back on the step.
UNSAVED_KEY = "questionnaire_unsaved"
UNSAVED_MAX_CHARS = 100_000
RESTORED = "You were signed out when you saved this step. What you typed is kept, and saved now."


def _login_keeping_unsaved_step(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``login_required`` for a questionnaire step that first keeps what a signed-out
    person posted, so that signing in again brings it back."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, step: str) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, pk, step)
        if request.method == "POST":
            data = {
                key: request.POST.getlist(key)
                for key in request.POST
                if key != "csrfmiddlewaretoken"
            }
            if sum(len(v) for values in data.values() for v in values) <= UNSAVED_MAX_CHARS:
                request.session[UNSAVED_KEY] = {"pk": pk, "step": step, "data": data}
                messages.info(
                    request,
                    "You were signed out, so your answers are not saved yet. Sign in again "
                    "and they will be.",
                )
        return redirect_to_login(request.path)

    return wrapper


def _take_unsaved(request: HttpRequest, application: Application, step: str) -> QueryDict | None:
    """What was posted to this step while signed out, taken from the session."""
    unsaved = request.session.get(UNSAVED_KEY)
    if not unsaved or unsaved.get("pk") != application.pk or unsaved.get("step") != step:
        return None
    del request.session[UNSAVED_KEY]
    data = QueryDict(mutable=True)
    for key, values in unsaved["data"].items():
        data.setlist(key, values)
    return data


@_login_keeping_unsaved_step
@require_http_methods(["GET", "POST"])
def questionnaire_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of the questionnaire: show what was saved, save the answers, then go on
    to the next step, or back to "my schemes" to finish later.

    A draft keeps every answer that is well formed, whatever else is missing or wrong;
    the others are shown beside their fields to be corrected. Answers posted while
    signed out are saved when the person comes back to the step after signing in."""
    application = get_application_for_user(request.user, pk)
    questions = list(application.scheme.questions.all())
    steps = questionnaire.steps_for(application.role, questions)
    slugs = [s.slug for s in steps]
    if step not in slugs:
        raise Http404("No such step.")
    if not application.is_editable:
        messages.info(
            request,
            f"This application is {application.get_status_display().lower()}, so its "
            "answers can no longer be changed.",
        )
        return redirect("schemes:application", pk=application.pk)
    index = slugs.index(step)
    is_draft = application.status == Application.Status.DRAFT
    restored = _take_unsaved(request, application, step) if request.method == "GET" else None
    data = request.POST if request.method == "POST" else restored
    form = STEP_FORMS[step](data, application=application, questions=questions)
    if data is not None and (form.is_valid() or is_draft):
        try:
            application_save_step(
                application=application,
                step=step,
                values=form.step_values(),
                answers=form.step_answers(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            after = _after_saving(request, form, application, slugs, index, restored=restored)
            if after is not None:
                return after
    return render(
        request,
        "schemes/questionnaire/step.html",
        {
            "application": application,
            "scheme": application.scheme,
            "form": form,
            "step": steps[index],
            "steps": steps,
            "number": index + 1,
            "previous": steps[index - 1] if index else None,
            "is_draft": is_draft,
            "reached": _furthest_step(application, questions, slugs) if is_draft else len(slugs),
            "word_count": DESCRIPTIVE_WORD_COUNT,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for confirmation, then take the application back."""
    application = get_application_for_user(request.user, pk)
    if not application.is_editable:
        messages.info(
            request,
            f"This application is {application.get_status_display().lower()}: there is "
            "nothing to withdraw.",
        )
        return redirect("schemes:application", pk=application.pk)
    if request.method == "POST":
        try:
            withdraw_application(application=application)
        except ValidationError as error:
            message_service_error(request, error)
            return redirect("schemes:application", pk=application.pk)
        messages.success(
            request,
            f"You have withdrawn your application to {application.scheme.name}. You can "
            "apply again while applications are open.",
        )
        return redirect("schemes:my_schemes")
    return render(
        request,
        "schemes/questionnaire/withdraw.html",
        {"application": application, "scheme": application.scheme},
    )


def _after_saving(
    request: HttpRequest,
    form: StepForm,
    application: Application,
    slugs: list[str],
    index: int,
    *,
    restored: QueryDict | None,
) -> HttpResponse | None:
    """Where a step goes once saved: on to the next step, to "my schemes" to finish
    later, back to the application once submitted; or ``None`` to show the step again,
    with what could not be saved, or (going on) what submitting will ask to change."""
    data = restored if restored is not None else request.POST
    if form.errors:
        messages.warning(
            request,
            "Your other answers are saved. The ones marked below could not be saved as "
            "they are: please correct them.",
        )
        return None
    if restored is not None:
        messages.success(request, RESTORED)
        return redirect("schemes:questionnaire_step", pk=application.pk, step=slugs[index])
    if application.status != Application.Status.DRAFT:
        messages.success(request, "Your changes are saved.")
        return redirect("schemes:application", pk=application.pk)
    if "finish_later" in data:
        messages.success(request, SAVED_FOR_LATER)
        return redirect("schemes:my_schemes")
    if form.unfinished:
        # Saved as they are; said now rather than only when submitting.
        for field, problem in form.unfinished.items():
            form.add_error(field, problem)
        messages.info(
            request,
            "Your answers are saved. Before you go on, please look at the ones marked below.",
        )
        return None
    if index + 1 < len(slugs):
        return redirect("schemes:questionnaire_step", pk=application.pk, step=slugs[index + 1])
    return redirect("schemes:application", pk=application.pk)


def _furthest_step(
    application: Application, questions: list[CustomQuestion], slugs: list[str]
) -> int:
    """The index of the furthest step a draft may go to: the steps saved and the next."""
    resume = questionnaire.first_unfinished_step(application, questions)
    return slugs.index(resume) if resume in slugs else len(slugs)
