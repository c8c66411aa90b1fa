"""The two CSV uploads (invitations and applications) as a spreadsheet writes them:
semicolons or tabs as well as commas, placeholder cells, a header with nobody under it,
and reasons that read as sentences."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentoring.validators import csv_delimiter
from schemes.choices import DESCRIPTIVE_WORDS
from schemes.models import Role
from schemes.services.imports import applications_import, applications_preview
from schemes.services.invitations import invitations_preview
from tests.factories import ApplicationFactory, UserFactory
from tests.schemes.test_import_services import MENTOR, csv_text, only_rejection

pytestmark = pytest.mark.django_db


def _with_delimiter(text: str, delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(csv.reader(io.StringIO(text)))
    return out.getvalue()


# --- the separator -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name,email,role\nAsha,asha@example.org,mentee\n", ","),
        ("name;email;role\nAsha;asha@example.org;mentee\n", ";"),
        ("name\temail\trole\nAsha\tasha@example.org\tmentee\n", "\t"),
        ('\ufeffname;email;role\n"Patel, Asha";asha@example.org;mentee\n', ";"),
        ("email\nasha@example.org\n", ","),
    ],
)
def test_the_separator_is_read_from_the_file(text, expected):
    assert csv_delimiter(text) == expected


def test_a_comma_file_whose_cells_hold_semicolon_lists_stays_a_comma_file(scheme):
    text = csv_text(scheme, {}, MENTOR)
    assert "; " in text  # descriptive words and development areas are lists
    assert csv_delimiter(text) == ","


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_applications_separated_by_semicolons_or_tabs_import(scheme, coordinator, delimiter):
    text = _with_delimiter(csv_text(scheme, {}, MENTOR), delimiter)
    preview = applications_preview(scheme=scheme, text=text)
    assert preview.error == ""
    assert [row.role for row in preview.valid] == ["mentee", "mentor"]
    assert preview.valid[0].values["descriptive_words"] == list(DESCRIPTIVE_WORDS[:5])
    assert applications_import(scheme=scheme, text=text, imported_by=coordinator).imported == 2


def test_invitations_separated_by_semicolons_are_read_row_by_row(scheme):
    text = "name;email;role\nAsha Patel;asha@example.org;mentee\nBo Li;bo@example.org;mentor\n"
    preview = invitations_preview(scheme=scheme, text=text)
    assert preview.error == "" and preview.rejected == []
    assert [(row.name, row.email, row.role) for row in preview.valid] == [
        ("Asha Patel", "asha@example.org", "mentee"),
        ("Bo Li", "bo@example.org", "mentor"),
    ]


# --- invitations -----------------------------------------------------------------------------


def test_a_header_with_nobody_under_it_is_refused_with_the_reason(scheme):
    preview = invitations_preview(scheme=scheme, text="name,email,role\n\n")
    assert preview.error == (
        "The file has a header row but nobody under it: add one row per person "
        "(name, e-mail, role) below the header."
    )
    assert preview.valid == [] and preview.rejected == []


@pytest.mark.parametrize("placeholder", ["", "-", "—", " \u2013 "])
def test_a_blank_or_placeholder_name_is_no_name(scheme, placeholder):
    preview = invitations_preview(scheme=scheme, text=f"{placeholder},asha@example.org,mentee\n")
    assert [(row.name, row.email) for row in preview.valid] == [("", "asha@example.org")]


def test_the_preview_says_no_name_was_given_rather_than_a_dash(client, coordinator, scheme):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("people.csv", b",asha@example.org,mentee\n", "text/csv")
    response = client.post(
        reverse("schemes:invitations_upload", kwargs={"slug": scheme.slug}),
        {"step": "preview", "file": upload},
    )
    html = response.content.decode()
    assert "No name given" in html
    assert "<td>—</td>" not in html


# --- applications ----------------------------------------------------------------------------


def test_someone_with_an_approved_application_is_rejected_in_good_english(scheme):
    person = UserFactory(email="alex.taylor@example.org")
    ApplicationFactory(scheme=scheme, user=person, role=Role.MENTEE, status="approved")
    preview = applications_preview(scheme=scheme, text=csv_text(scheme, {}))
    assert only_rejection(preview) == "already has an approved application as a mentee"


def test_a_bad_value_is_reported_once_not_again_as_missing(scheme):
    text = csv_text(scheme, {"grade": "Grade 99", "term": "forever"})
    reasons = applications_preview(scheme=scheme, text=text).rejected[0].reasons
    assert len(reasons) == 2, reasons
    assert reasons[0].startswith("Grade: “Grade 99” is not one of the scheme's entries")
    assert reasons[1].startswith("Long term or a short boost: “forever” is not one of")
    assert not any("missing" in reason for reason in reasons)


def test_a_missing_answer_is_still_reported_beside_a_bad_one(scheme):
    text = csv_text(scheme, {"grade": "Grade 99", "job_title": None})
    reasons = applications_preview(scheme=scheme, text=text).rejected[0].reasons
    assert reasons[-1] == "missing: Job title"


def test_the_import_applies_the_questionnaires_length_limits(scheme):
    text = csv_text(scheme, {"responsibilities": "x" * 4001, "job_title": "y" * 201})
    reasons = applications_preview(scheme=scheme, text=text).rejected[0].reasons
    assert (
        "Your current responsibilities: 4,001 characters, more than the 4,000 the "
        "questionnaire allows"
    ) in reasons
    assert "Job title: 201 characters, more than the 200 the questionnaire allows" in reasons
    at_the_limit = csv_text(scheme, {"responsibilities": "x" * 4000, "job_title": "y" * 200})
    assert len(applications_preview(scheme=scheme, text=at_the_limit).valid) == 1
