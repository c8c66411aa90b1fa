import pytest
from allauth.account.models import EmailAddress

from mentoring.models import User
from mentoring.services import users_bulk_get_or_create
from tests.factories import UserFactory


@pytest.mark.django_db
def test_bulk_accounts_reuse_existing_people_whatever_the_case_and_create_the_rest():
    existing = UserFactory(email="Priya.Shah@Example.org", name="")
    users, created = users_bulk_get_or_create(
        names={"priya.shah@example.org": "Priya Shah", "tom@example.org": "Tom Okafor"},
        password="!unusable",
        verified=False,
    )
    assert created == 1
    assert users["priya.shah@example.org"].pk == existing.pk
    existing.refresh_from_db()
    assert existing.name == "Priya Shah"  # a blank name is filled in, nothing else changes
    tom = User.objects.get(email="tom@example.org")
    assert users["tom@example.org"] == tom
    assert not tom.has_usable_password()
    assert EmailAddress.objects.get(user=tom).verified is False

    again, created_again = users_bulk_get_or_create(
        names={"tom@example.org": "Someone Else"}, password="!unusable", verified=True
    )
    assert created_again == 0
    assert again["tom@example.org"].name == "Tom Okafor"
