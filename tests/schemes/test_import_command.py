"""``manage.py import_applications``: the template, a dry run, an import."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from schemes.models import Application
from tests.schemes.test_import_services import MENTOR, csv_text, template_rows

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_applications", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def write(tmp_path):
    def write(text: str, name="applications.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_template_prints_the_schemes_header_and_a_sample_row(scheme, question):
    header, sample = list(csv.reader(io.StringIO(run("council", "--template"))))
    assert header == template_rows(scheme)[0]
    assert "q:Which team sport do you follow?" in header
    assert sample[0] == "alex.taylor@example.org"


def test_import_prints_rejected_rows_and_imports_the_valid_ones(scheme, coordinator, write):
    path = write(csv_text(scheme, {}, {"email": "bad@", "name": "Bea"}, MENTOR))
    output = run("council", path)
    assert "Line 3 (bad@) rejected: “bad@” is not a valid e-mail address." in output
    # The mentor row has the mentee's address with another role: one person, two roles.
    assert (
        "Imported 2 row(s) into Council staff mentoring: 2 submitted application(s) "
        "(1 new account(s)), 0 invitation(s) e-mailed to people who already had an account; "
        "1 row(s) rejected."
    ) in output
    assert "Line 4" not in output
    assert Application.objects.filter(imported=True).count() == 2


def test_import_names_the_coordinator_in_the_consent(scheme, coordinator, write):
    run("council", write(csv_text(scheme, {})), "--imported-by", "COORDINATOR@example.org")
    assert coordinator.display_name in Application.objects.get().consent_text


def test_dry_run_checks_and_imports_nothing(scheme, coordinator, write):
    output = run("council", write(csv_text(scheme, {}, {"role": "boss"})), "--dry-run")
    assert "Line 3" in output and "the role must be mentee or mentor" in output
    assert "1 application(s) would be imported" in output
    assert not Application.objects.exists()


def test_a_whole_file_error_stops_with_status_one_and_imports_nothing(scheme, coordinator, write):
    header, _ = template_rows(scheme)
    path = write(csv_text(scheme, {}, header=[*header, "shoe_size"]))
    with pytest.raises(CommandError, match="shoe_size") as error:
        run("council", path)
    assert error.value.returncode == 1
    assert not Application.objects.exists()


def test_an_unknown_scheme_is_an_error(db, write):
    with pytest.raises(CommandError, match="No scheme has the slug “nowhere”"):
        run("nowhere", "--template")


def test_a_missing_file_is_an_error(scheme, coordinator):
    with pytest.raises(CommandError, match="Cannot read"):
        run("council", "/no/such/file.csv")


def test_a_file_that_is_not_utf8_is_an_error(scheme, coordinator, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("email,name\nzoë@example.org,Zoë\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run("council", str(path))


def test_a_scheme_without_coordinators_cannot_record_an_importer(scheme, write):
    with pytest.raises(CommandError, match="no coordinator"):
        run("council", write(csv_text(scheme, {})))
