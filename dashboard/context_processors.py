from typing import Any

from django.http import HttpRequest

from mentoring.permissions import can_view_reports
from schemes.models import Role
from schemes.selectors import roles_held


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the navigation bar offers the person signed in: one query per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_held(user)
    return {
        "nav": {
            "coordinates": Role.COORDINATOR in roles,
            "participates": bool(roles - {Role.COORDINATOR}),
            "reports": can_view_reports(user),
            "admin": user.is_staff,
        }
    }
