"""Fixtures shared by the whole suite: one person for each role around one scheme."""

import pytest
from django.core.cache import cache

from schemes.models import Application, Role
from tests.factories import (
    ApplicationFactory,
    CustomQuestionFactory,
    InvitationFactory,
    MembershipFactory,
    SchemeFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def scheme(db):
    return SchemeFactory(name="Council staff mentoring", slug="council")


@pytest.fixture
def other_scheme(db):
    return SchemeFactory(name="Another scheme", slug="another")


@pytest.fixture
def coordinator(scheme):
    return MembershipFactory(
        scheme=scheme, role=Role.COORDINATOR, user__email="coordinator@example.org"
    ).user


@pytest.fixture
def mentor(scheme):
    return MembershipFactory(scheme=scheme, role=Role.MENTOR, user__email="mentor@example.org").user


@pytest.fixture
def mentee(scheme):
    return MembershipFactory(scheme=scheme, role=Role.MENTEE, user__email="mentee@example.org").user


@pytest.fixture
def other_coordinator(other_scheme):
    """Coordinates a different scheme: must see nothing of ``scheme``."""
    return MembershipFactory(
        scheme=other_scheme, role=Role.COORDINATOR, user__email="elsewhere@example.org"
    ).user


@pytest.fixture
def hr_viewer(db):
    return UserFactory(email="hr@example.org", is_report_viewer=True)


@pytest.fixture
def outsider(db):
    """Signed in, but holds no role anywhere."""
    return UserFactory(email="outsider@example.org")


@pytest.fixture
def site_admin(db):
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def redis_url():
    """The Redis that ``REDIS_URL`` names; tests that need a live one skip without it
    (a laptop with no services), and fail in CI, where it must be there."""
    import os

    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must set REDIS_URL")
        pytest.skip("REDIS_URL is not set: no Redis to test against")
    return url


@pytest.fixture
def mentee_application(scheme, mentee):
    """The mentee's own submitted application to ``scheme``."""
    return ApplicationFactory(
        scheme=scheme, user=mentee, role=Role.MENTEE, status=Application.Status.SUBMITTED
    )


@pytest.fixture
def mentor_application(scheme, mentor):
    """The mentor's own submitted application to ``scheme``."""
    return ApplicationFactory(
        scheme=scheme, user=mentor, role=Role.MENTOR, status=Application.Status.SUBMITTED
    )


@pytest.fixture
def invitation(scheme, coordinator):
    """A pending invitation to ``scheme`` for someone with no account yet."""
    return InvitationFactory(
        scheme=scheme, email="invitee@example.org", role=Role.MENTEE, invited_by=coordinator
    )


@pytest.fixture
def question(scheme):
    """One of the scheme's own questions, a weighted matching criterion."""
    return CustomQuestionFactory(
        scheme=scheme,
        text="Which team sport do you follow?",
        kind="single",
        choices=["Football", "Rugby", "Cricket"],
        is_matching_criterion=True,
        weight=5,
    )


@pytest.fixture
def open_link(scheme):
    """``scheme`` with its open application link turned on; returns the token."""
    scheme.open_link_token = "open-link-token"
    scheme.save(update_fields=["open_link_token"])
    return scheme.open_link_token


def resolve_kwargs(request, kwargs: dict) -> dict:
    """URL kwargs where "@fixture" or "@fixture.attribute" stands for that fixture's pk or
    attribute, so that tables of URLs can name objects made by fixtures."""
    resolved = {}
    for key, value in kwargs.items():
        if isinstance(value, str) and value.startswith("@"):
            fixture, _, attribute = value[1:].partition(".")
            obj = request.getfixturevalue(fixture)
            value = getattr(obj, attribute) if attribute else getattr(obj, "pk", obj)
        resolved[key] = value
    return resolved
