"""The coordinators' reminder pages of a scheme: its reminder rules (each stated in a
sentence with the scheme's numbers, switched on or off, its days) with the reminders
that could not be sent, and its at-risk queue, where a coordinator records a
follow-up note on a flag and marks it handled."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matching.models import Mentorship
from mentoring.forms import add_service_error, message_service_error
from mentoring.models import User
from mentoring.permissions import first_or_404
from schemes.models import Scheme
from schemes.permissions import SchemeAccess, coordinator_view, scheme_object
from sessions.forms.reminders import (
    HANDLE_DONE,
    HANDLE_REOPEN,
    ReminderRuleForm,
    RiskHandleForm,
)
from sessions.rules import RULES, rule_sentence
from sessions.selectors.reminders import RISK_REASONS, rule_settings
from sessions.selectors.risk import at_risk_flag, at_risk_for, failed_reminders
from sessions.selectors.settings import scheme_time_zone
from sessions.services.reminders import PEOPLE_FROM_HOUR, reminder_rule_update, risk_handle

# The rules whose flag puts a pair on the at-risk list (switching one off stops it).
FLAGGING_RULES = frozenset(kind for _, kind in RISK_REASONS.values() if kind)


@coordinator_view
@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """Every reminder rule of the scheme, changed in one form; and the reminders the
    outbox could not send."""
    scheme = access.scheme
    settings_now = rule_settings([scheme.pk])[scheme.pk]
    data = request.POST if request.method == "POST" else None
    forms = [ReminderRuleForm(data, setting=settings_now[rule.kind]) for rule in RULES]
    # Every form is validated (no short cut), so each shows its own messages.
    valid = [form.is_valid() for form in forms] if data is not None else [False]
    if all(valid):
        changed = [form for form in forms if form.has_changes]
        if not changed:
            messages.info(request, "Nothing changed: the reminders run as before.")
            return redirect("sessions:reminder_settings", slug=scheme.slug)
        # Signed in: ``coordinator_view`` let only the scheme's coordinators through.
        refused = _rules_save(scheme, cast(User, request.user), changed)
        if refused is None:
            count = len(changed)
            messages.success(
                request,
                f"Saved: {count} reminder{'s' if count != 1 else ''} changed. "
                "The next hourly check follows the new rules.",
            )
            return redirect("sessions:reminder_settings", slug=scheme.slug)
    rules = [
        {
            "rule": form.setting.rule,
            "setting": form.setting,
            "sentence": rule_sentence(
                form.setting.rule, days=form.setting.days, gap_weeks=scheme.max_gap_weeks
            ),
            "form": form,
            "flags": form.setting.rule.kind in FLAGGING_RULES,
        }
        for form in forms
    ]
    return render(
        request,
        "sessions/reminders/settings.html",
        {
            "scheme": scheme,
            "rules": rules,
            "has_errors": any(form.errors for form in forms),
            "zone": scheme_time_zone(scheme),
            "people_from": f"{PEOPLE_FROM_HOUR:02d}:00",
            "failed": failed_reminders(scheme),
        },
    )


def _rules_save(
    scheme: Scheme, coordinator: User, changed: list[ReminderRuleForm]
) -> ReminderRuleForm | None:
    """Save every changed rule, or none: the form a service refused (with its message
    beside its field), or None when all are saved."""
    try:
        with transaction.atomic():
            for form in changed:
                try:
                    reminder_rule_update(
                        scheme=scheme, coordinator=coordinator, **form.service_data()
                    )
                except ValidationError as error:
                    add_service_error(form, error)
                    raise
    except ValidationError:
        return next(form for form in changed if form.errors)
    return None


def _scheme_mentorship(scheme: Scheme, pk: int) -> Mentorship:
    """Mentorship ``pk`` of ``scheme`` (started or a match waiting for its answers);
    404 for another scheme's."""
    return first_or_404(
        Mentorship.objects.select_related("scheme", "mentee", "mentor").filter(
            pk=pk, scheme=scheme
        ),
        "No such pair.",
    )


def _at_risk_page(
    request: HttpRequest,
    access: SchemeAccess,
    bound: RiskHandleForm | None = None,
    key: tuple[int, str, str] | None = None,
) -> HttpResponse:
    scheme = access.scheme
    found = at_risk_for(scheme, reader=request.user)
    return render(
        request,
        "sessions/reminders/at_risk.html",
        {
            "scheme": scheme,
            "found": found,
            "bound": bound,
            "bound_key": key,
        },
    )


@coordinator_view
@require_GET
def at_risk(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The scheme's pairs at risk: open flags first, handled ones apart."""
    return _at_risk_page(request, access)


@coordinator_view
@scheme_object(_scheme_mentorship)
@require_POST
def at_risk_handle(
    request: HttpRequest, access: SchemeAccess, mentorship: Mentorship
) -> HttpResponse:
    """Save a coordinator's note on one flag of the pair, mark it handled or reopen it."""
    scheme = access.scheme
    back = reverse("sessions:at_risk", kwargs={"slug": scheme.slug})
    form = RiskHandleForm(request.POST)
    form.is_valid()
    if not form.flag_is_valid:
        messages.error(
            request, "That flag could not be read. Here are the pairs at risk as they are now."
        )
        return redirect(back)
    data = form.cleaned_data
    row = at_risk_flag(
        scheme, mentorship, reader=request.user, reason=data["reason"], situation=data["situation"]
    )
    if row is None:
        messages.error(
            request,
            "This pair is no longer flagged for that reason: its situation has changed. "
            "Here are the pairs at risk as they are now.",
        )
        return redirect(back)
    if form.errors:
        # The flag is real: show the page again, the note as typed beside its message.
        return _at_risk_page(request, access, bound=form, key=row.key)
    action = data["action"]
    handled = action == HANDLE_DONE or (action != HANDLE_REOPEN and row.is_handled)
    try:
        risk_handle(
            coordinator=cast(User, request.user),
            mentorship=mentorship,
            reason=data["reason"],
            situation=data["situation"],
            note=data["note"],
            handled=handled,
        )
    except ValidationError as error:
        message_service_error(request, error)
        return redirect(back)
    pair = f"{row.pair_name} ({row.label.lower()})"
    if action == HANDLE_DONE:
        messages.success(
            request, f"Marked handled: {pair} stays quiet until the situation changes."
        )
    elif action == HANDLE_REOPEN:
        messages.success(request, f"Reopened: {pair} is open again.")
    else:
        messages.success(request, f"Your note on {pair} is saved.")
    # Back to the section where the flag now is.
    return redirect(back + ("#handled" if handled else "#open"))
