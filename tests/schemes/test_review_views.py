"""The coordinator's review: the filtered list of applications with its counts, and one
application with its answers, its consent and the decision."""

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from schemes import selectors
from schemes.models import Application, Membership, Role
from tests.factories import ApplicationFactory, UserFactory
from tests.html import Page, assert_accessible_page

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo(settings.TIME_ZONE)

SUBMITTED = Application.Status.SUBMITTED


def at(day: int) -> datetime:
    return datetime(2025, 3, day, 12, 0, tzinfo=LOCAL)


@pytest.fixture
def people(scheme):
    """Applications of every kind to ``scheme``, named for what they are."""
    make = ApplicationFactory
    return {
        "old_mentee": make(
            scheme=scheme,
            role=Role.MENTEE,
            status=SUBMITTED,
            submitted_at=at(1),
            department="Housing",
            user__name="Olive Old",
        ),
        "new_mentee": make(
            scheme=scheme,
            role=Role.MENTEE,
            status=SUBMITTED,
            submitted_at=at(20),
            department="Finance",
            user__name="Nina New",
            user__email="nina@council.example",
        ),
        "mentor": make(
            scheme=scheme,
            role=Role.MENTOR,
            status=Application.Status.APPROVED,
            submitted_at=at(10),
            department="Housing",
            user__name="Mo Mentor",
        ),
        "draft": make(scheme=scheme, role=Role.MENTEE, user__name="Dee Draft"),
    }


def list_url(**query):
    url = reverse("schemes:applications", kwargs={"slug": "council"})
    if query:
        url += "?" + urlencode(query)
    return url


def detail_url(application, **query):
    url = reverse("schemes:application_detail", kwargs={"slug": "council", "pk": application.pk})
    if query:
        url += "?" + urlencode(query)
    return url


def names_in(response) -> list[str]:
    return [a.user.display_name for a in response.context["page"].object_list]


# --- selectors ---------------------------------------------------------------------------


def test_applications_come_newest_first_with_drafts_last(scheme, people):
    names = [a.user.name for a in selectors.scheme_applications(scheme)]
    assert names == ["Nina New", "Mo Mentor", "Olive Old", "Dee Draft"]


def test_each_filter_narrows_the_list(scheme, people):
    def names(**filters):
        return {a.user.name for a in selectors.scheme_applications(scheme, **filters)}

    assert names(role=Role.MENTOR) == {"Mo Mentor"}
    assert names(status=Application.Status.DRAFT) == {"Dee Draft"}
    assert names(department="housing") == {"Olive Old", "Mo Mentor"}
    assert names(submitted_from=at(10).date()) == {"Nina New", "Mo Mentor"}
    assert names(submitted_to=at(10).date()) == {"Olive Old", "Mo Mentor"}
    assert names(search="NINA@council") == {"Nina New"}
    assert names(search="old") == {"Olive Old"}


def test_counts_per_status_and_role_follow_the_filter_in_one_query(
    scheme, people, django_assert_num_queries
):
    applications = selectors.scheme_applications(scheme, department="Housing")
    with django_assert_num_queries(1):
        counts = selectors.application_counts(applications)
    assert counts.total == 2
    by_status = {t.value: t.count for t in counts.by_status}
    assert by_status["submitted"] == 1 and by_status["approved"] == 1 and by_status["draft"] == 0
    assert {t.value: t.count for t in counts.by_role} == {"mentor": 1, "mentee": 1}


def test_departments_come_from_the_schemes_list_or_from_the_applications(scheme, people):
    assert selectors.application_departments(scheme) == ["Finance", "Housing"]
    scheme.departments = ["Housing", "Parks"]
    assert selectors.application_departments(scheme) == ["Housing", "Parks"]


# --- the list page -----------------------------------------------------------------------


def test_coordinator_sees_every_application_with_drafts_marked(client, coordinator, people):
    client.force_login(coordinator)
    response = client.get(list_url())
    assert names_in(response) == ["Nina New", "Mo Mentor", "Olive Old", "Dee Draft"]
    html = response.content.decode()
    assert "Draft (not submitted yet)" in html
    assert "nina@council.example" in html
    assert response.context["counts"].total == 4


