"""Who may see and change a scheme and its objects, on the rule of
``mentoring.permissions`` (404 for a person who may not see it, 403 for one who may see
but not change it)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from mentoring.models import OutboxMessage
from mentoring.permissions import View, deny_unless, first_or_404, holds_site_role
from schemes.models import (
    PARTICIPANT_ROLES,
    Application,
    CustomQuestion,
    ImportUpload,
    Invitation,
    Membership,
    Role,
    Scheme,
)

COORDINATORS = (Role.COORDINATOR,)


@dataclass(frozen=True)
class SchemeAccess:
    """A scheme as one person reaches it: the scheme and the roles they hold in it."""

    scheme: Scheme
    roles: frozenset[str]

    @property
    def is_coordinator(self) -> bool:
        return Role.COORDINATOR in self.roles

    @property
    def participant_roles(self) -> frozenset[str]:
        return self.roles & PARTICIPANT_ROLES

    @property
    def role_labels(self) -> list[str]:
        """The roles held, as the pages name them, in the order of ``Role``."""
        return [str(Role(role).label) for role in Role if role in self.roles]


def scheme_roles(user: Any, scheme: Scheme) -> frozenset[str]:
    """The roles ``user`` holds in ``scheme`` (empty for outsiders and anonymous)."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        Membership.objects.filter(scheme=scheme, user=user).values_list("role", flat=True)
    )


def get_scheme_for_user(
    user: Any,
    slug: str,
    *,
    roles: Iterable[str] = tuple(Role),
    change: bool = False,
) -> SchemeAccess:
    """The scheme ``slug`` and the roles ``user`` holds in it, if one of them is in
    ``roles``.

    404 when they hold none of those roles (outsiders, other schemes' coordinators, a
    participant on a coordinator's page); 403 when ``change`` is asked and they are not
    one of its coordinators.
    """
    scheme = first_or_404(Scheme.objects.filter(slug=slug), "No such scheme.")
    held = scheme_roles(user, scheme)
    if not held & set(roles):
        raise Http404("No such scheme.")
    if change:
        deny_unless(Role.COORDINATOR in held, "Only the scheme's coordinators can change it.")
    return SchemeAccess(scheme=scheme, roles=held)


def scheme_view(
    *, roles: Iterable[str] = tuple(Role), change: bool = False
) -> Callable[[View], View]:
    """Decorate a view of ``schemes/<slug>/...``: sign-in required, then the scheme is
    resolved for the person (``get_scheme_for_user``) before the view runs, and the view
    receives a ``SchemeAccess`` in place of the slug.

    Put ``require_POST`` (or ``require_GET``) beneath it: a person who may not see the
    scheme gets 404 whatever the method, and only then a wrong method gets 405.
    """
    allowed = tuple(roles)

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            access = get_scheme_for_user(request.user, slug, roles=allowed, change=change)
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorator


def scheme_object(
    loader: Callable[[Scheme, Any], Any], *, kwarg: str = "pk"
) -> Callable[[View], View]:
    """Decorate a view beneath ``scheme_view``: load the object the URL's ``kwarg`` names
    within the resolved scheme (``loader(scheme, value)``, which answers 404 for another
    scheme's object) and hand it to the view in place of ``kwarg``, before any method
    check beneath: a guessed object is 404 whatever the method.

    ``@coordinator_view`` / ``@scheme_object(get_scheme_invitation)`` / ``@require_POST``
    gives ``view(request, access, invitation)``.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(
            request: HttpRequest, access: SchemeAccess, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            found = loader(access.scheme, kwargs.pop(kwarg))
            return view(request, access, found, *args, **kwargs)

        return wrapper

    return decorator


def coordinator_view(view: View) -> View:
    """``scheme_view`` for the pages of the scheme's coordinators only."""
    return scheme_view(roles=COORDINATORS, change=True)(view)


def get_application_for_user(user: Any, pk: int) -> Application:
    """The application ``pk`` if it is ``user``'s own; 404 for anyone else, coordinators
    included (they reach applications through ``get_scheme_application``)."""
    return first_or_404(
        Application.objects.select_related("scheme", "user").filter(
            pk=pk, user=user if user.is_authenticated else None
        ),
        "No such application.",
    )


def get_scheme_application(scheme: Scheme, pk: int) -> Application:
    """Application ``pk`` of ``scheme`` (resolved for its coordinator by
    ``scheme_view``); 404 when it belongs to another scheme."""
    return first_or_404(
        Application.objects.select_related("scheme", "user", "decided_by").filter(
            pk=pk, scheme=scheme
        ),
        "No such application.",
    )


def get_scheme_question(scheme: Scheme, pk: int) -> CustomQuestion:
    """Custom question ``pk`` of ``scheme``; 404 when it belongs to another scheme."""
    return first_or_404(CustomQuestion.objects.filter(pk=pk, scheme=scheme), "No such question.")


def get_scheme_invitation(scheme: Scheme, pk: int) -> Invitation:
    """Invitation ``pk`` of ``scheme``; 404 when it belongs to another scheme."""
    return first_or_404(
        Invitation.objects.select_related("scheme").filter(pk=pk, scheme=scheme),
        "No such invitation.",
    )


def get_scheme_email(scheme: Scheme, pk: int) -> OutboxMessage:
    """The outbox e-mail ``pk`` of ``scheme`` (of its invitations, applications or
    mentorships); 404 for another scheme's, a person's own (a welcome), or a task."""
    return first_or_404(
        OutboxMessage.objects.filter(pk=pk, scheme_id=scheme.pk, kind=OutboxMessage.Kind.EMAIL),
        "No such e-mail.",
    )


def sees_others_data(user: Any) -> bool:
    """The people whose account opens other people's data: superusers, staff, report
    viewers, and the coordinators of any scheme. They get a shorter session, and two
    factors when ``REQUIRE_STAFF_MFA`` is on."""
    return holds_site_role(user) or bool(
        user.is_authenticated
        and Membership.objects.filter(user=user, role=Role.COORDINATOR).exists()
    )


def import_uploads_for(scheme: Scheme, user: Any) -> QuerySet[ImportUpload]:
    """The kept import files ``user`` may confirm in ``scheme``: their own and not
    expired (another coordinator's file, or another scheme's, is never theirs)."""
    return ImportUpload.objects.select_related("scheme").filter(
        scheme=scheme, uploaded_by=user, expires_at__gt=timezone.now()
    )


def can_create_schemes(user: Any) -> bool:
    """Superusers, people given the "add scheme" permission (for example through a
    group in the admin), and anyone who already coordinates a scheme."""
    if not user.is_authenticated:
        return False
    return bool(
        user.is_superuser
        or user.has_perm("schemes.add_scheme")
        or Membership.objects.filter(user=user, role=Role.COORDINATOR).exists()
    )


def scheme_creator_required(view: View) -> View:
    """Only people who may create schemes; others get 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        deny_unless(
            can_create_schemes(request.user),
            "Ask a site administrator for the right to create schemes.",
        )
        return view(request, *args, **kwargs)

    return wrapper


def get_invitation_by_token(token: str) -> Invitation:
    """The invitation an e-mailed link names, for whoever holds the link (the token is
    the secret); 404 when no invitation has it."""
    return first_or_404(
        Invitation.objects.select_related("scheme").filter(token=token), "No such invitation."
    )


def get_scheme_by_open_link(token: str) -> Scheme:
    """The scheme whose open application link is ``token``, for whoever holds the link;
    404 when the link is off or was replaced."""
    return first_or_404(Scheme.objects.filter(open_link_token=token), "No such link.")
