"""Where each person is signed in: a session's last activity (recorded at most once a
minute by ``mentoring.middleware.SessionActivityMiddleware``) and the list of a person's
live sessions, which they can end from their account (allauth's ``usersessions`` keeps
one ``UserSession`` row per signed-in session).

The last activity also tells ``schemes.middleware`` how long a staff role has been idle.
"""

import time
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import Any

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare

# The time (seconds since the epoch) of the session's last recorded request.
ACTIVITY_KEY = "last_activity"
# A request less than this long after the recorded one writes nothing, so that a person
# clicking about costs no session write per page: the activity is right to the minute.
ACTIVITY_INTERVAL = 60


@dataclass(frozen=True)
class SignedInSession:
    """One place a person is signed in, as their sessions page shows it."""

    ip: str
    browser: str
    signed_in_at: datetime
    last_seen_at: datetime
    is_current: bool


def session_activity_start(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """At every sign-in (Django's ``user_logged_in``): the session's activity starts now.
    allauth records the new session's row itself (its own ``user_logged_in``)."""
    if request is not None and hasattr(request, "session"):
        request.session[ACTIVITY_KEY] = int(time.time())


def user_sessions_live(*, user: Any, current_key: str | None) -> list[SignedInSession]:
    """The sessions ``user`` is signed in with, this one first, then the most recently
    seen. Rows whose session has ended (signed out, expired, or no longer valid after a
    password change) are deleted on the way. Three queries whatever the number of
    sessions (allauth's own list opens each session one by one)."""
    rows = list(UserSession.objects.filter(user_id=user.pk))
    store = import_module(settings.SESSION_ENGINE).SessionStore
    # The database session engine (SESSION_ENGINE): its table answers for every row at once.
    stored = dict(
        store.get_model_class()
        .objects.filter(
            session_key__in=[row.session_key for row in rows], expire_date__gt=timezone.now()
        )
        .values_list("session_key", "session_data")
    )
    valid_hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    live, ended = [], []
    for row in rows:
        data = store().decode(stored[row.session_key]) if row.session_key in stored else {}
        if _signs_in(data, user, valid_hashes):
            live.append(row)
        else:
            ended.append(row.pk)
    if ended:
        UserSession.objects.filter(pk__in=ended).delete()
    sessions = [
        SignedInSession(
            ip=row.ip,
            browser=row.user_agent,
            signed_in_at=row.created_at,
            last_seen_at=row.last_seen_at,
            is_current=row.session_key == current_key,
        )
        for row in live
    ]
    return sorted(sessions, key=lambda s: (not s.is_current, -s.last_seen_at.timestamp()))


def _signs_in(data: dict[str, Any], user: Any, valid_hashes: list[str]) -> bool:
    """Whether a session's data signs ``user`` in, as ``django.contrib.auth.get_user``
    would decide on that session's next request."""
    session_hash = data.get(HASH_SESSION_KEY)
    return bool(
        data.get(SESSION_KEY) == str(user.pk)
        and data.get(BACKEND_SESSION_KEY) in settings.AUTHENTICATION_BACKENDS
        and session_hash
        and any(constant_time_compare(session_hash, valid) for valid in valid_hashes)
    )
