"""Exports: each report's columns and rows on known data, the same content in CSV and
Excel, formula cells neutralised, no confidential text, participant codes, the export
log, who may export what, and large exports written by a worker."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementVersion, Goal
from dashboard.impact import impact_table
from dashboard.models import ExportJob, ExportLog
from dashboard.reports import REGISTRY, ExportRefused, NamesRefused, check_export, check_named
from dashboard.reports.jobs import export_jobs_expire
from dashboard.scope import Scope, participant_code, respondent_code
from matching.models import Mentorship
from mentoring.models import User
from schemes.models import Application, Role
from tests.dashboard.exports_helpers import csv_table, same_text, xlsx_bytes, xlsx_cells, xlsx_table
from tests.factories import ApplicationFactory, MembershipFactory
from tests.html import Page, assert_accessible_page
from tests.html import visible_text as text
from tests.sessions.helpers import second_pair

MARKER = "ZQX-CONFIDENTIAL-7731"


def scope_of(scheme, reader=None, **kwargs) -> Scope:
    return Scope(reader=reader, scheme_ids=(scheme.pk,), **kwargs)


def export_url(report: str, **query) -> str:
    from urllib.parse import urlencode

    return f"{reverse('dashboard:export', kwargs={'report': report})}?{urlencode(query)}"


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def signed_pair(active_mentorship, agreement_draft, goal, held_session):
    """``active_mentorship`` with its agreement in force two days after the match, one
    held session of 45 minutes, and two goals, one achieved."""
    matched_on = timezone.localtime(active_mentorship.created_at)
    AgreementVersion.objects.filter(pk=agreement_draft.pk).update(
        status=AgreementVersion.Status.IN_FORCE, in_force_at=matched_on + timedelta(days=2)
    )
    Goal.objects.filter(pk=goal.pk).update(status=Goal.Status.ACHIEVED)
    Goal.objects.create(mentorship=active_mentorship, title="Another", created_by=goal.created_by)
    return active_mentorship


# --- each report on known data ---


def test_participants_rows_show_codes_roles_statuses_and_whether_matched(scheme, active_mentorship):
    mentee_app = active_mentorship.mentee_application
    Application.objects.filter(pk=mentee_app.pk).update(department="Housing", grade="Grade 7")
    waiting = ApplicationFactory(scheme=scheme, role=Role.MENTOR, status="approved")
    table = csv_table("participants", scope_of(scheme))
    assert table[0] == [
        "Scheme",
        "Participant",
        "Role",
        "Application status",
        "Department",
        "Grade",
        "Submitted",
        "Matched",
    ]
    rows = {row[1]: row for row in table[1:]}
    assert len(rows) == 3
    mentee_row = rows[participant_code(scheme.pk, active_mentorship.mentee_id)]
    assert mentee_row == [
        scheme.name,
        participant_code(scheme.pk, active_mentorship.mentee_id),
        "Mentee",
        "Matched",
        "Housing",
        "Grade 7",
        timezone.localdate(mentee_app.submitted_at).isoformat(),
        "yes",
    ]
    assert rows[participant_code(scheme.pk, waiting.user_id)][2:4] == ["Mentor", "Approved"]
    assert rows[participant_code(scheme.pk, waiting.user_id)][-1] == "no"
    assert "mentee@example.org" not in str(table)


def test_named_participants_have_names_and_e_mail_addresses(
    scheme, coordinator, mentee_application
):
    User.objects.filter(pk=mentee_application.user_id).update(name="Priya Patel")
    table = csv_table("participants", scope_of(scheme, coordinator, named=True))
    assert table[0][1:3] == ["Participant", "E-mail"]
    assert table[1][1:3] == ["Priya Patel", "mentee@example.org"]


def test_mentorships_rows_count_sessions_hours_signature_and_goals(scheme, signed_pair):
    table = csv_table("mentorships", scope_of(scheme))
    assert table[0] == [
        "Scheme",
        "Mentee",
        "Mentor",
        "Matched",
        "Started",
        "Ended",
        "Stage",
        "Status",
        "Sessions held",
        "Hours",
        "Agreement signed",
        "Days from match to signature",
        "Goals set",
        "Goals achieved",
    ]
    matched_on = timezone.localdate(signed_pair.created_at)
    assert table[1:] == [
        [
            scheme.name,
            participant_code(scheme.pk, signed_pair.mentee_id),
            participant_code(scheme.pk, signed_pair.mentor_id),
            matched_on.isoformat(),
            timezone.localdate(signed_pair.started_at).isoformat(),
            "",
            "Initiation",
            "Active",
            "1",
            "0.75",
            (matched_on + timedelta(days=2)).isoformat(),
            "2",
            "2",
            "1",
        ]
    ]


def test_evaluations_rows_give_each_area_the_ratings_and_never_comments(scheme, evaluated_pair):
    table = csv_table("evaluations", scope_of(scheme))
    areas = list(scheme.development_areas)
    assert table[0] == [
        "Scheme",
        "Respondent",
        "Role",
        "Milestone",
        "Completed",
        *(f"Area: {area}" for area in areas),
        "Relationship rating (mean)",
        "Scheme rating",
        "Would recommend",
    ]
    by_key = {(row[2], row[3]): row for row in table[1:]}
    assert sorted(by_key) == [("Mentee", "Baseline"), ("Mentee", "End"), ("Mentor", "End")]
    baseline = by_key[("Mentee", "Baseline")]
    # A respondent code: the same for the mentee's two milestones, and unlike the
    # participant code of every other export, so nothing joins the ratings to a person.
    assert baseline[1] == respondent_code(scheme.pk, evaluated_pair.mentee_id)
    assert by_key[("Mentee", "End")][1] == baseline[1]
    assert baseline[1] != participant_code(scheme.pk, evaluated_pair.mentee_id)
    participants = csv_table("participants", scope_of(scheme))
    assert baseline[1] not in str(participants)
    assert baseline[5 : 5 + len(areas)] == ["2"] * len(areas)
    mentee_end = by_key[("Mentee", "End")]
    assert mentee_end[5 : 5 + len(areas)] == ["4"] * len(areas)
    assert mentee_end[-3:] == ["4", "4", "yes"]
    assert by_key[("Mentor", "End")][-3:] == ["5", "5", "yes"]
    assert "Good scheme." not in str(table)


def test_unnamed_evaluation_ratings_are_refused_by_department_or_grade(
    client, scheme, evaluated_pair, hr_viewer, coordinator
):
    url = reverse("dashboard:export", kwargs={"report": "evaluations"})
    client.force_login(hr_viewer)
    for query in ("department=Finance", "grade=Grade+2"):
        response = client.get(f"{url}?scheme={scheme.slug}&{query}")
        assert response.status_code == 403
        assert "whole schemes and periods only" in text(response)
    assert not ExportLog.objects.exists()
    assert client.get(f"{url}?scheme={scheme.slug}").status_code == 200
    # Named, for the scheme's coordinator, the filters stay open.
    client.force_login(coordinator)
    response = client.get(f"{url}?scheme={scheme.slug}&department=Finance&named=1")
    assert response.status_code == 200
    # The command line (the server's operator) is not refused.
    check_export(REGISTRY["evaluations"], scope_of(scheme, None, department="Finance"))
    with pytest.raises(ExportRefused):
        check_export(REGISTRY["evaluations"], scope_of(scheme, hr_viewer, department="Finance"))


def test_match_runs_rows_give_the_runs_figures(scheme, match_run):
    table = csv_table("match_runs", scope_of(scheme))
    assert table[0][:4] == ["Scheme", "Run started", "Trigger", "Status"]
    started = timezone.localtime(match_run.started_at).strftime("%Y-%m-%d %H:%M")
    assert table[1] == [
        scheme.name,
        started,
        "A coordinator",
        "Finished",
        "no",
        "1",
        "1",
        "1",
        "0",
        "20.0",
        "20.0",
        "yes",
        "",
    ]


def test_the_impact_report_is_the_impact_table(scheme, evaluated_pair):
    scope = scope_of(scheme)
    columns, rows = impact_table(scope)
    table = csv_table("impact", scope)
    assert table[0] == columns
    assert [[same_text(c) for c in row] for row in table[1:]] == [
        [same_text(c) for c in row] for row in rows
    ]
    assert REGISTRY["impact"].count(scope) == len(rows)


# --- one content, two formats ---


@pytest.fixture
def full_scheme(scheme, signed_pair, evaluated_pair, match_run, final_review):
    ApplicationFactory(scheme=scheme, role=Role.MENTOR, status="approved")
    return scheme


@pytest.mark.parametrize("report", sorted(REGISTRY))
def test_csv_and_excel_give_the_same_content(full_scheme, report):
    scope = scope_of(full_scheme)
    from_csv = csv_table(report, scope)
    from_xlsx = xlsx_table(report, scope)
    assert len(from_csv) > 1
    assert [[same_text(c) for c in row] for row in from_xlsx] == [
        [same_text(c) for c in row] for row in from_csv
    ]
    assert REGISTRY[report].count(scope) == len(from_csv) - 1


def test_numbers_stay_numbers_and_dates_stay_dates_in_excel(scheme, signed_pair):
    rows = xlsx_cells(xlsx_bytes("mentorships", scope_of(scheme)))
    header = [cell.value for cell in rows[0]]
    row = dict(zip(header, rows[1], strict=True))
    assert row["Sessions held"].data_type == "n" and row["Sessions held"].value == 1
    assert row["Hours"].value == 0.75
    assert row["Started"].is_date


def test_a_formula_in_a_name_is_neutralised_in_both_formats(scheme, coordinator, active_mentorship):
    formula = '=HYPERLINK("http://x")'
    User.objects.filter(pk=active_mentorship.mentee_id).update(name=formula)
    Application.objects.filter(pk=active_mentorship.mentee_application_id).update(
        department="+1-2", grade="@SUM(A1)"
    )
    scope = scope_of(scheme, coordinator, named=True)
    table = csv_table("mentorships", scope)
    assert table[1][1] == "'" + formula
    cells = xlsx_cells(xlsx_bytes("mentorships", scope))
    assert cells[1][1].value == "'" + formula
    assert cells[1][1].data_type == "s"
    participants = csv_table("participants", scope)
    mentee_row = next(row for row in participants if row[1] == "'" + formula)
    assert mentee_row[5:7] == ["'+1-2", "'@SUM(A1)"]
    sheet = xlsx_cells(xlsx_bytes("participants", scope))
    formulas = [c for row in sheet for c in row if c.data_type == "f"]
    assert formulas == []


# --- nothing a pair wrote ---


@pytest.fixture
def marked_pair(full_scheme, signed_pair, held_session, session_action, mentee, mentor):
    """Every kind of text a pair writes, with ``MARKER`` in it."""
    from agreements.models import Concern, ProgressEntry, Target
    from sessions.models import Evaluation, FinalReview, MentoringSession, Reflection, SessionAction

    pair = signed_pair
    MentoringSession.objects.filter(mentorship=pair).update(
        agenda={"since_last": MARKER}, summary=MARKER, cancel_reason=MARKER, place=MARKER
    )
    SessionAction.objects.filter(mentorship=pair).update(text=MARKER)
    Reflection.objects.create(
        session=held_session, author=mentee, kind="mentee_after", answers={"learned": MARKER}
    )
    Goal.objects.filter(mentorship=pair).update(title=MARKER, why=MARKER, success_criteria=MARKER)
    goal = Goal.objects.filter(mentorship=pair).first()
    Target.objects.create(
        goal=goal, what=MARKER, measure=MARKER, achievable=MARKER, due_on=timezone.localdate()
    )
    ProgressEntry.objects.create(
        goal=goal, rating=5, comment=MARKER, author=mentor, recorded_at=timezone.now()
    )
    Concern.objects.create(
        mentorship=pair,
        raised_by=mentee,
        role="mentee",
        topic="meeting",
        text=MARKER,
        action=MARKER,
    )
    Evaluation.objects.filter(mentorship__scheme=full_scheme).update(comments=MARKER)
    FinalReview.objects.filter(mentorship__scheme=full_scheme).update(
        targets_met=MARKER, enjoyed=MARKER, difficult=MARKER, marking_end=MARKER
    )
    AgreementVersion.objects.filter(mentorship=pair).update(purpose=MARKER, success=MARKER)
    Mentorship.objects.filter(scheme=full_scheme).update(end_reason=MARKER, decline_reason=MARKER)
    return pair


@pytest.mark.parametrize("report", sorted(REGISTRY))
@pytest.mark.parametrize("named", [False, True])
def test_no_confidential_text_in_any_export(marked_pair, coordinator, report, named):
    scope = scope_of(marked_pair.scheme, coordinator, named=named)
    assert MARKER not in str(csv_table(report, scope))
    assert MARKER not in str(xlsx_table(report, scope))


# --- participant codes ---


def test_a_participant_code_is_stable_in_a_scheme_and_differs_across_schemes(
    scheme, other_scheme, mentee_application
):
    ApplicationFactory(scheme=other_scheme, user=mentee_application.user, status="submitted")
    first = csv_table("participants", scope_of(scheme))[1][1]
    again = csv_table("participants", scope_of(scheme))[1][1]
    elsewhere = csv_table("participants", scope_of(other_scheme))[1][1]
    assert first == again == participant_code(scheme.pk, mentee_application.user_id)
    assert first.startswith("P-")
    assert elsewhere != first
    assert "mentee" not in first.lower()


def test_names_are_refused_to_hr_and_to_a_coordinator_beyond_their_schemes(
    scheme, other_scheme, hr_viewer, coordinator
):
    with pytest.raises(NamesRefused):
        check_named(scope_of(scheme, hr_viewer, named=True))
    with pytest.raises(NamesRefused):
        check_named(Scope(reader=coordinator, scheme_ids=(scheme.pk, other_scheme.pk), named=True))
    check_named(scope_of(scheme, coordinator, named=True))
    check_named(scope_of(scheme, None, named=True))  # the command line


# --- filters ---


def test_the_period_and_department_filter_the_mentorships(scheme, active_mentorship):
    other, _, _ = second_pair(scheme, "other")
    Mentorship.objects.filter(pk=other.pk).update(started_at=timezone.now() - timedelta(days=60))
    Application.objects.filter(pk=other.mentee_application_id).update(department="Finance")
    Application.objects.filter(pk=active_mentorship.mentee_application_id).update(
        department="Housing"
    )
    recent = scope_of(scheme, start=timezone.localdate() - timedelta(days=10))
    assert REGISTRY["mentorships"].count(recent) == 1
    finance = scope_of(scheme, department="Finance")
    rows = csv_table("mentorships", finance)[1:]
    assert [row[1] for row in rows] == [participant_code(scheme.pk, other.mentee_id)]
    # The participants of that department: its mentee and the mentor paired with them.
    people = {row[1] for row in csv_table("participants", finance)[1:]}
    assert people == {
        participant_code(scheme.pk, other.mentee_id),
        participant_code(scheme.pk, other.mentor_id),
    }


def test_the_export_reads_the_same_number_of_queries_for_more_pairs(
    scheme, signed_pair, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        csv_table("mentorships", scope_of(scheme))
    for n in range(4):
        second_pair(scheme, f"more{n}")
    with django_assert_max_num_queries(len(few)):
        assert len(csv_table("mentorships", scope_of(scheme))) == 6


# --- the pages and the log ---


def test_hr_downloads_a_pseudonymised_csv_and_it_is_logged(client, hr_viewer, scheme, signed_pair):
    client.force_login(hr_viewer)
    response = client.get(export_url("mentorships", format="csv", scheme="council"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="mentorships.csv"' in response["Content-Disposition"]
    text = streamed(response)
    assert participant_code(scheme.pk, signed_pair.mentee_id) in text
    assert "mentee@example.org" not in text
    log = ExportLog.objects.get()
    assert (log.user, log.report, log.format, log.channel, log.rows) == (
        hr_viewer,
        "mentorships",
        "csv",
        "web",
        1,
    )
    assert log.filters == {
        "schemes": [scheme.pk],
        "start": None,
        "end": None,
        "department": "",
        "grade": "",
        "named": False,
    }


def test_an_excel_download_is_a_workbook_and_is_logged(client, hr_viewer, scheme, signed_pair):
    client.force_login(hr_viewer)
    response = client.get(export_url("participants", format="xlsx", start="2000-01-01"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.cell(1, 1).value == "Scheme"
    log = ExportLog.objects.get()
    assert (log.format, log.rows, log.filters["start"]) == ("xlsx", 2, "2000-01-01")


def test_hr_asking_for_names_is_refused_with_a_message(client, hr_viewer, scheme):
    client.force_login(hr_viewer)
    response = client.get(export_url("participants", named="1"))
    assert response.status_code == 403
    assert "participant code" in response.content.decode()
    assert_accessible_page(Page(response.content.decode()))
    assert not ExportLog.objects.exists()


def test_a_coordinator_exports_names_of_their_own_scheme_only(
    client, coordinator, scheme, other_scheme, mentee_application
):
    User.objects.filter(pk=mentee_application.user_id).update(name="Priya Patel")
    client.force_login(coordinator)
    response = client.get(export_url("participants", named="1", scheme="council"))
    assert "Priya Patel" in streamed(response)
    assert client.get(export_url("participants", scheme="another")).status_code == 404
    # No scheme named: their own schemes only.
    ApplicationFactory(scheme=other_scheme, status="submitted")
    rows = streamed(client.get(export_url("participants"))).splitlines()
    assert len(rows) == 2


@pytest.mark.parametrize(
    "query",
    [
        {"format": "pdf"},
        {"start": "yesterday"},
        {"start": "2024-05-01", "end": "2024-04-01"},
        {"end": "2024-02-30"},
    ],
)
def test_bad_filters_give_a_message_and_status_400(client, hr_viewer, scheme, query):
    client.force_login(hr_viewer)
    response = client.get(export_url("participants", **query))
    assert response.status_code == 400
    page = response.content.decode()
    assert "This export cannot be made" in page
    assert_accessible_page(Page(page))


def test_an_unknown_report_is_404_and_anonymous_goes_to_sign_in(client, hr_viewer):
    response = client.get(export_url("participants"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    client.force_login(hr_viewer)
    assert client.get(export_url("salaries")).status_code == 404


def test_someone_with_no_schemes_to_read_is_told_so(client, mentee):
    client.force_login(mentee)
    response = client.get(export_url("participants"))
    assert response.status_code == 403
    assert "neither" in response.content.decode()


# --- large exports ---


@pytest.fixture
def large(settings, tmp_path):
    """Every export is large, and files go to a folder of the test's own."""
    settings.EXPORT_BACKGROUND_ROWS = 0
    settings.EXPORTS_DIR = tmp_path
    return tmp_path


