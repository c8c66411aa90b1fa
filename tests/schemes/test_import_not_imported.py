"""After an import, the rows it left out can be downloaded as a CSV: the file's own
columns, with the line and the reason for each, to correct and import again."""

import csv
import io

import pytest
from django.urls import reverse

from schemes.services.imports import applications_preview, applications_rejected_csv
from tests.schemes.test_import_services import MENTOR, csv_text, template_rows
from tests.schemes.test_import_views import URL, confirmation, upload

pytestmark = pytest.mark.django_db

DOWNLOAD = reverse("schemes:applications_import_rejected", kwargs={"slug": "council"})


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _import(client, text: str):
    return client.post(URL, confirmation(upload(client, text)), follow=True)


def test_the_rejected_rows_come_back_with_their_cells_and_reasons(scheme):
    text = csv_text(scheme, {}, {"email": "bad", "name": "Bad Row"}, MENTOR)
    preview = applications_preview(scheme=scheme, text=text)
    rows = list(
        csv.reader(io.StringIO(applications_rejected_csv(text=text, rejected=preview.rejected)))
    )
    header, _ = template_rows(scheme)
    assert rows[0] == ["line", "not imported because", *header]
    assert len(rows) == 2
    line, reason, *cells = rows[1]
    assert line == "3"
    assert reason == "“bad” is not a valid e-mail address"
    assert dict(zip(header, cells, strict=True))["name"] == "Bad Row"


def test_after_an_import_the_rows_left_out_can_be_downloaded(signed_in, scheme):
    text = csv_text(scheme, {}, {"email": "bad", "name": "Bad Row"}, {"email": "worse"})
    response = _import(signed_in, text)
    html = response.content.decode()
    assert "2 rows were not imported" in html
    assert f'<a href="{DOWNLOAD}">download them</a>' in html

    download = signed_in.get(DOWNLOAD)
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="council-applications-not-imported.csv"' in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [row[:2] for row in rows[1:]] == [
        ["3", "“bad” is not a valid e-mail address"],
        ["4", "“worse” is not a valid e-mail address"],
    ]


def test_an_import_that_took_every_row_leaves_nothing_to_download(signed_in, scheme):
    _import(signed_in, csv_text(scheme, {"email": "bad"}, MENTOR))
    assert signed_in.get(DOWNLOAD).status_code == 200
    _import(signed_in, csv_text(scheme, {"email": "someone.else@example.org"}))
    response = signed_in.get(DOWNLOAD, follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert "No rows are waiting to be downloaded" in response.content.decode()


def test_another_coordinator_cannot_download_this_ones_rows(
    signed_in, client, scheme, other_coordinator
):
    _import(signed_in, csv_text(scheme, {"email": "bad"}, MENTOR))
    client.force_login(other_coordinator)
    assert client.get(DOWNLOAD).status_code == 404


def test_a_cell_a_spreadsheet_would_run_comes_back_harmless(scheme):
    text = csv_text(scheme, {"email": "bad", "name": '=HYPERLINK("http://x")'})
    preview = applications_preview(scheme=scheme, text=text)
    written = applications_rejected_csv(text=text, rejected=preview.rejected)
    rows = list(csv.reader(io.StringIO(written)))
    header, _ = template_rows(scheme)
    cells = dict(zip(header, rows[1][2:], strict=True))
    assert cells["name"] == '\'=HYPERLINK("http://x")'


def test_the_corrected_download_imports_as_it_is(signed_in, scheme):
    _import(signed_in, csv_text(scheme, {}, {"email": "bad", "name": "Bad Row"}))
    rows = list(csv.reader(io.StringIO(signed_in.get(DOWNLOAD).content.decode("utf-8-sig"))))
    email = rows[0].index("email")
    rows[1][email] = "bad.row@example.org"  # the coordinator corrects the address
    out = io.StringIO()
    csv.writer(out).writerows(rows)

    preview = applications_preview(scheme=scheme, text=out.getvalue())

    assert preview.error == "" and preview.rejected == []
    assert [(row.email, row.name) for row in preview.valid] == [("bad.row@example.org", "Bad Row")]
