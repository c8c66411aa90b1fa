"""Each person's notifications: the in-app list of their reminders, opening one (it is
marked read and leads to where they do what it asks), marking all read, their
notification settings, and the one-click unsubscribe link of every optional
reminder's e-mail (RFC 8058).

A notification is its person's alone: another's answers 404. The unsubscribe link
needs no sign-in (it is opened from the e-mail); a GET only shows what it would stop,
since mail scanners fetch links, and the POST, which a mail client sends by itself
with ``List-Unsubscribe=One-Click``, stops it.
"""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring.forms import add_service_error
from mentoring.models import User
from sessions.forms.notifications import NotificationSettingsForm
from sessions.permissions import get_own_notification
from sessions.selectors.notifications import (
    notification_choices,
    notification_rows,
    notifications_for,
    unread_count,
    unsubscribe_target,
)
from sessions.selectors.reminders import reminder_url
from sessions.services import reminders as services

PER_PAGE = 25


def _me(request: HttpRequest) -> User:
    """The person signed in (every view that asks is behind ``login_required``)."""
    return cast(User, request.user)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first, a page at a time."""
    page = Paginator(notifications_for(_me(request)), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions/notifications/list.html",
        {
            "page": page,
            "rows": notification_rows(list(page.object_list)),
            "unread": unread_count(_me(request)),
        },
    )


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go where the person does what it asks."""
    reminder = get_own_notification(_me(request), pk)
    services.notification_open(user=_me(request), reminder=reminder)
    return redirect(reminder_url(reminder))


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark every notification of the person read."""
    count = services.notifications_read_all(user=_me(request))
    if count:
        messages.success(request, "Your notifications are all marked read.")
    return redirect("sessions:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Which optional reminders the person gets by e-mail."""
    optional, essential = notification_choices(_me(request))
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None, choices=optional
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preferences_update(user=_me(request), by_email=form.by_email())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("sessions:notification_settings")
    return render(
        request,
        "sessions/notifications/settings.html",
        {"form": form, "essential": essential},
    )


# The link in an e-mail, opened by whoever holds it (a mail client posts to it by
# itself, with no CSRF token): nothing it shows is kept in a cache.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the link stops, and a button. POST: stop it."""
    target = unsubscribe_target(token)
    if target is None:
        return render(request, "sessions/notifications/unsubscribe_invalid.html", status=400)
    if request.method != "POST":
        return render(
            request,
            "sessions/notifications/unsubscribe.html",
            {"target": target, "token": token},
        )
    try:
        services.unsubscribe(token=token)
    except ValidationError:
        return render(request, "sessions/notifications/unsubscribe_invalid.html", status=400)
    return render(request, "sessions/notifications/unsubscribed.html", {"target": target})
