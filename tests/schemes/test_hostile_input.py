"""Each hostile input that once answered 500 (issue 11), as a regression test: every one
is now a message beside its field, a rejected row, an ignored filter, or a 404. Run on
PostgreSQL too (``DATABASE_URL``): a NUL byte was a PostgreSQL-only 500."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentoring.models import User
from mentoring.validators import MAX_CELL_CHARS, NUL_MESSAGE
from schemes.models import Application, CustomQuestion, ImportUpload, Invitation, Role
from tests.factories import ApplicationFactory, CustomQuestionFactory, UserFactory
from tests.schemes.test_import_services import csv_text
from tests.schemes.test_questionnaire_views import ABOUT, step_url
from tests.schemes.test_setup_views import (
    EDIT_URL,
    QUESTIONS_URL,
    beside,
    question_data,
    scheme_data,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("schemes:applications_import", kwargs={"slug": "council"})
INVITE_URL = reverse("schemes:invitations_upload", kwargs={"slug": "council"})
LIST_URL = reverse("schemes:applications", kwargs={"slug": "council"})


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("file.csv", text.encode(), content_type="text/csv")


# --- NUL and control characters at form fields ------------------------------------------


def test_a_nul_in_the_schemes_lists_is_refused_beside_the_field(as_coordinator, scheme):
    response = as_coordinator.post(EDIT_URL, scheme_data(grades="Officer\nMan\x00ager"))
    assert response.status_code == 200
    assert NUL_MESSAGE in beside(response, "grades")
    scheme.refresh_from_db()
    assert all("\x00" not in grade for grade in scheme.grades)


def test_a_nul_in_a_questions_choices_is_refused_beside_the_field(as_coordinator, scheme):
    response = as_coordinator.post(QUESTIONS_URL, question_data(choices="North\nSo\x00uth"))
    assert response.status_code == 200
    assert NUL_MESSAGE in beside(response, "choices")
    assert not CustomQuestion.objects.exists()


def test_control_characters_are_stripped_from_names_and_phone_numbers(client, scheme, outsider):
    draft = ApplicationFactory(scheme=scheme, user=outsider, role=Role.MENTEE)
    client.force_login(outsider)
    data = {**ABOUT, "name": "Priya\x07 Shah\x1b", "phone": "024\x0b 7683\x7f 1234\x9b"}
    response = client.post(step_url(draft, "about"), data)
    assert response.status_code == 302
    outsider.refresh_from_db()
    draft.refresh_from_db()
    assert outsider.name == "Priya Shah"
    assert draft.phone == "024 7683 1234"


def test_sign_up_strips_control_characters_from_the_name_and_refuses_a_nul(client):
    signup = {
        "email": "priya@example.org",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
    }
    response = client.post("/accounts/signup/", {**signup, "name": "Pri\x00ya"})
    assert response.status_code == 200
    assert NUL_MESSAGE in response.content.decode()
    assert not User.objects.exists()
    response = client.post("/accounts/signup/", {**signup, "name": "Priya\x08 Shah\x1f"})
    assert response.status_code == 302
    assert User.objects.get().name == "Priya Shah"


# --- CSV cells ---------------------------------------------------------------------------


def test_an_invitation_csv_cell_over_128_kib_is_a_message_not_a_500(as_coordinator, scheme):
    text = f"Ivy,ivy@example.org,mentee\n{'x' * (MAX_CELL_CHARS + 1)},big@example.org,mentee\n"
    response = as_coordinator.post(INVITE_URL, {"step": "preview", "file": csv_file(text)})
    assert response.status_code == 200
    error = response.context["form"].errors["file"][0]
    assert "the row starting on line 2 has a cell longer than 131,072 characters" in error


def test_a_nul_in_an_invitation_csv_rejects_its_row_and_the_others_are_invited(
    as_coordinator, scheme
):
    text = "Ivy,ivy@example.org,mentee\nN\x00ul,nul@example.org,mentee\n"
    response = as_coordinator.post(INVITE_URL, {"step": "preview", "file": csv_file(text)})
    [rejected] = response.context["preview"].rejected
    assert (rejected.line, rejected.values[0]) == (2, "Nul")
    assert "NUL character" in rejected.reason
    response = as_coordinator.post(INVITE_URL, {"step": "confirm", "csv_text": text})
    assert response.status_code == 302
    assert list(Invitation.objects.values_list("email", flat=True)) == ["ivy@example.org"]


def test_a_nul_in_an_import_rejects_its_row_and_the_confirm_imports_the_others(
    as_coordinator, scheme
):
    text = csv_text(
        scheme, {}, {"email": "nul@example.org", "job_title": "Offi\x00cer", "name": "N\x00ul"}
    )
    preview = as_coordinator.post(IMPORT_URL, {"file": csv_file(text)})
    assert preview.status_code == 200
    [rejected] = preview.context["preview"].rejected
    assert (rejected.line, rejected.name, rejected.email) == (3, "Nul", "nul@example.org")
    assert "NUL character" in rejected.reason
    assert b"\x00" in bytes(ImportUpload.objects.get().data)  # kept as it was uploaded
    upload = preview.context["confirm"]["upload"].value()
    response = as_coordinator.post(IMPORT_URL, {"upload": upload})
    assert response.status_code == 302
    assert list(Application.objects.values_list("user__email", flat=True)) == [
        "alex.taylor@example.org"
    ]


def test_an_import_email_over_254_characters_is_a_rejected_row(as_coordinator, scheme):
    long_email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"
    assert len(long_email) > 254
    text = csv_text(scheme, {}, {"email": long_email})
    preview = as_coordinator.post(IMPORT_URL, {"file": csv_file(text)})
    [rejected] = preview.context["preview"].rejected
    assert rejected.reason == "the e-mail address is longer than 254 characters"
    upload = preview.context["confirm"]["upload"].value()
    response = as_coordinator.post(IMPORT_URL, {"upload": upload})
    assert response.status_code == 302
    assert Application.objects.count() == 1


def test_control_characters_in_import_cells_are_stripped(scheme, coordinator):
    from schemes.services.imports import applications_import

    text = csv_text(scheme, {"name": "Alex\x1b Taylor", "phone": "01632\x07 960123"})
    applications_import(scheme=scheme, text=text, imported_by=coordinator)
    application = Application.objects.get()
    assert (application.user.name, application.phone) == ("Alex Taylor", "01632 960123")


def test_the_templates_sample_row_is_formula_safe_and_still_imports(
    as_coordinator, scheme, coordinator
):
    scheme.grades = ['=HYPERLINK("http://evil.example")', "@SUM(A1)", "Officer"]
    scheme.development_areas = ["-1+1", "+Confidence"]
    scheme.save()
    CustomQuestionFactory(
        scheme=scheme, kind=CustomQuestion.Kind.SINGLE, choices=["=cmd|' /C calc'!A0", "B"]
    )
    template = as_coordinator.get(
        reverse("schemes:applications_import_template", kwargs={"slug": "council"})
    ).content.decode()
    cells = [cell for row in csv.reader(io.StringIO(template.lstrip("\ufeff"))) for cell in row]
    assert cells and not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    preview = as_coordinator.post(IMPORT_URL, {"file": csv_file(template)})
    assert preview.context["preview"].rejected == []
    [row] = preview.context["preview"].valid
    assert row.values["grade"] == scheme.grades[len(scheme.grades) // 2]
    assert row.values["areas_wanted"] == ["-1+1", "+Confidence"]


# --- filters, next, tokens ---------------------------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_filter_date_out_of_range_is_ignored_with_a_message(as_coordinator, scheme, day):
    ApplicationFactory(scheme=scheme, status=Application.Status.SUBMITTED)
    response = as_coordinator.get(LIST_URL, {"submitted_to": day, "submitted_from": day})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["submitted_to"] == ["Choose a date between 1900 and 2999."]
    assert response.context["page"].paginator.count == 1  # the filter is left out


@pytest.mark.parametrize("back", ["0", "applications", "javascript:alert(1)", "//evil.example/"])
def test_a_decision_with_a_next_that_is_not_a_path_returns_to_the_list(
    as_coordinator, scheme, back
):
    application = ApplicationFactory(scheme=scheme, status=Application.Status.SUBMITTED)
    url = reverse("schemes:application_detail", kwargs={"slug": "council", "pk": application.pk})
    response = as_coordinator.post(url, {"decision": "approve", "next": back})
    assert response.status_code == 302
    assert response.url == LIST_URL


@pytest.mark.parametrize("path", ["/apply/%00/", "/invitations/%00/", "/apply/a%20b/"])
def test_a_malformed_token_is_not_found(client, db, path):
    assert client.get(path).status_code == 404


def test_a_well_formed_unknown_token_is_not_found_either(client, db):
    UserFactory()
    assert client.get("/apply/" + "A" * 500 + "/").status_code == 404
    assert client.get("/invitations/no-such-token/").status_code == 404


# --- escaping ----------------------------------------------------------------------------


def test_a_custom_questions_hint_and_choices_are_escaped_in_the_questionnaire(
    client, scheme, outsider
):
    CustomQuestionFactory(
        scheme=scheme,
        text="<b>Bold</b> question",
        help_text='<script>alert("hint")</script><a href="x">link</a>',
        kind=CustomQuestion.Kind.SINGLE,
        choices=["<img src=x onerror=alert(1)>", "Plain"],
    )
    draft = ApplicationFactory(scheme=scheme, user=outsider, role=Role.MENTEE)
    client.force_login(outsider)
    html = client.get(step_url(draft, "questions")).content.decode()
    assert "<script>alert" not in html and '<a href="x">' not in html
    assert "&lt;script&gt;alert(&quot;hint&quot;)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt; question" in html


def test_our_own_help_text_links_are_still_links(client, scheme, outsider):
    draft = ApplicationFactory(scheme=scheme, user=outsider, role=Role.MENTEE)
    client.force_login(outsider)
    html = client.get(step_url(draft, "about")).content.decode()
    # The e-mail field's help links to the account's e-mail page: our own safe HTML.
    assert 'href="/accounts/email/"' in html


def test_an_invitation_by_token_with_a_nul_is_404_not_500_for_a_signed_in_person(
    client, scheme, coordinator
):
    client.force_login(UserFactory())
    Invitation.objects.create(
        scheme=scheme,
        email="a@example.org",
        role=Role.MENTEE,
        invited_by=coordinator,
        expires_at="2999-01-01T00:00Z",
    )
    assert client.get("/invitations/%00abc/").status_code == 404
