"""Mentorships: the participant's list and each mentorship's page with the replies and
the early ending, the shortlist a mentee chooses from, and the coordinator's list of a
scheme's mentorships.

Every object is loaded through its app's ``permissions``: a mentorship is visible to its
pair and to its scheme's coordinators (404 for anyone else), a shortlist to the mentee
whose application it is.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from matching import selectors
from matching.forms.mentorships import (
    MentorshipEndForm,
    MentorshipFilterForm,
    MentorshipReplyForm,
    MentorshipShareForm,
    ShortlistRequestForm,
)
from matching.models import Mentorship
from matching.permissions import MentorshipAccess, mentorship_view
from matching.selectors import MentorshipForViewer
from matching.services.mentorships import (
    mentorship_accept,
    mentorship_decline,
    mentorship_share_answers,
)
from matching.services.mentorships import mentorship_end as end_mentorship
from matching.services.shortlist import mentorship_request, shortlist_for
from mentoring.forms import add_service_error, message_service_error
from mentoring.models import User
from mentoring.outbox import outbox_problems
from schemes.choices import MatchingMode
from schemes.models import Application, Role
from schemes.permissions import SchemeAccess, coordinator_view, get_application_for_user

PER_PAGE = 50


@login_required
def my_mentorships(request: HttpRequest) -> HttpResponse:
    """The person's mentorships, as mentee and as mentor, each with what to do next,
    and the shortlists they can choose a mentor from."""
    mentorships = selectors.mentorships_for_viewer(request.user)
    return render(
        request,
        "matching/mentorships/my_mentorships.html",
        {
            "current": [m for m in mentorships if m.mentorship.is_open],
            "past": [m for m in mentorships if not m.mentorship.is_open],
            "shortlists": list(selectors.shortlist_applications_for_user(request.user)),
        },
    )


@mentorship_view
def mentorship_detail(request: HttpRequest, access: MentorshipAccess) -> HttpResponse:
    """One mentorship: who the other person is and why they were matched, where it
    stands, and the replies or the ending open to the viewer."""
    return _detail_page(request, _viewed(access), MentorshipReplyForm())


@mentorship_view
@require_POST
def mentorship_reply(request: HttpRequest, access: MentorshipAccess) -> HttpResponse:
    """Accept or decline a match; a form error shows the page again with what was
    typed."""
    viewer = _viewed(access)
    if viewer.other is None:  # a coordinator
        raise PermissionDenied("Only the mentee and the mentor reply to a match.")
    other = viewer.other
    mentorship = viewer.mentorship
    form = MentorshipReplyForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == MentorshipReplyForm.ACCEPT
        try:
            if accept:
                mentorship_accept(mentorship=mentorship, user=request.user)
            else:
                mentorship_decline(
                    mentorship=mentorship, user=request.user, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _reply_message(viewer, other, accepted=accept))
            return redirect(mentorship)
    return _detail_page(request, _viewed(access), form)


@mentorship_view
@require_POST
def mentorship_share(request: HttpRequest, access: MentorshipAccess) -> HttpResponse:
    """The mentee chooses which of their goal-setting answers their mentor may read."""
    viewer = _viewed(access)
    if viewer.role != Role.MENTEE:
        raise PermissionDenied("Only the mentee chooses what to share of their answers.")
    mentorship = viewer.mentorship
    form = _share_form(mentorship, request.POST)
    if form.is_valid():
        try:
            mentorship_share_answers(
                mentorship=mentorship, user=request.user, answers=form.cleaned_data["answers"]
            )
        except ValidationError as error:
            if mentorship.status != Mentorship.Status.ACTIVE:
                message_service_error(request, error)
                return redirect(mentorship)
            add_service_error(form, error)
        else:
            count = len(mentorship.shared_answers)
            mentor = viewer.other.display_name if viewer.other else "Your mentor"
            if count:
                ticked = "the answer" if count == 1 else f"the {count} answers"
                messages.success(request, f"{mentor} can now read {ticked} you ticked.")
            else:
                messages.success(request, f"{mentor} sees none of your goal-setting answers.")
            return redirect(mentorship)
    return _detail_page(request, viewer, MentorshipReplyForm(), share_form=form)


@mentorship_view
@require_http_methods(["GET", "POST"])
def mentorship_end(request: HttpRequest, access: MentorshipAccess) -> HttpResponse:
    """End a mentorship early, with a reason: for the pair and the coordinators."""
    viewer = _viewed(access)
    mentorship = viewer.mentorship
    if not mentorship.is_open:
        messages.info(request, "This mentorship has already finished.")
        return redirect(mentorship)
    form = MentorshipEndForm(request.POST or None, role=viewer.role)
    if request.method == "POST" and form.is_valid():
        try:
            end_mentorship(
                mentorship=mentorship, ended_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            told = (
                "both people"
                if viewer.other is None  # a coordinator ended it
                else f"{viewer.other.display_name} and the coordinators"
            )
            messages.success(
                request, f"The mentorship has ended. We are letting {told} know by e-mail."
            )
            return redirect(mentorship)
    return render(
        request,
        "matching/mentorships/end.html",
        {"mentorship": mentorship, "viewer": viewer, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    """The mentee's best mentors with places left, each with the reasons and a button
    to ask them; once asked, the pending request (or the mentorship it became)."""
    application = get_application_for_user(request.user, pk)
    if (
        application.role != Role.MENTEE
        or application.scheme.matching_mode != MatchingMode.SHORTLIST
        or application.status not in {Application.Status.APPROVED, Application.Status.MATCHED}
    ):
        raise Http404("No shortlist for this application.")
    current = selectors.open_mentorship_for_application(application)
    form = ShortlistRequestForm(request.POST or None)
    if request.method == "POST":
        if current is not None:
            messages.info(request, "You have already asked a mentor in this scheme.")
            return redirect("matching:shortlist", pk=application.pk)
        if form.is_valid():
            mentor = (
                Application.objects.filter(
                    pk=form.cleaned_data["mentor"], scheme=application.scheme, role=Role.MENTOR
                )
                .select_related("user")
                .first()
            )
            if mentor is None:
                form.add_error(None, "Choose one of the mentors on your shortlist.")
            else:
                try:
                    mentorship_request(
                        mentee_application=application,
                        mentor_application=mentor,
                        requested_by=request.user,
                    )
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    messages.success(
                        request,
                        f"We have asked {mentor.user.display_name} to be your mentor and will "
                        "e-mail you their answer.",
                    )
                    return redirect("matching:shortlist", pk=application.pk)
    return render(
        request,
        "matching/mentorships/shortlist.html",
        {
            "application": application,
            "scheme": application.scheme,
            "current": current,
            "entries": [] if current else shortlist_for(application=application),
            "form": form,
        },
    )


@coordinator_view
def scheme_mentorships(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """Every mentorship of the scheme, filtered by status, counted, a page at a time."""
    scheme = access.scheme
    form = MentorshipFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    mentorships = selectors.scheme_mentorship_list(scheme, status=status)
    page = Paginator(mentorships, PER_PAGE).get_page(request.GET.get("page"))
    problems = outbox_problems(
        subject_type="mentorship", subject_ids=[mentorship.pk for mentorship in page.object_list]
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "matching/mentorships/scheme_list.html",
        {
            "scheme": scheme,
            "form": form,
            "page": page,
            "rows": [(mentorship, problems.get(mentorship.pk)) for mentorship in page.object_list],
            "status": status,
            "status_label": Mentorship.Status(status).label if status else "",
            "counts": selectors.mentorship_status_counts(scheme),
            "query": query.urlencode(),
        },
    )


# --- helpers ---------------------------------------------------------------------------


def _viewed(access: MentorshipAccess) -> MentorshipForViewer:
    return selectors.mentorship_for_viewer(access.mentorship, access.role)


def _share_form(mentorship: Mentorship, data: QueryDict | None = None) -> MentorshipShareForm:
    answers = selectors.mentee_goal_answers(mentorship)
    return MentorshipShareForm(
        data,
        choices=[(answer.field, answer.label) for answer in answers],
        initial={"answers": [answer.field for answer in answers if answer.shared]},
    )


def _detail_page(
    request: HttpRequest,
    viewer: MentorshipForViewer,
    form: MentorshipReplyForm,
    share_form: MentorshipShareForm | None = None,
) -> HttpResponse:
    mentorship = viewer.mentorship
    context: dict[str, Any] = {
        "mentorship": mentorship,
        "viewer": viewer,
        "scheme": mentorship.scheme,
        "form": form,
    }
    if viewer.is_coordinator:
        # The mentee's choice of what to share is between the pair: not shown here.
        context["breakdown"] = mentorship.breakdown
        context["problem"] = outbox_problems(
            subject_type="mentorship", subject_ids=[mentorship.pk]
        ).get(mentorship.pk)
    else:
        context["other_application"] = getattr(mentorship, f"{viewer.other_role}_application")
        context["reasons"] = selectors.mentorship_reasons(mentorship.breakdown)
    if viewer.role == Role.MENTEE and mentorship.status == Mentorship.Status.ACTIVE:
        context["goal_answers"] = selectors.mentee_goal_answers(mentorship)
        context["share_form"] = share_form or _share_form(mentorship)
    elif viewer.role == Role.MENTOR:
        context["shared_answers"] = selectors.answers_shared_with_mentor(mentorship)
    return render(request, "matching/mentorships/detail.html", context)


def _reply_message(viewer: MentorshipForViewer, other: User, *, accepted: bool) -> str:
    """What the mentee or mentor who replied is told; ``other`` is the one who did not."""
    name = other.display_name
    if accepted and viewer.mentorship.status == Mentorship.Status.ACTIVE:
        return f"Your mentorship with {name} has started. We are e-mailing you both."
    if accepted:
        return f"Thank you: you have accepted. We are waiting for {name} to reply."
    if viewer.is_shortlist_request:
        return (
            f"You have withdrawn your request to {name}. You can choose another mentor "
            "from your shortlist."
        )
    return f"You have declined the match with {name}. We have let them know kindly."
