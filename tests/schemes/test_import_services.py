"""Importing existing applications from a CSV: the checks on every row, and the
all-or-nothing import of the valid ones."""

import csv
import io
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentoring.models import User
from schemes import choices
from schemes.models import Application, CustomQuestion, Invitation, Role
from schemes.questionnaire import consent_text, missing_answers
from schemes.services import imports
from schemes.services.applications import application_submit
from schemes.services.imports import (
    applications_import,
    applications_preview,
    applications_template,
)
from schemes.services.invitations import invitation_accept
from tests.factories import (
    ApplicationFactory,
    CustomQuestionFactory,
    InvitationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo(settings.TIME_ZONE)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "import.md"


def template_rows(scheme) -> tuple[list[str], dict]:
    """The header of ``scheme``'s template and its sample row as a dict."""
    header, sample = list(csv.reader(io.StringIO(applications_template(scheme))))
    return header, dict(zip(header, sample, strict=True))


def csv_text(scheme, *changes: dict, header: list[str] | None = None) -> str:
    """A file with one row per ``changes``: the template's sample row with those values
    changed (``None`` empties a cell)."""
    columns, sample = template_rows(scheme)
    columns = header or columns
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for change in changes:
        row = {**sample, **change}
        writer.writerow([row.get(column) or "" for column in columns])
    return out.getvalue()


MENTOR = {
    "role": "mentor",
    "reason": None,
    "reason_details": None,
    "areas_wanted": None,
    "success_means": None,
    "mentor_reasons": "I was mentored myself and it changed my career.",
    "mentored_before": "formal",
    "experience": "Twenty years in housing, ten of them managing teams.",
    "areas_offered": "Leadership; Confidence",
    "capacity": "2",
}


@pytest.fixture
def listed_scheme(scheme):
    """``scheme`` with its own departments and meeting places."""
    scheme.departments = ["Housing", "Finance", "Adult social care"]
    scheme.locations = ["Coventry", "Leamington Spa", "Rugby"]
    scheme.save()
    return scheme


def only_rejection(preview) -> str:
    assert not preview.valid, preview.valid
    assert len(preview.rejected) == 1, preview.rejected
    return preview.rejected[0].reason


# --- the template ------------------------------------------------------------------------


def test_template_has_every_column_and_a_sample_row_that_imports(listed_scheme, question):
    header, sample = template_rows(listed_scheme)
    assert header[:4] == ["email", "name", "role", "submitted_at"]
    assert "descriptive_words" in header and "capacity" in header
    assert header[-1] == "q:Which team sport do you follow?"
    assert sample["department"] == "Housing"
    preview = applications_preview(scheme=listed_scheme, text=applications_template(listed_scheme))
    assert preview.error == "" and preview.rejected == []
    assert [row.email for row in preview.valid] == ["alex.taylor@example.org"]


# --- whole-file errors ---------------------------------------------------------------------


def test_unknown_columns_are_a_whole_file_error_naming_them(scheme):
    header, _ = template_rows(scheme)
    text = csv_text(scheme, {}, header=[*header, "Shoe size", "q:Favourite colour?"])
    preview = applications_preview(scheme=scheme, text=text)
    assert "“Shoe size”" in preview.error and "“q:Favourite colour?”" in preview.error
    assert preview.valid == [] and preview.rejected == []


def test_missing_required_columns_are_named_for_the_roles_in_the_file(scheme):
    header, _ = template_rows(scheme)
    without = [c for c in header if c not in ("grade", "areas_wanted", "areas_offered")]
    preview = applications_preview(scheme=scheme, text=csv_text(scheme, {}, header=without))
    assert "grade" in preview.error and "areas_wanted" in preview.error
    # Only mentees are in the file: the mentors' column is not asked for.
    assert "areas_offered" not in preview.error


def test_a_required_question_column_must_be_there(scheme):
    header, _ = template_rows(scheme)
    CustomQuestionFactory(scheme=scheme, text="Which site do you work at?", required=True)
    preview = applications_preview(scheme=scheme, text=csv_text(scheme, {}, header=header))
    assert "q:Which site do you work at?" in preview.error


def test_an_empty_file_and_a_header_alone_are_whole_file_errors(scheme):
    assert "empty" in applications_preview(scheme=scheme, text="\n\n").error
    header, _ = template_rows(scheme)
    assert "no applications" in applications_preview(scheme=scheme, text=",".join(header)).error


def test_a_whole_file_error_imports_nothing(scheme, coordinator):
    header, _ = template_rows(scheme)
    text = csv_text(scheme, {}, header=[*header, "mystery"])
    with pytest.raises(ValidationError, match="mystery"):
        applications_import(scheme=scheme, text=text, imported_by=coordinator)
    assert not Application.objects.exists()
    assert not User.objects.filter(email="alex.taylor@example.org").exists()


def test_columns_may_come_in_any_order_and_case(scheme):
    header, sample = template_rows(scheme)
    shuffled = list(reversed(header))
    text = ",".join(c.upper() for c in shuffled) + "\n"
    text += ",".join(f'"{sample[c]}"' for c in shuffled) + "\n"
    preview = applications_preview(scheme=scheme, text=text)
    assert preview.error == "" and len(preview.valid) == 1


# --- each reason a row is rejected ---------------------------------------------------------


def test_a_bad_email_address_is_rejected(scheme):
    preview = applications_preview(scheme=scheme, text=csv_text(scheme, {"email": "alex@"}))
    assert "“alex@” is not a valid e-mail address" in only_rejection(preview)


def test_an_unknown_role_is_rejected(scheme):
    preview = applications_preview(scheme=scheme, text=csv_text(scheme, {"role": "supervisor"}))
    assert "the role must be mentee or mentor (not “supervisor”)" in only_rejection(preview)


def test_a_value_outside_the_schemes_lists_is_rejected(listed_scheme):
    text = csv_text(
        listed_scheme,
        {"department": "Parks"},
        {"email": "b@example.org", "areas_wanted": "Confidence; Juggling"},
        {"email": "c@example.org", "locations": "Mars"},
        {"email": "d@example.org", "grade": "Grade 99"},
    )
    preview = applications_preview(scheme=listed_scheme, text=text)
    reasons = {row.line: row.reason for row in preview.rejected}
    assert "Profession or department: “Parks” is not one of the scheme's entries" in reasons[2]
    assert "“Juggling” is not in the list" in reasons[3]
    assert "“Mars” is not in the list" in reasons[4]
    assert "“Grade 99”" in reasons[5]
    assert preview.valid == []


def test_a_choice_outside_the_fixed_list_is_rejected(scheme):
    preview = applications_preview(scheme=scheme, text=csv_text(scheme, {"term": "forever"}))
    assert "Long term or a short boost: “forever” is not one of the choices" in only_rejection(
        preview
    )


def test_not_exactly_five_descriptive_words_is_rejected(scheme):
    text = csv_text(scheme, {"descriptive_words": "Calm; Caring; Creative"})
    assert "exactly 5 words that describe you" in only_rejection(
        applications_preview(scheme=scheme, text=text)
    )


def test_a_word_not_in_the_list_is_rejected(scheme):
    text = csv_text(scheme, {"descriptive_words": "Calm; Caring; Creative; Curious; Grumpy"})
    assert "“Grumpy” is not in the list" in only_rejection(
        applications_preview(scheme=scheme, text=text)
    )


def test_missing_required_answers_are_named(scheme):
    text = csv_text(scheme, {"job_title": None, "reason": None})
    reason = only_rejection(applications_preview(scheme=scheme, text=text))
    assert "missing: Job title" in reason
    assert "Main reason for seeking a mentor" in reason


def test_a_mentor_needs_the_mentors_answers_not_the_mentees(scheme):
    valid = applications_preview(scheme=scheme, text=csv_text(scheme, MENTOR))
    assert len(valid.valid) == 1
    incomplete = {**MENTOR, "mentor_reasons": None, "areas_offered": None}
    reason = only_rejection(applications_preview(scheme=scheme, text=csv_text(scheme, incomplete)))
    assert "Your reasons for offering to mentor" in reason
    assert "Areas you can help with" in reason
    assert "Areas you want to develop" not in reason


def test_the_same_person_and_role_twice_in_the_file_is_rejected(scheme):
    text = csv_text(scheme, {}, {"email": "ALEX.TAYLOR@example.org"}, MENTOR)
    preview = applications_preview(scheme=scheme, text=text)
    assert [row.line for row in preview.valid] == [2, 4]  # a mentee and a mentor: both fine
    assert [(row.line, row.reason) for row in preview.rejected] == [
        (3, "appears more than once in this file as a mentee (first on line 2)")
    ]


def test_someone_who_already_applied_is_rejected(scheme):
    person = UserFactory(email="Alex.Taylor@example.org")
    ApplicationFactory(scheme=scheme, user=person, role=Role.MENTEE)
    preview = applications_preview(scheme=scheme, text=csv_text(scheme, {}, MENTOR))
    assert [row.role for row in preview.valid] == ["mentor"]
    assert preview.rejected[0].reason == "already has a draft application as a mentee"


def test_every_reason_of_a_row_is_given_at_once(scheme):
    text = csv_text(scheme, {"email": "nope", "term": "forever", "job_title": None})
    reasons = applications_preview(scheme=scheme, text=text).rejected[0].reasons
    assert len(reasons) == 3, reasons


def test_line_numbers_count_lines_of_the_file_including_quoted_line_breaks(scheme):
    text = csv_text(
        scheme,
        {"responsibilities": "Two lines\nof responsibilities"},
        {"email": "second@example.org", "role": "teacher"},
    )
    preview = applications_preview(scheme=scheme, text=text)
    assert preview.rejected[0].line == 4


def test_a_submission_date_in_the_future_or_unreadable_is_rejected(scheme):
    text = csv_text(
        scheme,
        {"submitted_at": "2999-01-01"},
        {"email": "b@example.org", "submitted_at": "last Tuesday"},
        {"email": "c@example.org", "submitted_at": "31/01/2025 14:30"},
    )
    preview = applications_preview(scheme=scheme, text=text)
    assert "in the future" in preview.rejected[0].reason
    assert "“last Tuesday” is not a date" in preview.rejected[1].reason
    assert preview.valid[0].submitted_at == datetime(2025, 1, 31, 14, 30, tzinfo=LOCAL)


# --- values: labels or values, lists, custom questions --------------------------------------


def test_choices_accept_the_value_or_the_label_in_any_case(scheme):
    text = csv_text(
        scheme,
        {
            "term": "A SHORT BOOST (A FEW SESSIONS)",
            "face_to_face": "essential",
            "travel": "25",
            "heard_from": "My manager",
            "reason": "NETWORK",
        },
    )
    (row,) = applications_preview(scheme=scheme, text=text).valid
    assert row.values["term"] == choices.Term.SHORT
    assert row.values["face_to_face"] == choices.FaceToFace.ESSENTIAL
    assert row.values["travel"] == choices.Travel.TWENTY_FIVE_MILES
    assert row.values["heard_from"] == choices.HeardFrom.MANAGER
    assert row.values["reason"] == choices.MenteeReason.NETWORK


def test_list_entries_are_matched_to_the_schemes_spelling(listed_scheme):
    text = csv_text(listed_scheme, {"locations": "coventry;  RUGBY ;", "department": "finance"})
    (row,) = applications_preview(scheme=listed_scheme, text=text).valid
    assert row.values["locations"] == ["Coventry", "Rugby"]
    assert row.values["department"] == "Finance"


def test_custom_questions_are_answered_in_their_own_columns(scheme, question):
    CustomQuestionFactory(scheme=scheme, text="How confident are you?", kind="scale")
    CustomQuestionFactory(
        scheme=scheme, text="Which days suit you?", kind="multiple", choices=["Mon", "Tue", "Wed"]
    )
    text = csv_text(
        scheme,
        {
            "q:Which team sport do you follow?": "rugby",
            "q:How confident are you?": "4",
            "q:Which days suit you?": "mon; WED",
        },
        {"email": "b@example.org", "q:Which team sport do you follow?": "Curling"},
        {"email": "c@example.org", "q:How confident are you?": "9"},
    )
    preview = applications_preview(scheme=scheme, text=text)
    (row,) = preview.valid
    by_text = {q.text: str(q.pk) for q in scheme.questions.all()}
    assert row.answers == {
        by_text["Which team sport do you follow?"]: "Rugby",
        by_text["How confident are you?"]: 4,
        by_text["Which days suit you?"]: ["Mon", "Wed"],
    }
    assert "“Curling” is not one of its choices" in preview.rejected[0].reason
    assert "“9” is not a number from 1 to 5" in preview.rejected[1].reason


def test_a_required_custom_question_left_empty_is_missing(scheme, question):
    question.required = True
    question.save()
    text = csv_text(scheme, {"q:Which team sport do you follow?": None})
    assert "missing: Which team sport do you follow?" in only_rejection(
        applications_preview(scheme=scheme, text=text)
    )


def test_a_question_for_mentors_only_is_not_required_of_mentees(scheme):
    CustomQuestionFactory(
        scheme=scheme,
        text="How many years have you managed?",
        audience=CustomQuestion.Audience.MENTOR,
        required=True,
    )
    preview = applications_preview(scheme=scheme, text=csv_text(scheme, {}))
    assert len(preview.valid) == 1


# --- the import --------------------------------------------------------------------------


def test_import_creates_people_and_submitted_applications_without_e_mailing(
    listed_scheme, coordinator, django_capture_on_commit_callbacks
):
    text = csv_text(listed_scheme, {}, {**MENTOR, "email": "Morgan@Example.org", "name": "Morgan"})
    with django_capture_on_commit_callbacks(execute=True):
        result = applications_import(scheme=listed_scheme, text=text, imported_by=coordinator)
    assert (result.imported, result.new_people, result.rejected) == (2, 2, [])
    mentee = Application.objects.get(user__email="alex.taylor@example.org")
    assert mentee.status == Application.Status.SUBMITTED and mentee.imported
    assert mentee.user.name == "Alex Taylor"
    assert not mentee.user.has_usable_password()
    assert mentee.submitted_at == datetime(2025, 1, 15, tzinfo=LOCAL)
    assert mentee.consented_at is not None
    today = timezone.localdate().strftime("%-d %B %Y")
    assert mentee.consent_text == (
        "Consent given on the original application form "
        f"(imported by {coordinator.display_name} on {today})"
    )
    assert mentee.areas_wanted == listed_scheme.development_areas[:2]
    assert mentee.last_step == "goals"
    mentor = Application.objects.get(role=Role.MENTOR)
    assert mentor.user.email == "morgan@example.org"
    assert mentor.capacity == 2 and mentor.last_step == "offer"
    address = EmailAddress.objects.get(user=mentor.user)
    assert (address.email, address.verified, address.primary) == ("morgan@example.org", False, True)
    assert mail.outbox == []
    # Imported applications are complete by the questionnaire's own rules.
    assert missing_answers(mentee, []) == []


def test_someone_with_an_account_is_invited_to_a_draft_not_given_an_application(
    scheme, coordinator, django_capture_on_commit_callbacks
):
    person = UserFactory(email="alex.taylor@example.org", name="Alexandra Taylor")
    text = csv_text(scheme, {"email": "ALEX.Taylor@Example.ORG", "name": "Alex T"})
    with django_capture_on_commit_callbacks(execute=True):
        result = applications_import(scheme=scheme, text=text, imported_by=coordinator)
    assert (result.imported, result.invited, result.new_people) == (1, 1, 0)
    application = Application.objects.get()
    assert application.user == person and application.imported
    # Nothing submitted, no consent recorded on their behalf: they do both themselves.
    assert application.status == Application.Status.DRAFT
    assert application.submitted_at is None and application.consented_at is None
    assert application.consent_text == ""
    assert application.job_title == "Policy officer"  # the imported answers, to check
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.status) == (
        "alex.taylor@example.org",
        Role.MENTEE,
        Invitation.Status.PENDING,
    )
    assert application.invitation == invitation
    assert invitation.invited_by == coordinator
    [message] = mail.outbox
    assert message.to == ["alex.taylor@example.org"]
    assert "check your answers, give your consent" in message.body
    assert invitation.get_absolute_url() in message.body
    person.refresh_from_db()
    assert person.name == "Alexandra Taylor"  # their own account keeps its name
    assert person.has_usable_password()
    assert EmailAddress.objects.filter(user=person).count() == 1


