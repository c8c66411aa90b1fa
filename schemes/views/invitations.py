"""Invitations: the coordinator's list, single and CSV invitations, resend and revoke;
the page an invitation's link opens; and a scheme's open application link."""

from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mentoring.adapters import signup_destination_stash
from mentoring.forms import add_service_error, message_service_error
from mentoring.outbox import outbox_problems
from schemes.forms.invitations import (
    ApplyForm,
    InvitationConfirmForm,
    InvitationForm,
    InvitationUploadForm,
)
from schemes.models import Application, Invitation, ParticipantRole, Role, Scheme
from schemes.permissions import (
    SchemeAccess,
    coordinator_view,
    get_invitation_by_token,
    get_scheme_by_open_link,
    get_scheme_invitation,
    scheme_object,
)
from schemes.questionnaire import first_unfinished_step
from schemes.selectors import (
    INVITATION_STATES,
    invitation_counts,
    scheme_coordinators,
    scheme_invitations,
)
from schemes.services import invitations as services
from schemes.services.applications import application_start

PAGE_SIZE = 50
STATES = INVITATION_STATES


# --- the coordinator's side --------------------------------------------------------------


@coordinator_view
@require_http_methods(["GET", "POST"])
def invitation_list(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The scheme's invitations with a form to invite one more person."""
    scheme = access.scheme
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                scheme=scheme, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Invitation to {invitation.email} saved: the e-mail with the link is on its way. "
                "The link works until "
                f"{timezone.localtime(invitation.expires_at):%-d %B %Y}.",
            )
            return redirect("schemes:invitations", slug=scheme.slug)
    state = request.GET.get("state", "")
    if state not in dict(STATES):
        state = ""
    page = Paginator(scheme_invitations(scheme, state), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = invitation_counts(scheme)
    problems = outbox_problems(
        subject_type="invitation", subject_ids=[invitation.pk for invitation in page.object_list]
    )
    return render(
        request,
        "schemes/invitations/list.html",
        {
            "scheme": scheme,
            "form": form,
            "page": page,
            "rows": [(invitation, problems.get(invitation.pk)) for invitation in page.object_list],
            "state": state,
            "state_query": urlencode({"state": state}) if state else "",
            "state_label": dict(STATES).get(state, ""),
            "filters": [("", "All", counts["all"])]
            + [(value, label, counts[value]) for value, label in STATES],
            "total": counts["all"],
        },
    )


@coordinator_view
@require_http_methods(["GET", "POST"])
def invitation_upload(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """Invite a list of people from a CSV file: upload, preview, then confirm."""
    scheme = access.scheme
    if request.method == "POST" and request.POST.get("step") == "confirm":
        confirm = InvitationConfirmForm(request.POST)
        try:
            if not confirm.is_valid():
                raise ValidationError("The list was lost on the way. Please upload the file again.")
            invitations = services.invitations_import(
                scheme=scheme, text=confirm.cleaned_data["csv_text"], invited_by=request.user
            )
        except ValidationError as error:
            message_service_error(request, error, "Nobody was invited: check the file.")
            return redirect("schemes:invitations_upload", slug=scheme.slug)
        count = len(invitations)
        messages.success(request, f"{count} invitation{'s' if count != 1 else ''} sent.")
        return redirect("schemes:invitations", slug=scheme.slug)

    form = InvitationUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"]
        preview = services.invitations_preview(scheme=scheme, text=text)
        if preview.error:
            form.add_error("file", preview.error)
        else:
            return render(
                request,
                "schemes/invitations/preview.html",
                {
                    "scheme": scheme,
                    "preview": preview,
                    "confirm": InvitationConfirmForm(initial={"csv_text": text}),
                },
            )
    return render(request, "schemes/invitations/upload.html", {"scheme": scheme, "form": form})


def _back_to_list(request: HttpRequest, scheme: Scheme) -> HttpResponse:
    url = reverse("schemes:invitations", kwargs={"slug": scheme.slug})
    state = request.POST.get("state", "")
    return redirect(f"{url}?{urlencode({'state': state})}" if state in dict(STATES) else url)


@coordinator_view
@scheme_object(get_scheme_invitation)
@require_POST
def invitation_resend(
    request: HttpRequest, access: SchemeAccess, invitation: Invitation
) -> HttpResponse:
    """Send an invitation again, its link valid for a fresh period."""
    try:
        services.invitation_resend(invitation=invitation)
    except ValidationError as error:
        message_service_error(request, error)
    else:
        messages.success(
            request,
            f"Invitation to {invitation.email} sent again: the e-mail is on its way. "
            "The link now works until "
            f"{timezone.localtime(invitation.expires_at):%-d %B %Y}.",
        )
    return _back_to_list(request, invitation.scheme)


@coordinator_view
@scheme_object(get_scheme_invitation)
@require_POST
def invitation_revoke(
    request: HttpRequest, access: SchemeAccess, invitation: Invitation
) -> HttpResponse:
    """Withdraw an invitation: its link stops working at once."""
    try:
        services.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        message_service_error(request, error)
    else:
        messages.success(
            request, f"The invitation to {invitation.email} is revoked: its link no longer works."
        )
    return _back_to_list(request, invitation.scheme)


# --- the invited person's side -----------------------------------------------------------


def _with_next(url_name: str, next_url: str, **params: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url, **params})}"


