"""The same form sent twice at the same moment, for real: two requests' transactions
race to the unique constraint, and the loser answers with the form's message.

PostgreSQL only (``DATABASE_URL=postgres://...``): SQLite serialises every write, so the
race is staged instead in ``test_double_submits.py``.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from mentoring.models import User
from schemes.models import Application, Role, Scheme
from schemes.services.applications import application_start
from schemes.services.schemes import NAME_TAKEN, scheme_create
from tests.concurrency import at_once, postgresql_only
from tests.factories import SchemeFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def twice_at_once(call):
    return at_once([call, call])


def test_one_scheme_is_made_and_the_other_request_is_told_the_name_is_taken():
    person = UserFactory()

    results = twice_at_once(lambda: scheme_create(name="Aspiring Leaders", coordinator=person))

    made = [r for r in results if isinstance(r, Scheme)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert refused[0].message_dict == {"name": [NAME_TAKEN]}
    assert list(Scheme.objects.all()) == made


def test_both_requests_to_apply_get_the_one_application():
    scheme = SchemeFactory()
    person = UserFactory()

    results = twice_at_once(lambda: application_start(scheme=scheme, user=person, role=Role.MENTEE))

    assert all(isinstance(r, Application) for r in results), results
    assert results[0].pk == results[1].pk
    assert Application.objects.filter(user=person).count() == 1


def test_two_sign_ups_with_one_address_make_one_account_and_no_error():
    data = {
        "name": "Priya Shah",
        "email": "priya@example.org",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
    }

    results = twice_at_once(lambda: Client().post("/accounts/signup/", data))

    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    assert User.objects.filter(email="priya@example.org").count() == 1
