"""mentoring/permissions.py: 404 for those who may not see, 403 for those who may not
change."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from mentoring.permissions import can_view_reports, get_scheme_for_user, scheme_roles
from schemes.models import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_member_loads_the_scheme_with_their_roles(mentee):
    scheme = get_scheme_for_user(mentee, "council")
    assert scheme.slug == "council"
    assert scheme.user_roles == {Role.MENTEE}


def test_an_outsider_gets_404_not_403(outsider, scheme):
    with pytest.raises(Http404):
        get_scheme_for_user(outsider, "council")


def test_another_schemes_coordinator_gets_404(other_coordinator, scheme):
    with pytest.raises(Http404):
        get_scheme_for_user(other_coordinator, "council")


def test_a_participant_gets_404_on_a_coordinators_page(mentor):
    with pytest.raises(Http404):
        get_scheme_for_user(mentor, "council", roles=[Role.COORDINATOR])


def test_a_participant_who_may_see_but_not_change_gets_403(mentee):
    with pytest.raises(PermissionDenied):
        get_scheme_for_user(mentee, "council", change=True)


def test_a_coordinator_may_change_their_scheme(coordinator):
    assert get_scheme_for_user(coordinator, "council", change=True).slug == "council"


def test_an_unknown_scheme_is_404_for_everyone(coordinator):
    with pytest.raises(Http404):
        get_scheme_for_user(coordinator, "nowhere")


def test_roles_of_a_person_with_two_roles_in_one_scheme(scheme, mentor):
    MembershipFactory(scheme=scheme, user=mentor, role=Role.MENTEE)
    assert scheme_roles(mentor, scheme) == {Role.MENTOR, Role.MENTEE}


def test_anonymous_holds_no_role(scheme):
    assert scheme_roles(AnonymousUser(), scheme) == frozenset()


def test_only_report_viewers_and_superusers_view_reports(hr_viewer, site_admin, coordinator):
    assert can_view_reports(hr_viewer)
    assert can_view_reports(site_admin)
    assert not can_view_reports(coordinator)


def test_the_403_page_explains_and_leads_home(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/reports/")
    assert response.status_code == 403
    assert "You can't do that here" in response.text
    assert 'href="/"' in response.text
