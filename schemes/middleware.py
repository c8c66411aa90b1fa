"""What an account that sees other people's data (``sees_others_data``: superusers,
staff, report viewers, coordinators) must do to be used: turn on two-factor when
``REQUIRE_STAFF_MFA`` is on, sign in again after ``STAFF_SESSION_AGE`` seconds, and
after ``STAFF_IDLE_MINUTES`` without a request.

Here rather than on the ground because coordinators are a scheme's role.
"""

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from mentoring.usersessions import ACTIVITY_KEY
from schemes.permissions import sees_others_data

# The time (seconds since the epoch) a staff role's session ends, stored at sign-in.
SESSION_DEADLINE_KEY = "staff_session_ends"
# When a session without a deadline was last checked for a staff role gained since
# sign-in (a coordinator invitation taken up, a scheme created, a role given in the
# admin), and how often it is checked again.
ROLE_CHECKED_KEY = "staff_role_checked"
ROLE_RECHECK_SECONDS = 5 * 60

# Pages that show no one else's data, open before two-factor is on: allauth's own
# (sign out, two-factor set-up, e-mail, password), the person's own signed-in sessions
# (at allauth's address, answered by the ground), the privacy page and the health check.
OPEN_VIEW_MODULES = ("allauth.",)
OPEN_URL_NAMES = frozenset({"health", "usersessions_list", "privacy:privacy"})

MFA_REQUIRED_MESSAGE = (
    "Your account can see other people's data, so it must be protected by a second "
    "step when you sign in. Set up an authenticator app to continue."
)
SESSION_ENDED_MESSAGE = (
    "For accounts that can see other people's data, a session lasts {hours}. Please sign in again."
)
IDLE_MESSAGE = (
    "For accounts that can see other people's data, you are signed out after {minutes} "
    "without activity. Please sign in again."
)


def staff_session_start(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At every sign-in (Django's ``user_logged_in``, which allauth's sign-in, its
    two-factor step and single sign-on all send): a person who sees others' data gets a
    session that ends ``STAFF_SESSION_AGE`` seconds from now; everyone else keeps
    ``SESSION_COOKIE_AGE``."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[ROLE_CHECKED_KEY] = int(time.time())
    if sees_others_data(user):
        _staff_rules_start(request)


def _staff_rules_start(request: HttpRequest) -> None:
    """The staff role's session from now: it ends ``STAFF_SESSION_AGE`` seconds from
    now, and after ``STAFF_IDLE_MINUTES`` without a request."""
    now = int(time.time())
    deadline = now + settings.STAFF_SESSION_AGE
    request.session[SESSION_DEADLINE_KEY] = deadline
    request.session.setdefault(ACTIVITY_KEY, now)
    request.session.set_expiry(datetime.fromtimestamp(deadline, tz=UTC))


class StaffAccountMiddleware:
    """Ends a staff role's session at its deadline or after ``STAFF_IDLE_MINUTES``
    without a request, and (``REQUIRE_STAFF_MFA``) sends a person who sees others' data
    and has no authenticator to the two-factor set-up page before any other page.

    A staff role's session is one given a deadline at sign-in (``staff_session_start``),
    so that telling it costs no query. Its last request's time (``ACTIVITY_KEY``) is
    recorded, at most once a minute, by ``mentoring.middleware.SessionActivityMiddleware``
    after the view, so the idle time read here is right to the minute.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            deadline = request.session.get(SESSION_DEADLINE_KEY)
            if deadline is None:
                deadline = self._role_gained(request)
            if deadline is not None:
                now = time.time()
                if now >= deadline:
                    return self._end_session(request, self._ended_message())
                last_activity = request.session.get(ACTIVITY_KEY)
                idle_limit = settings.STAFF_IDLE_MINUTES * 60
                if last_activity is not None and now - last_activity >= idle_limit:
                    return self._end_session(request, self._idle_message())
                self._keep_cookie_within(request, deadline)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not settings.REQUIRE_STAFF_MFA or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if view_func.__module__.startswith(OPEN_VIEW_MODULES) or (
            match is not None and match.view_name in OPEN_URL_NAMES
        ):
            return None
        # The authenticator first: most people it applies to have one, and it is one query.
        if is_mfa_enabled(request.user, [Authenticator.Type.TOTP]):
            return None
        if not sees_others_data(request.user):
            return None
        messages.warning(request, MFA_REQUIRED_MESSAGE)
        return redirect("mfa_activate_totp")

    @staticmethod
    def _role_gained(request: HttpRequest) -> int | None:
        """A session without a deadline, checked at most every few minutes: if its
        person has gained a staff role since signing in, the staff rules start now.
        Returns the deadline then set, or None."""
        now = time.time()
        checked = request.session.get(ROLE_CHECKED_KEY)
        if checked is not None and now - checked < ROLE_RECHECK_SECONDS:
            return None
        request.session[ROLE_CHECKED_KEY] = int(now)
        if not sees_others_data(request.user):
            return None
        _staff_rules_start(request)
        return request.session[SESSION_DEADLINE_KEY]

    @staticmethod
    def _end_session(request: HttpRequest, message: str) -> HttpResponse:
        """Sign out, say why, and send to the sign-in page, which comes back here."""
        path = request.get_full_path()
        logout(request)
        messages.info(request, message)
        return redirect_to_login(path)

    @staticmethod
    def _ended_message() -> str:
        hours = settings.STAFF_SESSION_AGE / 3600
        return SESSION_ENDED_MESSAGE.format(hours=f"{hours:g} hour{'' if hours == 1 else 's'}")

    @staticmethod
    def _idle_message() -> str:
        minutes = settings.STAFF_IDLE_MINUTES
        return IDLE_MESSAGE.format(minutes=f"{minutes} minute{'' if minutes == 1 else 's'}")

    @staticmethod
    def _keep_cookie_within(request: HttpRequest, deadline: int) -> None:
        # allauth's sign-in form sets the session's length after the sign-in signal
        # ("remember me": SESSION_COOKIE_AGE, otherwise until the browser closes); a
        # remembered cookie is cut back to the deadline. One that ends with the browser
        # stays so, and the check above ends it on the server at the deadline.
        session = request.session
        ends = datetime.fromtimestamp(deadline, tz=UTC)
        if not session.get_expire_at_browser_close() and session.get_expiry_date() > ends:
            session.set_expiry(ends)