def test_a_large_export_is_written_by_a_worker_for_the_person_who_asked(
    client,
    hr_viewer,
    scheme,
    signed_pair,
    large,
    django_capture_on_commit_callbacks,
    django_user_model,
):
    client.force_login(hr_viewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(export_url("mentorships", format="xlsx", scheme="council"))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("dashboard:export_job", kwargs={"uid": job.uid})
    assert (job.status, job.rows_done, job.rows_total, job.user) == ("done", 1, 1, hr_viewer)
    assert job.expires_at > timezone.now() + timedelta(hours=23)
    assert (large / job.file_name).is_file()

    page = client.get(response.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "The file is ready" in text
    assert reverse("dashboard:export_download", kwargs={"uid": job.uid}) in text
    assert_accessible_page(Page(text))
    data = client.get(response.url + "?format=json").json()
    assert data["status"] == "done" and data["rows_done"] == 1
    assert data["download_url"].endswith("/download/")

    download = client.get(data["download_url"])
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    assert sheet.cell(2, 2).value == participant_code(scheme.pk, signed_pair.mentee_id)
    log = ExportLog.objects.get()
    assert (log.channel, log.rows, log.user) == ("job", 1, hr_viewer)

    other = django_user_model.objects.create_user(email="hr2@example.org", is_report_viewer=True)
    client.force_login(other)
    assert client.get(response.url).status_code == 404
    assert client.get(data["download_url"]).status_code == 404


def test_a_job_page_shows_progress_while_the_worker_writes(client, hr_viewer, scheme, large):
    job = ExportJob.objects.create(
        user=hr_viewer,
        report="participants",
        format="csv",
        status="running",
        rows_done=400,
        rows_total=1000,
        filters={"schemes": [scheme.pk]},
        file_name="x.csv",
    )
    client.force_login(hr_viewer)
    url = reverse("dashboard:export_job", kwargs={"uid": job.uid})
    text = client.get(url).content.decode()
    assert "400</span> of 1000 rows written" in text
    assert "js/progress.js" in text
    assert ">Refresh</a>" in text
    assert_accessible_page(Page(text))
    assert client.get(url + "?format=json").json()["download_url"] == ""
    # Not ready: the download link leads back to the progress.
    download = client.get(reverse("dashboard:export_download", kwargs={"uid": job.uid}))
    assert download.status_code == 302 and download.url == url


def test_an_expired_export_is_gone_and_says_so(
    client, hr_viewer, scheme, signed_pair, large, django_capture_on_commit_callbacks
):
    client.force_login(hr_viewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(export_url("mentorships", format="csv"))
    job = ExportJob.objects.get()
    path = large / job.file_name
    assert path.is_file()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    download = client.get(reverse("dashboard:export_download", kwargs={"uid": job.uid}))
    assert download.status_code == 410
    assert "This export has expired" in download.content.decode()
    assert_accessible_page(Page(download.content.decode()))
    assert export_jobs_expire() == 1
    assert not path.exists()
    job.refresh_from_db()
    assert job.status == "expired"
    assert export_jobs_expire() == 0
    assert (
        "has expired"
        in client.get(reverse("dashboard:export_job", kwargs={"uid": job.uid})).content.decode()
    )


def test_a_job_whose_reader_lost_the_right_is_not_written(
    client, coordinator, scheme, signed_pair, large, django_capture_on_commit_callbacks
):
    from dashboard.reports.jobs import export_job_run, export_job_start

    job = export_job_start(
        user=coordinator,
        report=REGISTRY["participants"],
        fmt="csv",
        scope=scope_of(scheme, coordinator),
    )
    MembershipFactory._meta.model.objects.filter(user=coordinator).delete()
    assert export_job_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert "no longer read" in job.error
    assert not (large / job.file_name).exists()
    # Delivered twice: the second does nothing.
    assert export_job_run(job_id=job.pk) == "failed"


def test_the_expiry_sweep_is_scheduled():
    from mentoring.schedules import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["delete-expired-exports"]
    assert entry["task"] == "dashboard.tasks.delete_expired_exports"


def test_the_export_links_list_every_report_in_both_formats(client, hr_viewer, scheme):
    client.force_login(hr_viewer)
    page = client.get(reverse("dashboard:reports") + "?start=2024-01-01").content.decode()
    for identifier in REGISTRY:
        for fmt in ("csv", "xlsx"):
            link = export_url(identifier, start="2024-01-01", format=fmt)
            assert link.replace("&", "&amp;") in page
    assert "with names" not in page


def test_a_coordinator_is_offered_names_for_their_scheme_and_hr_never(
    rf, scheme, other_scheme, coordinator, hr_viewer
):
    from django.template.loader import render_to_string

    def links(user, on_scheme):
        request = rf.get("/")
        request.user = user
        return render_to_string(
            "dashboard/exports/_export_links.html", {"scheme": on_scheme}, request=request
        )

    own = links(coordinator, scheme)
    assert "with names" in own
    assert (
        export_url("mentorships", scheme="council", format="xlsx", named="1").replace("&", "&amp;")
        in own
    )
    assert "for Council staff mentoring" in own
    assert "with names" not in links(coordinator, other_scheme)
    assert "with names" not in links(hr_viewer, scheme)
    assert "with names" not in links(hr_viewer, None)