def test_coordinator_filters_the_list_and_the_counts_follow(client, coordinator, people):
    client.force_login(coordinator)
    response = client.get(list_url(role="mentee", department="Housing"))
    assert names_in(response) == ["Olive Old"]
    assert response.context["counts"].total == 1
    assert "1 application matches these filters" in response.content.decode()


def test_a_bad_filter_value_is_shown_beside_its_field_and_the_others_still_apply(
    client, coordinator, people
):
    client.force_login(coordinator)
    response = client.get(list_url(status="lost", role="mentor", submitted_from="not-a-date"))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"status", "submitted_from"}
    assert names_in(response) == ["Mo Mentor"]
    page = Page(response.content.decode())
    assert page.find("id_status")["aria-invalid"] == "true"
    assert_accessible_page(page)


def test_dates_in_the_wrong_order_are_explained(client, coordinator, people):
    client.force_login(coordinator)
    response = client.get(list_url(submitted_from="2025-03-20", submitted_to="2025-03-01"))
    assert "on or after" in response.context["form"].errors["submitted_to"][0]


def test_an_empty_scheme_says_how_to_get_applications(client, coordinator):
    client.force_login(coordinator)
    html = client.get(list_url()).content.decode()
    assert "No one has applied" in html
    assert reverse("schemes:applications_import", kwargs={"slug": "council"}) in html


def test_no_match_for_the_filters_offers_to_clear_them(client, coordinator, people):
    client.force_login(coordinator)
    html = client.get(list_url(q="nobody at all")).content.decode()
    assert "No application matches these filters" in html


def test_pages_of_fifty_keep_the_filters(client, coordinator, scheme):
    ApplicationFactory.create_batch(55, scheme=scheme, role=Role.MENTOR, status=SUBMITTED)
    ApplicationFactory(scheme=scheme, role=Role.MENTEE, status=SUBMITTED)
    client.force_login(coordinator)
    first = client.get(list_url(role="mentor"))
    assert len(first.context["page"].object_list) == 50
    assert f'href="{list_url()}?role=mentor&amp;page=2"' in first.content.decode()
    second = client.get(list_url(role="mentor", page=2))
    assert len(second.context["page"].object_list) == 5


def test_a_row_links_to_the_detail_with_the_way_back(client, coordinator, people):
    client.force_login(coordinator)
    html = client.get(list_url(role="mentor")).content.decode()
    expected = detail_url(people["mentor"]) + "?next=/schemes/council/applications/%3Frole%3Dmentor"
    assert expected in html


