"""The ground's own pages: the health check, the favicon, and a person's signed-in
sessions. Home is the roof's (``dashboard.views``)."""

import logging
from typing import Any

import redis
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from mentoring.services import user_sessions_end_others
from mentoring.usersessions import user_sessions_live

logger = logging.getLogger(__name__)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links to."""
    return redirect(static("img/favicon.svg"), permanent=True)


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database and (if configured) the broker answer, 503 otherwise.

    For load balancers and ``docker compose``: it names each component's state and
    never the reason in detail, which goes to the log.
    """
    checks = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["broker"] = _check_broker(settings.REDIS_URL)
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@login_required
@require_http_methods(["GET", "POST"])
def signed_in_sessions(request: HttpRequest) -> HttpResponse:
    """The places the person is signed in (this browser marked), and a button that signs
    them out of all the others. It answers at allauth's address (``usersessions_list``)
    instead of allauth's own view, which opens each session one query at a time."""
    user: Any = request.user  # signed in (login_required)
    current_key = request.session.session_key
    if request.method == "POST":
        user_sessions_end_others(user=user, current_key=current_key)
        messages.success(request, "You are signed out of your other sessions.")
        return redirect("usersessions_list")
    # This session's row, brought up to date, so that the list always has this browser
    # (a session signed in before the list existed has none until its next minute).
    UserSession.objects.create_from_request(request)
    sessions = user_sessions_live(user=user, current_key=current_key)
    return render(
        request,
        "usersessions/usersession_list.html",
        {"sessions": sessions, "others": any(not s.is_current for s in sessions)},
    )


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database did not answer")
        return "unavailable"
    return "ok"


def _check_broker(url: str) -> str:
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        logger.exception("Health check: the broker did not answer")
        return "unavailable"
    finally:
        client.close()
    return "ok"