def _into_questionnaire(application: Application) -> HttpResponse:
    """Where a participant carries on: the first step not yet saved, or the review."""
    step = first_unfinished_step(application, list(application.scheme.questions.all()))
    if step == "review":
        return redirect("schemes:application", pk=application.pk)
    return redirect("schemes:questionnaire_step", pk=application.pk, step=step)


# It names the invited person to whoever holds the link, signed in or not: no copy kept.
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_landing(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation's e-mail links to, open to people without an account."""
    invitation = get_invitation_by_token(token)
    scheme = invitation.scheme
    user = request.user
    context = {
        "invitation": invitation,
        "scheme": scheme,
        "coordinators": scheme_coordinators(scheme),
    }
    unavailable = services.invitation_acceptance_problem(invitation=invitation, user=user)
    if unavailable and not (user.is_authenticated and invitation.is_usable):
        # Revoked, expired or used by someone else: say so, and whom to ask.
        context["problem"] = unavailable
        context["login_url"] = _with_next("account_login", request.path)
        return render(request, "schemes/invitations/unavailable.html", context, status=410)

    error = ""
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            application = services.invitation_accept(invitation=invitation, user=user)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            if application is None:
                messages.success(request, f"You are now a coordinator of {scheme.name}.")
                return redirect(scheme)
            messages.success(
                request,
                f"Welcome to {scheme.name}. Your answers are saved at each step, so you can "
                "stop at any time and carry on later from your schemes page.",
            )
            return _into_questionnaire(application)
    elif user.is_authenticated:
        error = unavailable
    else:
        # The link was e-mailed to this address, so whoever follows it owns the address:
        # signing up with it needs no second verification e-mail.
        get_adapter(request).stash_verified_email(request, invitation.email)
        signup_destination_stash(request, url=request.path, name=scheme.name)

    context.update(
        {
            "error": error,
            # Signed in, and the invitation still usable: only the address can be wrong.
            "wrong_address": bool(unavailable),
            "accepted_by_me": invitation.status == Invitation.Status.ACCEPTED,
            "is_coordinator_invitation": invitation.role == Role.COORDINATOR,
            "signup_url": _with_next("account_signup", request.path, email=invitation.email),
            "login_url": _with_next("account_login", request.path),
        }
    )
    return render(request, "schemes/invitations/landing.html", context)


@require_http_methods(["GET", "POST"])
def open_apply(request: HttpRequest, token: str) -> HttpResponse:
    """A scheme's open application link: anyone with it may apply as a mentee or mentor."""
    scheme = get_scheme_by_open_link(token)
    user = request.user
    error = ""
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.path)
        form = ApplyForm(request.POST)
        if form.is_valid():
            try:
                application = application_start(
                    scheme=scheme, user=user, role=form.cleaned_data["role"]
                )
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                return _into_questionnaire(application)
        else:
            error = "Choose whether you are applying as a mentee or as a mentor."

    mine = {}
    if user.is_authenticated:
        mine = {a.role: a for a in Application.objects.filter(scheme=scheme, user=user)}
    else:
        # An account created from here comes back here, from whichever browser its
        # address is confirmed in.
        signup_destination_stash(request, url=request.path, name=scheme.name)
    window_problem = scheme.window_problem()
    roles = [
        {"value": role.value, "label": role.label.lower(), "application": mine.get(role.value)}
        for role in (ParticipantRole.MENTEE, ParticipantRole.MENTOR)
    ]
    return render(
        request,
        "schemes/invitations/open_apply.html",
        {
            "scheme": scheme,
            "coordinators": scheme_coordinators(scheme),
            "error": error,
            "window_problem": window_problem,
            "roles": roles,
            "signup_url": _with_next("account_signup", request.path),
            "login_url": _with_next("account_login", request.path),
        },
    )
