"""One decision for many applications (ticked, or all those matching the filters) as one
transaction, and the filtered list as a CSV file whose cells are safe to open."""

import csv
import io
from collections import Counter

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import Manager
from django.http import StreamingHttpResponse
from django.urls import reverse

from mentoring.exports import csv_cell
from mentoring.models import OutboxMessage
from schemes.models import Application, Membership, Role
from schemes.services.applications import BulkDecision, applications_decide_bulk
from tests.factories import ApplicationFactory, SchemeFactory
from tests.html import Page, assert_accessible_page
from tests.html import visible_text as text

pytestmark = pytest.mark.django_db

SUBMITTED = Application.Status.SUBMITTED
APPROVED = Application.Status.APPROVED
DECIDE_URL = reverse("schemes:applications_decide", kwargs={"slug": "council"})
EXPORT_URL = reverse("schemes:applications_export", kwargs={"slug": "council"})
LIST_URL = reverse("schemes:applications", kwargs={"slug": "council"})


@pytest.fixture
def people(scheme):
    make = ApplicationFactory
    return {
        "ann": make(
            scheme=scheme,
            role=Role.MENTEE,
            status=SUBMITTED,
            department="Housing",
            user__name="Ann Able",
            user__email="ann@example.org",
        ),
        "ben": make(
            scheme=scheme,
            role=Role.MENTEE,
            status=SUBMITTED,
            department="Housing",
            user__name="Ben Best",
            user__email="ben@example.org",
        ),
        "cat": make(
            scheme=scheme,
            role=Role.MENTOR,
            status=SUBMITTED,
            department="Finance",
            user__name="Cat Cole",
            user__email="cat@example.org",
        ),
        "dee": make(
            scheme=scheme,
            role=Role.MENTEE,
            status=APPROVED,
            department="Housing",
            user__name="Dee Done",
            user__email="dee@example.org",
        ),
        "eve": make(
            scheme=scheme,
            role=Role.MENTEE,
            department="Housing",
            user__name="Eve Early",
            user__email="eve@example.org",
        ),
    }


def statuses(*applications) -> list[str]:
    return [Application.objects.get(pk=a.pk).status for a in applications]


# --- the service -------------------------------------------------------------------------


def test_a_bulk_approval_decides_each_one_emails_each_person_and_skips_the_rest(
    scheme, coordinator, people, django_capture_on_commit_callbacks
):
    chosen = Application.objects.filter(pk__in=[a.pk for a in people.values()])
    with django_capture_on_commit_callbacks(execute=True):
        result = applications_decide_bulk(
            scheme=scheme,
            applications=chosen,
            status=APPROVED,
            by=coordinator,
            reason="Welcome to the scheme.",
        )
    assert result.decided == 3
    assert dict(result.skipped) == {
        "already approved": 1,
        "draft, so cannot be decided on": 1,
    }
    for key in ("ann", "ben", "cat"):
        application = Application.objects.get(pk=people[key].pk)
        assert (application.status, application.decided_by) == (APPROVED, coordinator)
        assert application.decision_reason == "Welcome to the scheme."
        assert Membership.objects.filter(
            scheme=scheme, user=application.user, role=application.role
        ).exists()
    assert statuses(people["eve"]) == [Application.Status.DRAFT]
    # Each person e-mailed as a single decision does, with the reason.
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "ann@example.org",
        "ben@example.org",
        "cat@example.org",
    ]
    assert all("Welcome to the scheme." in message.body for message in mail.outbox)
    # Written to the outbox in the decision's transaction, one row per person.
    assert OutboxMessage.objects.filter(handler="schemes.application").count() == 3


def test_a_bulk_decline_takes_the_membership_away(
    scheme, coordinator, people, django_capture_on_commit_callbacks
):
    dee = people["dee"]
    Membership.objects.create(scheme=scheme, user=dee.user, role=Role.MENTEE)
    with django_capture_on_commit_callbacks(execute=True):
        result = applications_decide_bulk(
            scheme=scheme,
            applications=Application.objects.filter(pk=dee.pk),
            status=Application.Status.DECLINED,
            by=coordinator,
        )
    assert result.decided == 1
    assert statuses(dee) == [Application.Status.DECLINED]
    assert not Membership.objects.filter(scheme=scheme, user=dee.user).exists()
    assert [message.to for message in mail.outbox] == [["dee@example.org"]]


