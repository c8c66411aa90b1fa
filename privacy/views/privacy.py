"""The privacy page: what the site stores, why, who reads it, for how long and what
happens at the end, written from the retention schedule (``privacy.retention``) so that
it says what the daily job does. Open to everyone, signed in or not."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from privacy.retention import (
    NOTICE_DAYS,
    retention_kinds,
    scheme_periods_for_user,
    scheme_retention_default_months,
)


@require_GET
def privacy_page(request: HttpRequest) -> HttpResponse:
    """The privacy page; a person signed in also sees their own schemes' periods."""
    kinds = retention_kinds()
    user = request.user
    return render(
        request,
        "privacy/privacy.html",
        {
            "scheme_kinds": [kind for kind in kinds if kind.per_scheme],
            "fixed_kinds": [kind for kind in kinds if not kind.per_scheme],
            "kinds": kinds,
            "default_months": scheme_retention_default_months(),
            "notice_days": NOTICE_DAYS,
            "my_schemes": scheme_periods_for_user(user) if user.is_authenticated else [],
        },
    )
