"""The permission rule, on the ground floor: every view loads its objects through a
helper built on it, in the ``permissions.py`` of the app the object belongs to.

The rule is the same for every kind of object:

* a person who may not see an object at all gets **404**, so that a guessed URL never
  reveals that the object exists;
* a person who may see an object but not change it gets **403**.

Roles are scheme-scoped (``schemes.Role``: coordinator, mentor, mentee; the loaders and
the scheme-scoped view decorator are in ``schemes.permissions``) plus the site-wide
report viewer (``User.is_report_viewer``, the HR role), checked here.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

M = TypeVar("M", bound=Model)
# Any view: a page (HttpResponse) or a download streamed as it is made.
View = Callable[..., HttpResponseBase]


def first_or_404(queryset: QuerySet[M], message: str) -> M:
    """The first object of ``queryset``, which the caller has already narrowed to what
    the person may see; 404 with ``message`` when there is none."""
    found = queryset.first()
    if found is None:
        raise Http404(message)
    return found


def deny_unless(allowed: bool, message: str) -> None:
    """403 with ``message`` when a person who may see an object may not change it."""
    if not allowed:
        raise PermissionDenied(message)


def can_view_reports(user: Any) -> bool:
    """Report viewers (HR) and superusers."""
    return bool(user.is_authenticated and (user.is_report_viewer or user.is_superuser))


def holds_site_role(user: Any) -> bool:
    """Superusers, staff (the admin) and report viewers: the site-wide roles that see
    other people's data. Coordinators, the scheme-scoped one, are added by
    ``schemes.permissions.sees_others_data``."""
    return bool(
        user.is_authenticated and (user.is_superuser or user.is_staff or user.is_report_viewer)
    )


def report_viewer_required(view: View) -> View:
    """Only signed-in report viewers (HR) and superusers; others get 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        deny_unless(can_view_reports(request.user), "Reports are open to report viewers only.")
        return view(request, *args, **kwargs)

    return wrapper


def site_admin_required(view: View) -> View:
    """Only signed-in site administrators (superusers); others get 403, as the reports
    answer people who are not report viewers."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        deny_unless(
            bool(request.user.is_superuser), "This page is open to the site's administrators only."
        )
        return view(request, *args, **kwargs)

    return wrapper
