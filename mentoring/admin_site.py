"""The Django admin, signed in to through allauth like every other page.

The admin's own login form checks a password with no rate limit and no second factor,
yet the admin opens every applicant's answers. Here nobody signs in at ``/admin/login/``:
a visitor who is not signed in is sent to allauth's sign-in page (its rate limits, its
TOTP step) and comes back; a signed-in person who is not staff sees the admin's refusal.

Signing in to the admin is recorded in the audit trail when the staff member opens
their first admin page after signing in (``admin_view``), once per sign-in. The admin
has no sign-in of its own to hook: allauth's sign-in is the site's, and who goes on to
the admin is known only when they arrive there (a staff member who signs in and never
opens the admin is not recorded). Signing in cycles the session's key, so the key the
entry was recorded for tells a new sign-in from another page of the same one.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from mentoring.audit import audit_record
from mentoring.models import AuditEntry

# The session's key when its sign-in was recorded as reaching the admin.
SIGNED_IN_KEY = "audit_admin_signed_in"

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


class MentoringAdminSite(admin.AdminSite):
    site_header = "Mentoring administration"
    site_title = "Mentoring administration"
    # Only signed-in people who are not staff ever see it: there is no password form.
    login_template = "admin/login_refused.html"

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """Send visitors to allauth's sign-in page, back here afterwards; staff go on to
        the page they asked for, anyone else is refused. A password posted here is never
        checked."""
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.method != "GET":
            return redirect(request.get_full_path())
        response: HttpResponse = super().login(request, extra_context)
        return response

    def admin_view(self, view: V, cacheable: bool = False) -> V:
        """Every admin page but the login and logout: record the sign-in first."""
        protected = super().admin_view(view, cacheable)

        @wraps(view)
        def recorded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if self.has_permission(request):
                admin_sign_in_record(request)
            return protected(request, *args, **kwargs)

        return cast(V, recorded)


def admin_sign_in_record(request: HttpRequest) -> None:
    """Record that the staff member signed in to the admin, unless this sign-in (this
    session's key) already was."""
    session = request.session
    if session.session_key is None or session.get(SIGNED_IN_KEY) == session.session_key:
        return
    audit_record(
        AuditEntry.Action.ADMIN_SIGNED_IN,
        actor=request.user,
        subject=request.user,
        detail={"superuser": request.user.is_superuser},
    )
    session[SIGNED_IN_KEY] = session.session_key
