from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from mentoring.permissions import can_view_reports
from schemes.models import Role
from schemes.selectors import roles_held
from sessions.selectors.notifications import unread_count


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the navigation bar offers the person signed in: two queries per page (the
    roles they hold, and how many of their notifications are unread)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_held(user)
    reports = can_view_reports(user)
    return {
        "nav": {
            "coordinates": Role.COORDINATOR in roles,
            "participates": bool(roles - {Role.COORDINATOR}),
            "reports": reports,
            # The apps' pages link to the roof's reports through this, never by name.
            "reports_url": reverse("dashboard:reports") if reports else "",
            "admin": user.is_staff,
            "unread": unread_count(user),
        }
    }
