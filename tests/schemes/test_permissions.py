"""schemes/permissions.py, on the rule of mentoring/permissions.py: 404 for those who may
not see, 403 for those who may not change."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.views.decorators.http import require_POST

from mentoring.permissions import can_view_reports
from schemes.models import Role
from schemes.permissions import (
    SchemeAccess,
    coordinator_view,
    get_scheme_for_user,
    scheme_roles,
    scheme_view,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_member_loads_the_scheme_with_their_roles(mentee):
    access = get_scheme_for_user(mentee, "council")
    assert access.scheme.slug == "council"
    assert access.roles == {Role.MENTEE}
    assert not access.is_coordinator
    assert access.participant_roles == {Role.MENTEE}


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
    access = get_scheme_for_user(coordinator, "council", change=True)
    assert access.scheme.slug == "council"
    assert access.is_coordinator


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


@coordinator_view
@require_POST
def _coordinators_post(request, access: SchemeAccess) -> HttpResponse:
    return HttpResponse(f"{access.scheme.slug} {sorted(access.roles)}")


@scheme_view(roles=[Role.MENTOR, Role.MENTEE])
def _participants_page(request, access: SchemeAccess, pk: int) -> HttpResponse:
    return HttpResponse(f"{access.scheme.slug} {pk}")


def _request(method: str, user):
    request = getattr(RequestFactory(), method)("/")
    request.user = user
    return request


def test_the_decorator_hands_the_view_the_scheme_and_the_roles(coordinator, scheme):
    response = _coordinators_post(_request("post", coordinator), slug="council")
    assert response.content == b"council ['coordinator']"


def test_the_decorator_answers_404_before_405_to_those_who_may_not_see(mentee, scheme):
    with pytest.raises(Http404):
        _coordinators_post(_request("get", mentee), slug="council")


def test_the_decorator_answers_405_to_a_coordinator_using_the_wrong_method(coordinator, scheme):
    assert _coordinators_post(_request("get", coordinator), slug="council").status_code == 405


def test_the_decorator_sends_anonymous_people_to_sign_in(scheme):
    response = _coordinators_post(_request("post", AnonymousUser()), slug="council")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_decorator_passes_the_other_arguments_on(mentor, coordinator, scheme):
    assert _participants_page(_request("get", mentor), slug="council", pk=7).content == (
        b"council 7"
    )
    with pytest.raises(Http404):
        _participants_page(_request("get", coordinator), slug="council", pk=7)
