"""The upload page: a file is checked and previewed, then imported on confirmation."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from schemes.forms import imports as import_forms
from schemes.models import Application, ImportUpload, Role
from schemes.services.schemes import membership_add
from schemes.tasks import delete_expired_import_uploads
from tests.factories import UserFactory
from tests.html import Page, assert_accessible_page
from tests.schemes.test_import_services import MENTOR, csv_text, template_rows

pytestmark = pytest.mark.django_db

URL = reverse("schemes:applications_import", kwargs={"slug": "council"})


def upload(client, text: str | bytes, name="applications.csv"):
    content = text.encode() if isinstance(text, str) else text
    return client.post(URL, {"file": SimpleUploadedFile(name, content, "text/csv")})


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def test_upload_page_links_to_the_template_and_describes_every_column(signed_in, question):
    response = signed_in.get(URL)
    html = response.content.decode()
    assert reverse("schemes:applications_import_template", kwargs={"slug": "council"}) in html
    assert "docs/import.md" in html and 'href="#columns-heading"' in html
    assert "<code>q:Which team sport do you follow?</code>" in html
    assert "One of: Football; Rugby; Cricket" in html


def test_template_downloads_as_a_csv_file(signed_in, scheme):
    response = signed_in.get(
        reverse("schemes:applications_import_template", kwargs={"slug": "council"})
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="council-applications-template.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == template_rows(scheme)[0]


def test_preview_shows_valid_and_rejected_rows_and_imports_nothing(signed_in, scheme):
    response = upload(signed_in, csv_text(scheme, {}, {"email": "nope", "name": "Nora"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Import 1 application" in html
    assert "alex.taylor@example.org" in html
    assert "Nora" in html and "“nope” is not a valid e-mail address" in html
    assert not Application.objects.exists()
    assert_accessible_page(Page(html))


def test_coordinator_sees_rejected_rows_with_reasons_and_no_button_when_none_is_valid(
    signed_in, scheme
):
    response = upload(signed_in, csv_text(scheme, {"role": "boss"}, {"term": "forever"}))
    html = response.content.decode()
    assert "No row of this file can be imported" in html
    assert "the role must be mentee or mentor" in html and "“forever”" in html
    assert "Import 0" not in html and 'name="upload"' not in html
    assert not ImportUpload.objects.exists()  # nothing to confirm: nothing kept


def confirmation(preview) -> dict:
    """The confirmation the preview page's button posts."""
    return {"upload": preview.context["confirm"]["upload"].value()}


def test_confirming_imports_the_valid_rows_and_returns_to_the_list(
    signed_in, scheme, django_capture_on_commit_callbacks
):
    preview = upload(signed_in, csv_text(scheme, {}, MENTOR, {"email": "bad"}))
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(URL, confirmation(preview), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "schemes:applications", kwargs={"slug": "council"}
    )
    html = response.content.decode()
    assert "Imported 2 rows." in html
    assert "1 row was not imported" in html
    assert Application.objects.filter(imported=True, status="submitted").count() == 2
    assert mail.outbox == []
    assert not ImportUpload.objects.exists()  # imported once, then deleted


def test_the_message_is_the_same_whether_or_not_the_person_has_an_account(
    signed_in, scheme, django_capture_on_commit_callbacks
):
    messages = []
    for email in ("new.person@example.org", "has.account@example.org"):
        if email.startswith("has"):
            UserFactory(email=email)
        preview = upload(signed_in, csv_text(scheme, {"email": email}))
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in.post(URL, confirmation(preview), follow=True)
        messages.append([str(message) for message in response.context["messages"]])
    assert messages[0] == messages[1]
    assert "Imported 1 row." in messages[0][0]
    drafts = Application.objects.filter(status="draft", user__email="has.account@example.org")
    assert drafts.count() == 1  # and they are invited, not given a submitted application
    assert [message.to for message in mail.outbox] == [["has.account@example.org"]]


def test_a_confirmation_sent_twice_imports_once(signed_in, scheme):
    from schemes.services.imports import import_upload_confirm

    preview = upload(signed_in, csv_text(scheme, {}))
    kept = ImportUpload.objects.get()
    signed_in.post(URL, confirmation(preview))
    with pytest.raises(ValidationError, match="already been imported"):
        import_upload_confirm(upload=kept, imported_by=kept.uploaded_by)
    assert Application.objects.count() == 1


