"""Each person's own: a reflection on a session, the pulse after it, and the early
"is this pairing working?".

Every view is for the pair only (``pair_view``): anyone else gets 404, and so does a
kind of reflection the viewer does not write. The other person's reflections are shown
read-only once they share them.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from agreements.permissions import PairAccess, pair_view
from mentoring.forms import add_service_error, message_service_error
from mentoring.models import User
from sessions.forms.reflections import PairingCheckForm, PulseForm, ReflectionForm
from sessions.models import PairingCheck, Reflection
from sessions.permissions import get_pair_session, reflection_kinds_for
from sessions.reflections import question_set
from sessions.selectors.reflections import session_day, shared_reflections
from sessions.services import reflections as services
from sessions.services.reflections import (
    first_held_session,
    pairing_check_readers,
    reflection_writable,
)


def _names(people: list) -> str:
    """Names joined as a sentence: "A", "A and B", "A, B and C"."""
    names = [person.display_name for person in people]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _session_url(access: PairAccess, session_pk: int) -> str:
    return reverse("sessions:session", kwargs={"pk": access.mentorship.pk, "session": session_pk})


def _me(access: PairAccess) -> User:
    """The viewer, as the pair knows them."""
    return access.mentorship.mentee if access.role == "mentee" else access.mentorship.mentor


def _crumbs(access: PairAccess, session_pk: int, day: str) -> list[tuple[str, str]]:
    sessions_url = reverse("sessions:session_list", kwargs={"pk": access.mentorship.pk})
    return [(sessions_url, "Sessions"), (_session_url(access, session_pk), f"Session of {day}")]


@pair_view
@require_http_methods(["GET", "POST"])
def reflection(request: HttpRequest, access: PairAccess, session: int, kind: str) -> HttpResponse:
    """The viewer's reflection of ``kind`` on a session: its questions, a choice to
    share it, and the other person's shared reflections of that session."""
    if kind not in reflection_kinds_for(access.role):
        raise Http404("No such reflection.")
    meeting = get_pair_session(access, session)
    questions = question_set(kind)
    own = Reflection.objects.filter(session=meeting, author=_me(access), kind=kind).first()
    refused = (
        reflection_writable(meeting, kind)
        if access.can_change
        else "This mentorship has ended: what was written can be read, not changed."
    )
    other_name = access.other.get_short_name()
    initial = dict(own.answers) if own else {}
    initial["shared"] = own.shared if own else False
    form = ReflectionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        questions=questions,
        other_name=other_name,
    )
    if request.method == "POST" and refused:
        form.add_error(None, refused)
    elif request.method == "POST" and form.is_valid():
        try:
            saved = services.reflection_save(
                session=meeting,
                user=request.user,
                kind=kind,
                answers=form.answers(),
                shared=form.cleaned_data["shared"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if saved.shared:
                messages.success(request, f"Your reflection is saved and shared with {other_name}.")
            else:
                messages.success(request, "Your reflection is saved. Only you can read it.")
            return redirect(_session_url(access, meeting.pk))
    day = session_day(meeting.starts_at, access.mentorship)
    answered = (
        [(question, own.answers.get(question.key, "")) for question in questions.questions]
        if own
        else []
    )
    theirs = [
        (
            question_set(row.kind),
            row,
            [(q, row.answers.get(q.key, "")) for q in question_set(row.kind).questions],
        )
        for row in shared_reflections(meeting, access)
    ]
    return render(
        request,
        "sessions/reflections/reflection.html",
        {
            "access": access,
            "mentorship": access.mentorship,
            "meeting": meeting,
            "day": day,
            "questions": questions,
            "form": form,
            "own": own,
            "answered": answered,
            "refused": refused,
            "theirs": theirs,
            "session_url": _session_url(access, meeting.pk),
            "crumbs": _crumbs(access, meeting.pk, day),
        },
    )


@pair_view
@require_POST
def pulse(request: HttpRequest, access: PairAccess, session: int) -> HttpResponse:
    """Record how useful a held session was to the viewer, 1 to 4, once."""
    meeting = get_pair_session(access, session)
    back = _session_url(access, meeting.pk) + "#pulse"
    form = PulseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        recorded = services.pulse_record(
            session=meeting, user=request.user, usefulness=form.cleaned_data["usefulness"]
        )
    except ValidationError as error:
        message_service_error(request, error)
        return redirect(back)
    messages.success(request, f"Thank you: you rated this session {recorded.usefulness} of 4.")
    return redirect(back)


@pair_view
@require_http_methods(["GET", "POST"])
def pairing_check(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """ "Is this pairing working for you?", asked once after the first held session;
    the page says exactly who hears a "no", and after one offers the no-fault ending
    and a concern to the coordinators."""
    mentorship = access.mentorship
    answer = PairingCheck.objects.filter(mentorship=mentorship, author=_me(access)).first()
    due = first_held_session(mentorship) is not None
    readers = pairing_check_readers(mentorship)
    form = PairingCheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and answer is not None:
        messages.error(request, "You have already answered this question; an answer is given once.")
    elif request.method == "POST" and form.is_valid():
        try:
            answer = services.pairing_check_answer(
                mentorship=mentorship, user=request.user, working=form.cleaned_data["working"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if answer.working:
                messages.success(request, "Thank you: your answer is saved.")
                return redirect(reverse("agreements:pair", kwargs={"pk": mentorship.pk}))
            told = _names(readers) or "the scheme's coordinators"
            messages.success(
                request,
                f"Thank you for saying so. {told} will hear that it is not working for you; "
                f"{access.other.get_short_name()} will not.",
            )
            return redirect(reverse("sessions:pairing_check", kwargs={"pk": mentorship.pk}))
    return render(
        request,
        "sessions/reflections/pairing_check.html",
        {
            "access": access,
            "mentorship": mentorship,
            "answer": answer,
            "due": due,
            "readers": readers,
            "form": form,
        },
    )
