"""The erasure pages: a person erases their own account (and is signed out), and the
coordinators of a scheme and the site's administrators see that accounts were erased,
never whose."""

from contextlib import suppress
from functools import wraps
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mentoring.permissions import View, deny_unless
from privacy.erasure import account_erase
from privacy.forms_erasure import ErasureConfirmForm
from privacy.models import ErasureRequest
from privacy.selectors_erasure import erasure_consequences, erasure_rows, erasure_rows_for_scheme
from schemes.permissions import SchemeAccess, coordinator_view

PER_PAGE = 50


def site_admin_required(view: View) -> View:
    """Only signed-in site administrators (staff, superusers); others get 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        deny_unless(
            bool(user.is_staff or user.is_superuser),
            "Only the site's administrators see every erasure.",
        )
        return view(request, *args, **kwargs)

    return wrapper


@login_required
@require_http_methods(["GET", "POST"])
def erasure(request: HttpRequest) -> HttpResponse:
    """What erasing the account does, what it ends, and the confirmation; once
    confirmed, the account is erased at once and the person signed out."""
    user: Any = request.user
    form = ErasureConfirmForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        # The same form sent twice at once: the second finds the account erased already.
        with suppress(ValidationError):
            account_erase(user=user)
        # Signed out as the remainder it now is: the signal carries no name.
        user.refresh_from_db()
        logout(request)
        return redirect("privacy:erasure_done")
    return render(
        request,
        "privacy/erasure/confirm.html",
        {"form": form, "consequences": erasure_consequences(user)},
    )


@require_GET
def erasure_done(request: HttpRequest) -> HttpResponse:
    """Where an erased person lands, signed out."""
    return render(request, "privacy/erasure/done.html")


@coordinator_view
@require_GET
def erasure_requests(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The erasures of the scheme's people, for its coordinators: when, in which role,
    how many mentorships ended."""
    return render(
        request,
        "privacy/erasure/requests.html",
        {"scheme": access.scheme, "rows": erasure_rows_for_scheme(access.scheme)},
    )


@site_admin_required
@require_GET
def erasure_requests_all(request: HttpRequest) -> HttpResponse:
    """Every erasure, for the site's administrators, fifty a page."""
    page = Paginator(ErasureRequest.objects.order_by("-requested_at", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "privacy/erasure/requests.html",
        {"scheme": None, "rows": erasure_rows(list(page.object_list)), "page": page},
    )
