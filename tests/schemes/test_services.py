import pytest
from django.core.exceptions import ValidationError

from mentoring.services import user_set_report_viewer
from schemes.models import Membership, Role
from schemes.services.schemes import membership_add, scheme_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_creating_a_scheme_makes_its_creator_the_coordinator():
    person = UserFactory()
    scheme = scheme_create(name="Leaders of Tomorrow 2027", coordinator=person)
    assert scheme.slug == "leaders-of-tomorrow-2027"
    assert list(scheme.memberships.values_list("user", "role")) == [(person.pk, Role.COORDINATOR)]


def test_two_schemes_whose_names_make_the_same_slug_get_different_slugs():
    person = UserFactory()
    first = scheme_create(name="Mentoring", coordinator=person)
    second = scheme_create(name="Mentoring!", coordinator=person)
    assert (first.slug, second.slug) == ("mentoring", "mentoring-2")


def test_a_scheme_needs_a_name_and_nothing_is_saved_without_one():
    with pytest.raises(ValidationError) as error:
        scheme_create(name="", coordinator=UserFactory(), slug="empty")
    assert "name" in error.value.message_dict
    assert not Membership.objects.exists()


def test_adding_a_role_twice_keeps_one_membership(scheme):
    person = UserFactory()
    first = membership_add(scheme=scheme, user=person, role=Role.MENTOR)
    again = membership_add(scheme=scheme, user=person, role=Role.MENTOR)
    assert first.pk == again.pk
    assert Membership.objects.filter(user=person).count() == 1


def test_an_unknown_role_is_refused(scheme):
    with pytest.raises(ValidationError) as error:
        membership_add(scheme=scheme, user=UserFactory(), role="observer")
    assert "role" in error.value.message_dict


def test_report_viewer_role_is_granted_and_withdrawn():
    person = UserFactory()
    user_set_report_viewer(user=person, is_report_viewer=True)
    person.refresh_from_db()
    assert person.is_report_viewer
    user_set_report_viewer(user=person, is_report_viewer=False)
    person.refresh_from_db()
    assert not person.is_report_viewer
