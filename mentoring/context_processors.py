from mentoring.permissions import can_view_reports
from schemes.models import Membership, Role


def navigation(request):
    """What the navigation bar offers the person signed in: one query per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())
    return {
        "nav": {
            "coordinates": Role.COORDINATOR in roles,
            "participates": bool(roles - {Role.COORDINATOR}),
            "reports": can_view_reports(user),
            "admin": user.is_staff,
        }
    }
