"""HTTP hardening that Django 5.2 does not do by itself, and the record of each
session's activity."""

import time
from collections.abc import Callable

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from mentoring.usersessions import ACTIVITY_INTERVAL, ACTIVITY_KEY


class ContentSecurityPolicyMiddleware:
    """Send the ``Content-Security-Policy`` header on every response.

    The policy (setting ``CONTENT_SECURITY_POLICY``) allows scripts, styles and fonts
    from this site only: no CDN, no inline script; forms post to this site only (and,
    when single sign-on is configured, redirect to the identity provider). An empty
    setting sends no header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = self.policy
        return response


class PrivateNoStoreMiddleware:
    """Tell browsers and proxies to keep no copy of any page sent to a signed-in person.

    Such pages show personal data (answers, notes, reports), which must not stay in a
    shared computer's cache or a proxy's. Static files never reach this middleware
    (WhiteNoise answers them first) and anonymous pages keep their caching; a view that
    sets its own ``Cache-Control`` keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "private, no-store"
        return response


class SessionActivityMiddleware:
    """After each signed-in person's request, at most once a minute: records the time in
    the session (``ACTIVITY_KEY``) and the session's address, browser and last-seen time
    in its ``UserSession`` row (allauth's ``USERSESSIONS_TRACK_ACTIVITY`` would write
    both on every request).

    It records after the view, so that a check made before it (a staff role's idle time)
    reads the previous request's time, and a request that signs out records nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not request.session.session_key:
            return response
        now = int(time.time())
        last = request.session.get(ACTIVITY_KEY)
        if last is None or now - last >= ACTIVITY_INTERVAL:
            request.session[ACTIVITY_KEY] = now
            UserSession.objects.create_from_request(request)
        return response