def test_the_bulk_decision_is_one_transaction_all_or_nothing(
    scheme, coordinator, people, monkeypatch, django_capture_on_commit_callbacks
):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    # The statuses are written, then the memberships fail: nothing may stay changed.
    monkeypatch.setattr(Manager, "bulk_create", fail)
    chosen = Application.objects.filter(pk__in=[people["ann"].pk, people["ben"].pk])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        applications_decide_bulk(
            scheme=scheme, applications=chosen, status=APPROVED, by=coordinator
        )
    assert statuses(people["ann"], people["ben"]) == [SUBMITTED, SUBMITTED]
    assert not Application.objects.filter(decided_by=coordinator).exists()
    assert not OutboxMessage.objects.exists()
    assert not mail.outbox


def test_when_none_can_take_the_decision_nothing_changes_and_it_says_why(
    scheme, coordinator, people
):
    chosen = Application.objects.filter(pk__in=[people["dee"].pk, people["eve"].pk])
    with pytest.raises(ValidationError) as raised:
        applications_decide_bulk(
            scheme=scheme, applications=chosen, status=APPROVED, by=coordinator
        )
    assert raised.value.messages == [
        "None of the 2 applications can be approved: 1 already approved; 1 draft, so "
        "cannot be decided on. Nothing was changed."
    ]
    assert statuses(people["dee"], people["eve"]) == [APPROVED, Application.Status.DRAFT]


def test_another_schemes_applications_are_never_decided(scheme, coordinator, people):
    foreign = ApplicationFactory(scheme=SchemeFactory(), role=Role.MENTEE, status=SUBMITTED)
    chosen = Application.objects.filter(pk__in=[foreign.pk, people["ann"].pk])
    result = applications_decide_bulk(
        scheme=scheme, applications=chosen, status=APPROVED, by=coordinator
    )
    assert result.decided == 1
    assert statuses(foreign) == [SUBMITTED]


# --- the list page -----------------------------------------------------------------------


def test_the_list_offers_a_labelled_tick_for_each_row_and_all_matching_the_filters(
    client, coordinator, people
):
    client.force_login(coordinator)
    response = client.get(LIST_URL, {"department": "Housing"})
    page = Page(response.content.decode())
    assert_accessible_page(page)
    content = text(response)
    assert "Tick Ann Able (mentee)" in content
    assert "All 4 applications matching these filters" in content
    assert "Download these 4 applications as CSV" in content
    assert any(attrs.get("href") == f"{EXPORT_URL}?department=Housing" for attrs, _ in page.links)


