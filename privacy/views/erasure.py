"""The erasure pages: a person erases their own account (and is signed out), and the
coordinators of a scheme and the site's administrators see that accounts were erased,
never whose."""

from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mentoring.permissions import site_admin_required
from privacy.erasure import AccountClosed, account_erase
from privacy.forms_erasure import ErasureConfirmForm
from privacy.models import ErasureRequest
from privacy.selectors_erasure import erasure_consequences, erasure_rows, erasure_rows_for_scheme
from schemes.permissions import SchemeAccess, coordinator_view

PER_PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])
def erasure(request: HttpRequest) -> HttpResponse:
    """What erasing the account does, what it ends, and the confirmation; once
    confirmed, the account is erased at once and the person signed out."""
    user: Any = request.user
    form = ErasureConfirmForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            account_erase(user=user)
        except AccountClosed:
            pass  # the same form sent twice at once: the first erased it
        except ValidationError as error:
            # Something changed meanwhile (the other person answered the match, a
            # coordinator decided an application): nothing was erased; say so.
            for message in error.messages:
                form.add_error(None, f"Nothing was erased: {message} Please try again.")
        if not form.errors:
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
