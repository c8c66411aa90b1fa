"""Who gets what, for every URL: the URL x role x status matrix.

A new view is not done until it has its rows here. ``test_every_url_is_in_the_matrix``
fails when one of the project's own URL names has no row.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import resolve_kwargs

ROLES = [
    "anonymous",
    "outsider",
    "mentee",
    "mentor",
    "coordinator",
    "other_coordinator",
    "hr_viewer",
    "site_admin",
]

LOGIN = "login"  # a redirect to the sign-in page

# url name, kwargs, {role: expected status}; roles left out expect the "*" entry.
# A kwarg value "@fixture" or "@fixture.attribute" is read from that fixture (its pk when
# no attribute is named), e.g. {"pk": "@mentee_application"}; see tests/conftest.py.
MATRIX = [
    ("home", {}, {"*": 200}),
    ("health", {}, {"*": 200}),
    (
        "schemes:detail",
        {"slug": "council"},
        {
            "anonymous": LOGIN,
            "outsider": 404,
            "mentee": 200,
            "mentor": 200,
            "coordinator": 200,
            "other_coordinator": 404,
            "hr_viewer": 404,
            "site_admin": 404,
        },
    ),
    ("schemes:detail", {"slug": "no-such-scheme"}, {"anonymous": LOGIN, "*": 404}),
    (
        "schemes:reports",
        {},
        {"anonymous": LOGIN, "hr_viewer": 200, "site_admin": 200, "*": 403},
    ),
    ("account_login", {}, {"anonymous": 200, "*": 302}),
    ("account_signup", {}, {"anonymous": 200, "*": 302}),
    ("account_reset_password", {}, {"*": 200}),
    ("account_logout", {}, {"anonymous": 302, "*": 200}),
    ("account_email", {}, {"anonymous": LOGIN, "*": 200}),
    ("account_change_password", {}, {"anonymous": LOGIN, "*": 200}),
    ("mfa_index", {}, {"anonymous": LOGIN, "*": 200}),
    ("socialaccount_connections", {}, {"anonymous": LOGIN, "*": 200}),
    ("admin:index", {}, {"site_admin": 200, "*": 302}),
    # --- scheme set-up: create, settings, open link, questions ---
    # --- invitations and the open application link ---
    # --- the questionnaire and the participant's pages ---
    # --- application review ---
    # --- application import ---
]

# URL names owned by the project (not allauth's or the admin's) that must have rows.
PROJECT_NAMESPACES = {"schemes"}
PROJECT_NAMES = {"home", "health"}


def _cases():
    for name, kwargs, expected in MATRIX:
        for role in ROLES:
            status = expected.get(role, expected.get("*"))
            yield pytest.param(name, kwargs, role, status, id=f"{name}-{kwargs}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "role", "expected"), list(_cases()))
def test_url_role_status(
    client, request, scheme, coordinator, mentor, mentee, name, kwargs, role, expected
):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = reverse(name, kwargs=resolve_kwargs(request, kwargs))
    response = client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, f"{role} on {url}"


def _project_url_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _project_url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            if namespace in PROJECT_NAMESPACES:
                yield f"{namespace}:{entry.name}"
            elif namespace is None and entry.name in PROJECT_NAMES:
                yield entry.name


def test_every_url_is_in_the_matrix():
    covered = {name for name, _, _ in MATRIX}
    missing = set(_project_url_names()) - covered
    assert not missing, f"URLs without rows in the permission matrix: {sorted(missing)}"