def test_ticked_applications_are_approved_at_once_with_a_summary(
    client, coordinator, people, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    ticked = [people[key].pk for key in ("ann", "ben", "dee")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DECIDE_URL,
            {
                "scope": "selected",
                "applications": ticked,
                "decision": "approve",
                "reason": "See you at the launch.",
                "department": "Housing",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?department=Housing"
    assert statuses(people["ann"], people["ben"], people["cat"]) == [
        APPROVED,
        APPROVED,
        SUBMITTED,
    ]
    assert len(mail.outbox) == 2
    shown = text(client.get(response["Location"]))
    assert (
        "2 applications are approved. An e-mail is on its way to each person to say so. "
        "1 was left as it was: 1 already approved." in shown
    )


def test_all_applications_matching_the_filters_are_decided_not_only_those_shown(
    client, coordinator, scheme, people, django_capture_on_commit_callbacks
):
    for _ in range(55):  # more than a page
        ApplicationFactory(scheme=scheme, role=Role.MENTEE, status=SUBMITTED, department="Finance")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            DECIDE_URL,
            {"scope": "all", "decision": "waitlist", "department": "Finance"},
        )
    finance = Application.objects.filter(scheme=scheme, department="Finance")
    assert finance.count() == 56
    assert set(finance.values_list("status", flat=True)) == {Application.Status.WAITLISTED}
    assert statuses(people["ann"], people["ben"]) == [SUBMITTED, SUBMITTED]
    assert len(mail.outbox) == 56


def test_nothing_ticked_is_explained_beside_the_choice_and_the_reason_is_kept(
    client, coordinator, people
):
    client.force_login(coordinator)
    response = client.post(
        DECIDE_URL,
        {
            "scope": "selected",
            "decision": "decline",
            "reason": "Not this year, sorry.",
            "status": "submitted",
        },
    )
    assert response.status_code == 200
    content = text(response)
    assert (
        "Tick at least one application below, or choose all those matching the filters." in content
    )
    assert "Not this year, sorry." in response.content.decode()
    # The list is still the filtered one.
    assert response.context["counts"].total == 3
    assert statuses(people["ann"]) == [SUBMITTED]
    assert_accessible_page(Page(response.content.decode()))


@pytest.mark.parametrize(
    "data",
    [
        {"scope": "selected", "applications": ["x"], "decision": "approve"},
        {"scope": "selected", "applications": ["99999999999999999999999"], "decision": "approve"},
        {"scope": "everything", "decision": "approve"},
        {"scope": "all", "decision": "promote"},
        {"scope": "all"},
        {"scope": "all", "decision": "approve", "reason": "Welcome\x00 aboard"},
    ],
)
def test_a_nonsense_bulk_request_is_explained_never_a_500(client, coordinator, people, data):
    client.force_login(coordinator)
    response = client.post(DECIDE_URL, data)
    assert response.status_code == 200
    assert response.context["bulk_form"].errors
    assert not Application.objects.filter(decided_by=coordinator).exists()


def test_a_refused_bulk_decision_shows_why_and_changes_nothing(client, coordinator, people):
    client.force_login(coordinator)
    response = client.post(
        DECIDE_URL, {"scope": "selected", "applications": [people["dee"].pk], "decision": "approve"}
    )
    assert response.status_code == 200
    assert "None of the 1 application can be approved: 1 already approved." in text(response)


# --- the export --------------------------------------------------------------------------


def test_the_export_streams_the_filtered_list_with_formula_cells_made_safe(
    client, coordinator, scheme, people
):
    ApplicationFactory(
        scheme=scheme,
        role=Role.MENTEE,
        status=SUBMITTED,
        department="Housing",
        user__name='=HYPERLINK("http://evil.example","Click")',
        user__email="x@example.org",
        responsibilities="Private answer about my work.",
    )
    ApplicationFactory(
        scheme=scheme,
        role=Role.MENTEE,
        status=SUBMITTED,
        department="Finance",
        user__name="Fay Finance",
    )
    client.force_login(coordinator)
    response = client.get(EXPORT_URL, {"department": "Housing"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="council-applications.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "Name",
        "E-mail",
        "Role",
        "Status",
        "Job title",
        "Department",
        "Grade",
        "Submitted",
        "Decided",
        "Imported",
    ]
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","Click")' in names
    assert "Ann Able" in names and "Fay Finance" not in names and "Cat Cole" not in names
    assert "Private answer" not in body


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Ann", "Ann"),
        (None, ""),
        (3, "3"),
    ],
)
def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(value, cell):
    assert csv_cell(value) == cell


def test_the_list_shown_again_after_a_refused_decision_pages_to_the_list_itself(
    client, coordinator, scheme
):
    for _ in range(55):
        ApplicationFactory(scheme=scheme, role=Role.MENTEE, status=SUBMITTED, department="Finance")
    client.force_login(coordinator)
    response = client.post(
        DECIDE_URL, {"scope": "selected", "decision": "approve", "department": "Finance"}
    )
    hrefs = {attrs.get("href") for attrs, _ in Page(response.content.decode()).links}
    assert f"{LIST_URL}?department=Finance&page=2" in hrefs


def test_the_export_takes_the_same_queries_however_many_rows(
    client, coordinator, scheme, django_assert_max_num_queries
):
    client.force_login(coordinator)

    def exported() -> int:
        response = client.get(EXPORT_URL)
        return len(b"".join(response.streaming_content).splitlines())

    ApplicationFactory.create_batch(3, scheme=scheme, role=Role.MENTEE, status=SUBMITTED)
    with django_assert_max_num_queries(8) as few:
        assert exported() == 4
    ApplicationFactory.create_batch(40, scheme=scheme, role=Role.MENTOR, status=SUBMITTED)
    with django_assert_max_num_queries(len(few)):
        assert exported() == 44


def test_the_summary_counts_in_the_singular_and_the_plural():
    assert BulkDecision(1, Counter()).summary("wait-listed") == (
        "1 application is wait-listed. An e-mail is on its way to them to say so."
    )
    assert BulkDecision(3, Counter({"already declined": 2})).summary("declined") == (
        "3 applications are declined. An e-mail is on its way to each person to say so. "
        "2 were left as they were: 2 already declined."
    )
