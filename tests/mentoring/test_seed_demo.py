from io import StringIO

import pytest
from django.core.management import call_command

from mentoring.management.commands.seed_demo import DEMO_PASSWORD, DEMO_PEOPLE
from mentoring.models import User
from schemes.models import Membership, Role, Scheme

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_prints_a_login_for_every_role():
    output = _seed()
    for email, _, _ in DEMO_PEOPLE:
        assert email in output
    assert DEMO_PASSWORD in output


def test_seed_demo_is_idempotent():
    _seed()
    counts = (User.objects.count(), Scheme.objects.count(), Membership.objects.count())
    _seed()
    assert (User.objects.count(), Scheme.objects.count(), Membership.objects.count()) == counts


def test_seed_demo_gives_each_account_its_role():
    _seed()
    scheme = Scheme.objects.get(slug="council-staff-mentoring")
    roles = dict(scheme.memberships.values_list("user__email", "role"))
    assert roles == {
        "coordinator@example.org": Role.COORDINATOR,
        "mentor@example.org": Role.MENTOR,
        "mentee@example.org": Role.MENTEE,
    }
    assert User.objects.get(email="hr@example.org").is_report_viewer
    assert User.objects.get(email="admin@example.org").is_superuser


@pytest.mark.parametrize("email", [email for email, _, _ in DEMO_PEOPLE])
def test_demo_logins_work_on_the_sign_in_page(client, email):
    _seed()
    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").context["user"].email == email


def test_seed_demo_restores_a_changed_demo_password(client):
    _seed()
    user = User.objects.get(email="mentee@example.org")
    user.set_password("something-else-entirely")
    user.save()
    _seed()
    assert client.login(email="mentee@example.org", password=DEMO_PASSWORD)