@pytest.mark.parametrize("rows", [5, 60])
def test_the_list_takes_the_same_queries_however_many_rows(
    client, coordinator, scheme, rows, django_assert_max_num_queries
):
    for n in range(rows):
        ApplicationFactory(
            scheme=scheme,
            role=Role.MENTOR if n % 2 else Role.MENTEE,
            status=SUBMITTED,
            department="Housing",
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(10):  # with the navigation's unread count
        response = client.get(list_url(department="Housing"))
    assert response.context["counts"].total == rows


# --- the detail page ---------------------------------------------------------------------


def test_detail_shows_the_person_their_answers_and_the_consent(
    client, coordinator, mentee_application
):
    mentee_application.job_title = "Revenues officer"
    mentee_application.save()
    client.force_login(coordinator)
    response = client.get(detail_url(mentee_application))
    html = response.content.decode()
    assert mentee_application.user.email in html
    assert "Revenues officer" in html
    assert "Your goals" in html  # the mentee's own step of the questionnaire
    assert escape(mentee_application.consent_text) in html
    assert f"Given on {timezone.localtime(mentee_application.consented_at):%-d %B %Y}" in html
    assert "Approve" in html and "Wait-list" in html and "Decline" in html


def test_detail_offers_only_the_decisions_that_change_the_status(
    client, coordinator, mentee_application
):
    mentee_application.status = Application.Status.WAITLISTED
    mentee_application.save()
    client.force_login(coordinator)
    decisions = client.get(detail_url(mentee_application)).context["decisions"]
    assert [value for value, _ in decisions] == ["approve", "decline"]


def test_a_draft_is_shown_as_not_submitted_and_cannot_be_decided(client, coordinator, scheme):
    draft = ApplicationFactory(scheme=scheme, role=Role.MENTEE)
    client.force_login(coordinator)
    response = client.get(detail_url(draft))
    assert "Not submitted yet" in response.content.decode()
    assert response.context["decisions"] == []
    refused = client.post(detail_url(draft), {"decision": "approve"})
    assert refused.status_code == 200
    assert "cannot be decided on" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_another_schemes_application_is_not_found(client, coordinator, other_scheme):
    elsewhere = ApplicationFactory(scheme=other_scheme, status=SUBMITTED)
    client.force_login(coordinator)
    assert client.get(detail_url(elsewhere)).status_code == 404
    assert client.post(detail_url(elsewhere), {"decision": "approve"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == SUBMITTED


# --- decisions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "status", "member", "words"),
    [
        ("approve", Application.Status.APPROVED, True, "has been approved"),
        ("waitlist", Application.Status.WAITLISTED, False, "waiting list"),
        ("decline", Application.Status.DECLINED, False, "not been accepted"),
    ],
)
def test_each_decision_tells_the_person_with_the_reason_and_sets_the_membership(
    client,
    coordinator,
    scheme,
    django_capture_on_commit_callbacks,
    decision,
    status,
    member,
    words,
):
    person = UserFactory(email="applicant@example.org")
    application = ApplicationFactory(scheme=scheme, user=person, role=Role.MENTEE, status=SUBMITTED)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            detail_url(application), {"decision": decision, "reason": "Places are limited."}
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == status
    assert application.decided_by == coordinator
    assert application.decision_reason == "Places are limited."
    assert (
        Membership.objects.filter(scheme=scheme, user=person, role=Role.MENTEE).exists() is member
    )
    (message,) = mail.outbox
    assert message.to == ["applicant@example.org"]
    assert words in message.body and "Places are limited." in message.body


def test_a_decision_returns_to_the_filtered_list_with_a_message(
    client, coordinator, mentee_application
):
    client.force_login(coordinator)
    back = list_url(role="mentee", status="submitted")
    response = client.post(detail_url(mentee_application), {"decision": "approve", "next": back})
    assert response.url == back
    followed = client.get(response.url)
    assert "is approved" in followed.content.decode()


def test_a_decision_never_sends_the_coordinator_to_another_site(
    client, coordinator, mentee_application
):
    client.force_login(coordinator)
    response = client.post(
        detail_url(mentee_application),
        {"decision": "decline", "next": "https://evil.example/phish"},
    )
    assert response.url == list_url()


def test_deciding_the_same_way_twice_is_explained_not_repeated(
    client, coordinator, mentee_application, django_capture_on_commit_callbacks
):
    mentee_application.status = Application.Status.APPROVED
    mentee_application.save()
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail_url(mentee_application), {"decision": "approve"})
    assert response.status_code == 200
    assert "already approved" in response.content.decode()
    assert mail.outbox == []


def test_an_unknown_decision_is_refused_with_a_message(client, coordinator, mentee_application):
    client.force_login(coordinator)
    response = client.post(detail_url(mentee_application), {"decision": "promote"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    mentee_application.refresh_from_db()
    assert mentee_application.status == SUBMITTED


def test_the_detail_page_of_a_decided_application_says_who_decided(
    client, coordinator, mentee_application
):
    client.force_login(coordinator)
    client.post(detail_url(mentee_application), {"decision": "decline", "reason": "Full."})
    html = client.get(detail_url(mentee_application)).content.decode()
    assert f"by {coordinator.display_name}" in html
    assert "Full." in html