def test_the_invited_person_accepts_checks_and_submits_with_their_own_consent(scheme, coordinator):
    person = UserFactory(email="alex.taylor@example.org")
    applications_import(scheme=scheme, text=csv_text(scheme, {}), imported_by=coordinator)
    invitation = Invitation.objects.get()
    application = invitation_accept(invitation=invitation, user=person)
    assert application == Application.objects.get()  # the imported draft, resumed
    application_submit(application=application, consent=True)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.consent_text == consent_text(scheme)
    assert "original application form" not in application.consent_text


def test_a_pending_invitation_gives_way_to_the_imports_own(scheme, coordinator):
    UserFactory(email="alex.taylor@example.org")
    earlier = InvitationFactory(scheme=scheme, email="alex.taylor@example.org", role=Role.MENTEE)
    applications_import(scheme=scheme, text=csv_text(scheme, {}), imported_by=coordinator)
    earlier.refresh_from_db()
    assert earlier.status == Invitation.Status.REVOKED
    assert Invitation.objects.filter(status=Invitation.Status.PENDING).count() == 1


def test_rejected_rows_do_not_stop_the_valid_ones(scheme, coordinator):
    text = csv_text(scheme, {}, {"email": "bad"}, {"email": "b@example.org", "name": "B"})
    result = applications_import(scheme=scheme, text=text, imported_by=coordinator)
    assert result.imported == 2
    assert [row.line for row in result.rejected] == [3]
    assert sorted(Application.objects.values_list("user__email", flat=True)) == [
        "alex.taylor@example.org",
        "b@example.org",
    ]


