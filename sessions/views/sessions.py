"""The pair's sessions: the list, planning one, logging one held, a session's page
(agenda, summary, actions, the open actions carried over), rescheduling, cancelling,
marking held or missed, the agenda and summary forms, the calendar file, and an
action's done toggle.

Every view is for the mentee and the mentor only (``pair_view``: 404 for anyone else);
a session or an action is loaded through ``get_pair_session`` and ``get_pair_action``,
so another pair's is 404 too. Times are entered and shown in the scheme's time zone.
Once the mentorship is no longer active the pages are read-only.
"""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.permissions import PairAccess, pair_view
from mentoring.forms import add_service_error, message_service_error
from sessions.calendar import session_ics
from sessions.forms.sessions import (
    AgendaForm,
    CancelForm,
    DoneForm,
    SessionForm,
    StatusForm,
    SummaryForm,
)
from sessions.models import MentoringSession
from sessions.permissions import get_pair_action, get_pair_session
from sessions.selectors.reflections import reflections_on_session
from sessions.selectors.sessions import (
    carried_over_actions,
    session_agenda_items,
    session_counts,
    sessions_of_pair,
)
from sessions.selectors.settings import scheme_time_zone
from sessions.services import sessions as services

READ_ONLY = "This mentorship has finished, so its sessions can be read but no longer changed."
Status = MentoringSession.Status


def _list_url(access: PairAccess) -> str:
    return reverse("sessions:session_list", kwargs={"pk": access.mentorship.pk})


def _session_url(session: MentoringSession) -> str:
    return reverse("sessions:session", kwargs={"pk": session.mentorship_id, "session": session.pk})


def _read_only(request: HttpRequest, access: PairAccess, session: MentoringSession | None = None):
    messages.info(request, READ_ONLY)
    return redirect(_session_url(session) if session is not None else _list_url(access))


def _base(access: PairAccess, **extra: Any) -> dict[str, Any]:
    """The context every page has: the pair, the scheme's time zone and the crumbs."""
    zone = scheme_time_zone(access.mentorship.scheme)
    to_list = [(_list_url(access), "Sessions")]
    session = extra.get("session")
    to_session = to_list
    if session is not None:
        day = f"{timezone.localtime(session.starts_at, zone):%-d %B %Y}"
        to_session = [*to_list, (_session_url(session), f"Session of {day}")]
    return {
        "access": access,
        "mentorship": access.mentorship,
        "zone": zone,
        "zone_name": str(zone),
        "to_list": to_list,
        "to_session": to_session,
        **extra,
    }


