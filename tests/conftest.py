"""Fixtures shared by the whole suite: one person for each role around one scheme."""

import pytest

from schemes.models import Role
from tests.factories import MembershipFactory, SchemeFactory, UserFactory


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
