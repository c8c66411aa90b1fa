"""A form sent twice (a double click, a second tab, two requests at once) is answered with
the form's message, never a 500 from the database's unique constraint.

A race is staged by saving the competing row at the moment between the service's check
and its save, as the other request would.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from schemes.models import Application, Membership, Role, Scheme
from schemes.services import schemes as scheme_services
from schemes.services.applications import application_start
from schemes.services.schemes import NAME_TAKEN, scheme_create
from tests.factories import ApplicationFactory, SchemeFactory, UserFactory
from tests.schemes.test_setup_views import beside, field_value, scheme_data

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("schemes:create")


# --- creating a scheme ----------------------------------------------------------------


def test_a_second_scheme_with_the_same_name_is_refused_beside_the_name():
    person = UserFactory()
    scheme_create(name="Aspiring Leaders", coordinator=person)
    with pytest.raises(ValidationError) as error:
        scheme_create(name=" aspiring leaders ", coordinator=person)
    assert error.value.message_dict == {"name": [NAME_TAKEN]}
    assert Scheme.objects.count() == 1


def test_two_creates_at_once_answer_the_second_with_the_name_message(monkeypatch):
    person = UserFactory()
    # The other request saved its scheme after this one's checks: its address is taken.
    SchemeFactory(name="Saved a moment ago", slug="aspiring-leaders")
    monkeypatch.setattr(scheme_services, "_unique_slug", lambda name: "aspiring-leaders")

    with pytest.raises(ValidationError) as error:
        scheme_create(name="Aspiring Leaders", coordinator=person)
    assert error.value.message_dict == {"name": [NAME_TAKEN]}
    assert not Membership.objects.filter(user=person).exists()


def test_renaming_a_scheme_to_another_schemes_name_is_refused(scheme, other_scheme):
    with pytest.raises(ValidationError) as error:
        scheme_services.scheme_update(scheme=scheme, name=other_scheme.name.upper())
    assert error.value.message_dict == {"name": [NAME_TAKEN]}
    # Keeping its own name is no clash.
    scheme_services.scheme_update(scheme=scheme, name=scheme.name)


def test_the_create_form_sent_twice_shows_the_message_beside_the_name(client, coordinator):
    client.force_login(coordinator)
    first = client.post(CREATE_URL, scheme_data())
    assert first.status_code == 302

    second = client.post(CREATE_URL, scheme_data())
    assert second.status_code == 200
    assert NAME_TAKEN in beside(second, "name")
    assert field_value(second, "name") == "Aspiring Leaders 2027"
    assert Scheme.objects.filter(name="Aspiring Leaders 2027").count() == 1


def test_the_create_form_in_a_race_shows_the_message_beside_the_name(
    client, coordinator, monkeypatch
):
    SchemeFactory(name="Saved a moment ago", slug="aspiring-leaders-2027")
    monkeypatch.setattr(scheme_services, "_unique_slug", lambda name: "aspiring-leaders-2027")
    client.force_login(coordinator)

    response = client.post(CREATE_URL, scheme_data())
    assert response.status_code == 200
    assert NAME_TAKEN in beside(response, "name")
    assert not Scheme.objects.filter(name="Aspiring Leaders 2027").exists()


# --- applying through the open link ---------------------------------------------------


def _race_in(monkeypatch, make_competitor):
    """Save ``make_competitor()`` just after ``application_start`` found no application
    (it checks the scheme's window next), as a second request would."""
    window_problem = Scheme.window_problem

    def competing(self):
        make_competitor()
        monkeypatch.setattr(Scheme, "window_problem", window_problem)
        return window_problem(self)

    monkeypatch.setattr(Scheme, "window_problem", competing)


def test_starting_twice_at_once_resumes_the_draft_the_other_request_made(
    scheme, outsider, monkeypatch
):
    other = {}
    _race_in(
        monkeypatch,
        lambda: other.setdefault(
            "draft", ApplicationFactory(scheme=scheme, user=outsider, role=Role.MENTEE)
        ),
    )
    application = application_start(scheme=scheme, user=outsider, role=Role.MENTEE)
    assert application.pk == other["draft"].pk
    assert application.status == Application.Status.DRAFT
    assert Application.objects.filter(user=outsider).count() == 1


def test_starting_while_the_other_request_submitted_says_already_applied(
    scheme, outsider, monkeypatch
):
    _race_in(
        monkeypatch,
        lambda: ApplicationFactory(
            scheme=scheme, user=outsider, role=Role.MENTEE, status=Application.Status.SUBMITTED
        ),
    )
    with pytest.raises(ValidationError) as error:
        application_start(scheme=scheme, user=outsider, role=Role.MENTEE)
    assert "You have already applied to Council staff mentoring as a mentee" in str(error.value)


def test_the_open_link_sent_twice_at_once_goes_to_the_application(
    client, scheme, open_link, outsider, monkeypatch
):
    other = {}
    _race_in(
        monkeypatch,
        lambda: other.setdefault(
            "draft", ApplicationFactory(scheme=scheme, user=outsider, role=Role.MENTEE)
        ),
    )
    client.force_login(outsider)
    response = client.post(
        reverse("schemes:open_apply", kwargs={"token": open_link}), {"role": "mentee"}
    )
    assert response.status_code == 302
    assert response.url.startswith(
        reverse("schemes:questionnaire_step", kwargs={"pk": other["draft"].pk, "step": "about"})
    )


def test_the_open_link_in_a_race_with_a_submission_says_already_applied(
    client, scheme, open_link, outsider, monkeypatch
):
    _race_in(
        monkeypatch,
        lambda: ApplicationFactory(
            scheme=scheme, user=outsider, role=Role.MENTEE, status=Application.Status.SUBMITTED
        ),
    )
    client.force_login(outsider)
    response = client.post(
        reverse("schemes:open_apply", kwargs={"token": open_link}), {"role": "mentee"}
    )
    assert response.status_code == 200
    assert "You have already applied to Council staff mentoring as a mentee." in response.text
    assert reverse("schemes:my_schemes") in response.text


@pytest.mark.django_db(transaction=True)
def test_the_migration_numbers_schemes_that_already_share_a_name():
    executor = MigrationExecutor(connection)
    executor.migrate([("schemes", "0004_import_upload")])
    old = executor.loader.project_state([("schemes", "0004_import_upload")]).apps
    OldScheme = old.get_model("schemes", "Scheme")
    for n, name in enumerate(["Leaders", "leaders", "Leaders", "Other"]):
        OldScheme.objects.create(name=name, slug=f"s{n}")

    executor = MigrationExecutor(connection)
    executor.migrate([("schemes", "0005_scheme_name_unique")])

    names = list(Scheme.objects.order_by("slug").values_list("name", flat=True))
    assert names == ["Leaders", "leaders (2)", "Leaders (3)", "Other"]
    # Back to the latest schema: going back to 0004 also unapplied the migrations of
    # other apps that depend on later ones (the reminders), which later tests read.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