@pair_view
@require_GET
def session_list(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """Every session of the pair, newest first, with the counts and hours held."""
    return render(
        request,
        "sessions/sessions/session_list.html",
        _base(
            access,
            sessions=sessions_of_pair(access.mentorship),
            counts=session_counts(access.mentorship),
        ),
    )


def _when_form(request: HttpRequest, access: PairAccess, *, log: bool) -> HttpResponse:
    if not access.can_change:
        return _read_only(request, access)
    zone = scheme_time_zone(access.mentorship.scheme)
    if request.method == "POST":
        form = SessionForm(request.POST, zone=zone)
        if form.is_valid():
            service = services.session_log if log else services.session_plan
            try:
                session = service(
                    mentorship=access.mentorship, user=request.user, **form.service_data()
                )
            except ValidationError as error:
                _add_when_error(form, error)
            else:
                if log:
                    messages.success(
                        request, "The session is logged as held. Write its summary now or later."
                    )
                else:
                    messages.success(
                        request,
                        f"The session is planned. {access.other.get_short_name()} is e-mailed "
                        "a calendar file, and so are you.",
                    )
                return redirect(_session_url(session))
    else:
        initial: dict[str, Any] = {}
        if log:
            now = timezone.localtime(timezone.now(), zone)
            initial = {"date": now.date()}
        form = SessionForm(zone=zone, initial=initial)
    return render(
        request,
        "sessions/sessions/session_form.html",
        _base(access, form=form, log=log, session=None),
    )


def _add_when_error(form: SessionForm, error: ValidationError) -> None:
    """A service's error on ``starts_at`` goes beside the date (the form's field)."""
    if hasattr(error, "error_dict") and "starts_at" in error.error_dict:
        for message in error.error_dict.pop("starts_at"):
            form.add_error("date", message)
        if not error.error_dict:
            return
    add_service_error(form, error)


@pair_view
@require_http_methods(["GET", "POST"])
def session_plan(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """Plan a session ahead: both are e-mailed a calendar file."""
    return _when_form(request, access, log=False)


@pair_view
@require_http_methods(["GET", "POST"])
def session_log(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """Log a session already held."""
    return _when_form(request, access, log=True)


@pair_view
@require_GET
def session_detail(request: HttpRequest, access: PairAccess, session: int) -> HttpResponse:
    """A session's page: when, where, how, its status, the agenda, the summary, its
    actions and the open actions carried over from earlier sessions."""
    found = get_pair_session(access, session)
    now = timezone.now()
    agenda = session_agenda_items(found)
    return render(
        request,
        "sessions/sessions/session.html",
        _base(
            access,
            session=found,
            agenda=agenda,
            agenda_written=any(item["text"] for item in agenda),
            actions=list(
                found.actions.select_related("goal", "target").order_by("done", "due_on", "pk")
            ),
            carried=list(carried_over_actions(found)),
            started=found.starts_at <= now,
            ends_at=found.starts_at + timedelta(minutes=found.duration_minutes),
            cancelled_by=found.cancelled_by,
            reflections=reflections_on_session(found, access),
        ),
    )


@pair_view
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, access: PairAccess, session: int) -> HttpResponse:
    """Reschedule a planned session; the calendar entry is updated."""
    found = get_pair_session(access, session)
    if not access.can_change:
        return _read_only(request, access, found)
    if found.status != Status.PLANNED:
        messages.info(request, "Only a planned session can be rescheduled.")
        return redirect(_session_url(found))
    zone = scheme_time_zone(access.mentorship.scheme)
    if request.method == "POST":
        form = SessionForm(request.POST, zone=zone)
        if form.is_valid():
            try:
                services.session_reschedule(session=found, user=request.user, **form.service_data())
            except ValidationError as error:
                _add_when_error(form, error)
            else:
                messages.success(
                    request,
                    f"The session is changed. {access.other.get_short_name()} is e-mailed an "
                    "updated calendar file, and so are you.",
                )
                return redirect(_session_url(found))
    else:
        form = SessionForm(zone=zone, initial=SessionForm.initial_for(found, zone))
    return render(
        request,
        "sessions/sessions/session_form.html",
        _base(access, form=form, log=False, session=found),
    )


@pair_view
@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, access: PairAccess, session: int) -> HttpResponse:
    """Cancel a planned session with a reason; the calendar entry is removed."""
    found = get_pair_session(access, session)
    if not access.can_change:
        return _read_only(request, access, found)
    if found.status != Status.PLANNED:
        messages.info(request, "Only a planned session can be cancelled.")
        return redirect(_session_url(found))
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                services.session_cancel(
                    session=found, user=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"The session is cancelled. {access.other.get_short_name()} is e-mailed, "
                    "and the calendar files sent remove it from your calendars.",
                )
                return redirect(_session_url(found))
    else:
        form = CancelForm()
    return render(
        request, "sessions/sessions/session_cancel.html", _base(access, form=form, session=found)
    )


@pair_view
@require_POST
def session_status(request: HttpRequest, access: PairAccess, session: int) -> HttpResponse:
    """Mark a planned session held or missed."""
    found = get_pair_session(access, session)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose held or missed.")
        return redirect(_session_url(found))
    try:
        services.session_mark(session=found, user=request.user, status=form.cleaned_data["status"])
    except ValidationError as error:
        message_service_error(request, error)
    else:
        if form.cleaned_data["status"] == Status.HELD:
            messages.success(request, "The session is marked held. Write its summary when you can.")
        else:
            messages.success(request, "The session is marked missed.")
    return redirect(_session_url(found))


@pair_view
@require_http_methods(["GET", "POST"])
def session_agenda(request: HttpRequest, access: PairAccess, session: int) -> HttpResponse:
    """The agenda, by the session's prompts: the mentee writes it, the mentor may add."""
    found = get_pair_session(access, session)
    if not access.can_change:
        return _read_only(request, access, found)
    if found.status in (Status.CANCELLED, Status.MISSED):
        messages.info(
            request,
            f"This session is {found.get_status_display().lower()}, so its agenda is closed.",
        )
        return redirect(_session_url(found))
    if request.method == "POST":
        form = AgendaForm(request.POST)
        if form.is_valid():
            try:
                services.session_agenda_save(session=found, user=request.user, agenda=form.agenda())
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "The agenda is saved.")
                return redirect(_session_url(found))
    else:
        agenda = found.agenda if isinstance(found.agenda, dict) else {}
        form = AgendaForm(initial=agenda)
    return render(
        request, "sessions/sessions/session_agenda.html", _base(access, form=form, session=found)
    )