def test_a_tampered_confirmation_imports_nothing(signed_in, scheme):
    preview = upload(signed_in, csv_text(scheme, {}))
    for value in (str(int(confirmation(preview)["upload"]) + 1), "abc", "", "9" * 40):
        response = signed_in.post(URL, {"upload": value})
        assert response.status_code == 200
        assert "upload it again" in response.content.decode()
    response = signed_in.post(URL, {"upload": "\x00"})
    assert "NUL character" in response.content.decode()
    assert not Application.objects.exists()


def test_a_confirmation_for_another_scheme_is_refused(client, scheme, other_scheme, coordinator):
    membership_add(scheme=other_scheme, user=coordinator, role=Role.COORDINATOR)
    client.force_login(coordinator)
    preview = client.post(
        reverse("schemes:applications_import", kwargs={"slug": "another"}),
        {"file": SimpleUploadedFile("a.csv", csv_text(other_scheme, {}).encode())},
    )
    response = client.post(URL, confirmation(preview))
    assert "upload it again" in response.content.decode()
    assert not Application.objects.exists()


def test_another_coordinators_upload_cannot_be_confirmed(client, signed_in, scheme):
    preview = upload(signed_in, csv_text(scheme, {}))
    colleague = UserFactory(email="colleague@example.org")
    membership_add(scheme=scheme, user=colleague, role=Role.COORDINATOR)
    client.force_login(colleague)
    response = client.post(URL, confirmation(preview))
    assert "upload it again" in response.content.decode()
    assert not Application.objects.exists()


def test_an_expired_upload_cannot_be_confirmed_and_is_swept(signed_in, scheme):
    preview = upload(signed_in, csv_text(scheme, {}))
    ImportUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = signed_in.post(URL, confirmation(preview))
    assert "no longer waiting" in response.content.decode()
    assert not Application.objects.exists()
    assert delete_expired_import_uploads() == 1
    assert not ImportUpload.objects.exists()


def test_a_whole_file_error_is_shown_beside_the_file_field(signed_in, scheme):
    header, _ = template_rows(scheme)
    response = upload(signed_in, csv_text(scheme, {}, header=[*header, "Shoe size"]))
    assert response.status_code == 200
    assert "“Shoe size”" in response.context["form"].errors["file"][0]
    page = Page(response.content.decode())
    assert page.find("id_file")["aria-invalid"] == "true"


def test_a_file_that_is_not_utf8_is_explained(signed_in, scheme):
    response = upload(signed_in, "email,name\nzoë@example.org,Zoë\n".encode("latin-1"))
    assert "not UTF-8" in response.context["form"].errors["file"][0]


def test_a_file_over_five_megabytes_is_refused(signed_in, scheme, monkeypatch):
    monkeypatch.setattr(import_forms, "MAX_UPLOAD_BYTES", 100)
    response = upload(signed_in, csv_text(scheme, {}))
    assert "at most 5 MB" in response.context["form"].errors["file"][0]
    assert not Application.objects.exists()


def test_no_file_is_explained(signed_in, scheme):
    response = signed_in.post(URL, {})
    assert response.context["form"].errors["file"] == ["This field is required."]


def test_an_import_that_fails_on_confirmation_is_explained(signed_in, scheme, question):
    preview = upload(signed_in, csv_text(scheme, {}))
    question.delete()  # the file's question column is now unknown
    response = signed_in.post(URL, confirmation(preview))
    assert response.status_code == 200
    assert "does not know" in response.content.decode()
    assert not Application.objects.exists()


def test_a_file_near_the_upload_limit_is_confirmed_with_only_its_id(signed_in, scheme):
    rows = [{"email": f"p{n}@example.org", "name": f"P {n}"} for n in range(1500)]
    for row in rows:
        row["responsibilities"] = "Housing policy."
    extra = (4_800_000 - len(csv_text(scheme, *rows).encode())) // len(rows) + 1
    # Longer answers bring the file to 4.8 MB: under the 5 MB upload limit, but far
    # over Django's request limit (2.5 MB) had it been posted back.
    for row in rows:
        row["responsibilities"] += " " + "x" * extra
    text = csv_text(scheme, *rows)
    assert 4_800_000 <= len(text.encode()) < 5 * 1024 * 1024
    preview = upload(signed_in, text)
    assert len(preview.context["preview"].valid) == 1500
    data = confirmation(preview)
    assert len(str(data)) < 100
    response = signed_in.post(URL, data)
    assert response.status_code == 302
    assert Application.objects.filter(imported=True).count() == 1500
