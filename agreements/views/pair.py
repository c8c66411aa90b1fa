"""The pair's page, the place the mentee and the mentor return to: their stage and what
it asks of them, what each has to do next, their agreement and goals at a glance, and
the record of their moves; the move to the next stage; and a concern sent to the
scheme's coordinators.

Every view is for the pair only (``pair_view``): anyone else gets 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from agreements.forms.pair import ConcernForm, StageAdvanceForm
from agreements.panels import pair_panels
from agreements.permissions import PairAccess, pair_view
from agreements.selectors.pair import pair_overview
from agreements.selectors.stages import STAGES, stage_guide
from agreements.services import concerns as concern_services
from agreements.services import stages as stage_services
from agreements.services.stages import COMPLETED, PAIR_MOVES
from matching.models import Mentorship
from mentoring.forms import add_service_error, message_service_error
from schemes.selectors import scheme_coordinators


def _pair_url(access: PairAccess) -> str:
    return reverse("agreements:pair", kwargs={"pk": access.mentorship.pk})


def _names(people: list) -> str:
    """Names joined as a sentence: "A", "A and B", "A, B and C"."""
    names = [person.display_name for person in people]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


@pair_view
def pair_page(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """The pair's own page, for the mentee and the mentor."""
    mentorship = access.mentorship
    overview = pair_overview(access)
    active = mentorship.status == Mentorship.Status.ACTIVE
    move = PAIR_MOVES.get(mentorship.stage) if access.can_change else None
    panels = pair_panels(access)
    return render(
        request,
        "agreements/pair.html",
        {
            "access": access,
            "mentorship": mentorship,
            "overview": overview,
            "stages": STAGES,
            "guide": stage_guide(mentorship.stage) if active else None,
            "move": move,
            "completes": move is not None and move.to_stage == COMPLETED,
            "move_form": StageAdvanceForm(initial={"from_stage": mentorship.stage}),
            "panels": panels,
            # The steps of the higher apps' panels (sessions, evaluations) come first:
            # they are the pair's most recent business.
            "next_steps": [step for panel in panels for step in panel.steps] + overview.next_steps,
        },
    )


@pair_view
@require_POST
def stage_advance(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """Move the pair on from the stage their page showed to the next."""
    form = StageAdvanceForm(request.POST)
    back = _pair_url(access) + "#stage-move"
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    from_stage = form.cleaned_data["from_stage"]
    try:
        stage_services.stage_advance(
            mentorship=access.mentorship, user=request.user, from_stage=from_stage
        )
    except ValidationError as error:
        message_service_error(request, error)
        return redirect(back)
    messages.success(request, PAIR_MOVES[from_stage].done)
    return redirect(_pair_url(access))


@pair_view
@require_http_methods(["GET", "POST"])
def concern_raise(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """Send the scheme's coordinators a concern about the relationship, saying first
    exactly who will read it."""
    pair = {access.mentorship.mentee_id, access.mentorship.mentor_id}
    # A coordinator who is one of the pair never reads a concern about it.
    coordinators = [
        c for c in scheme_coordinators(access.mentorship.scheme) if c.is_active and c.pk not in pair
    ]
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            concern_services.concern_raise(
                mentorship=access.mentorship,
                user=request.user,
                topic=form.cleaned_data["topic"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            readers = _names(coordinators) or "the scheme's coordinators"
            messages.success(
                request,
                f"Your concern is sent. {readers} will read it; "
                f"{access.other.get_short_name()} will not see it.",
            )
            return redirect(_pair_url(access))
    return render(
        request,
        "agreements/concern_raise.html",
        {
            "access": access,
            "mentorship": access.mentorship,
            "form": form,
            "coordinators": coordinators,
        },
    )