@pair_view
@require_http_methods(["GET", "POST"])
def session_summary(request: HttpRequest, access: PairAccess, session: int) -> HttpResponse:
    """The summary of a held session and the actions each person takes next."""
    found = get_pair_session(access, session)
    if not access.can_change:
        return _read_only(request, access, found)
    if found.status != Status.HELD:
        messages.info(
            request,
            f"Only a held session has a summary; this one is {found.get_status_display().lower()}.",
        )
        return redirect(_session_url(found))
    if request.method == "POST":
        form = SummaryForm(request.POST, mentorship=access.mentorship)
        if form.is_valid():
            try:
                services.session_summary_save(
                    session=found,
                    user=request.user,
                    summary=form.cleaned_data["summary"],
                    actions=form.cleaned_data["actions"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "The summary is saved.")
                return redirect(_session_url(found))
    else:
        form = SummaryForm(mentorship=access.mentorship, initial={"summary": found.summary})
    return render(
        request,
        "sessions/sessions/session_summary.html",
        _base(access, form=form, session=found, existing=list(found.actions.all())),
    )


@pair_view
@require_GET
def session_calendar(request: HttpRequest, access: PairAccess, session: int) -> HttpResponse:
    """The session as a calendar file to add to (or, cancelled, remove from) a calendar."""
    found = get_pair_session(access, session)
    found.mentorship = access.mentorship
    response = HttpResponse(session_ics(found), content_type="text/calendar; charset=utf-8")
    local = timezone.localtime(found.starts_at, scheme_time_zone(access.mentorship.scheme))
    response["Content-Disposition"] = (
        f'attachment; filename="mentoring-session-{local:%Y-%m-%d}.ics"'
    )
    return response


@pair_view
@require_POST
def action_status(request: HttpRequest, access: PairAccess, action: int) -> HttpResponse:
    """Mark an action done, or not done again."""
    found = get_pair_action(access, action)
    back = request.POST.get("next_session", "")
    target = _session_url(found.session)
    if (
        back.isascii()
        and back.isdigit()
        and len(back) < 10
        and MentoringSession.objects.filter(pk=int(back), mentorship=access.mentorship).exists()
    ):
        target = reverse(
            "sessions:session", kwargs={"pk": access.mentorship.pk, "session": int(back)}
        )
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose done or not done.")
        return redirect(target)
    try:
        services.action_set_done(
            action=found, user=request.user, done=form.cleaned_data["done"] == "1"
        )
    except ValidationError as error:
        message_service_error(request, error)
    else:
        messages.success(
            request,
            "The action is marked done."
            if form.cleaned_data["done"] == "1"
            else "The action is open again.",
        )
    return redirect(target + "#actions")