def test_the_import_is_all_or_nothing_when_writing_fails(scheme, coordinator, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Application.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        applications_import(
            scheme=scheme, text=csv_text(scheme, {}, MENTOR), imported_by=coordinator
        )
    assert not User.objects.filter(email="alex.taylor@example.org").exists()
    assert not EmailAddress.objects.filter(email="alex.taylor@example.org").exists()


def test_importing_the_same_file_twice_imports_nothing_the_second_time(scheme, coordinator):
    text = csv_text(scheme, {})
    applications_import(scheme=scheme, text=text, imported_by=coordinator)
    again = applications_import(scheme=scheme, text=text, imported_by=coordinator)
    assert again.imported == 0
    assert again.rejected[0].reason == "already has a submitted application as a mentee"
    assert Application.objects.count() == 1


def test_many_rows_are_written_in_batches_not_one_by_one(
    scheme, coordinator, django_assert_max_num_queries
):
    rows = [{"email": f"person{n}@example.org", "name": f"Person {n}"} for n in range(600)]
    text = csv_text(scheme, *rows)
    # SQLite allows 999 parameters a query, so an application batch is ~19 rows there
    # (500 on PostgreSQL); one query a row would be 1,800.
    with django_assert_max_num_queries(60):
        result = applications_import(scheme=scheme, text=text, imported_by=coordinator)
    assert result.imported == 600
    assert Application.objects.filter(scheme=scheme, imported=True).count() == 600


# --- the documentation -------------------------------------------------------------------


def test_every_importable_column_and_fixed_choice_is_documented():
    text = DOCS.read_text()
    columns_section = text.split("## The columns", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_:]+)`", columns_section, flags=re.MULTILINE))
    columns = set(imports.FIXED_COLUMNS) | set(imports.FIELD_COLUMNS)
    assert columns - documented == set(), "columns missing from docs/import.md"
    assert documented - columns - {"q:"} == set(), "docs/import.md names unknown columns"
    for name in imports.FIELD_COLUMNS:
        if imports.field_kind(name) == "choice":
            for value, label in Application._meta.get_field(name).choices:
                assert f"`{value}`" in text and str(label) in text, (name, value, label)
    for word in choices.DESCRIPTIVE_WORDS:
        assert word in text
