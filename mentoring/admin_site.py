"""The Django admin, signed in to through allauth like every other page.

The admin's own login form checks a password with no rate limit and no second factor,
yet the admin opens every applicant's answers. Here nobody signs in at ``/admin/login/``:
a visitor who is not signed in is sent to allauth's sign-in page (its rate limits, its
TOTP step) and comes back; a signed-in person who is not staff sees the admin's refusal.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


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
