"""``manage.py export_report``: the registry's reports as choices, the same rules as
the pages (participant codes unless --named), and a log row with no user."""

import csv

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from dashboard.models import ExportLog
from dashboard.reports import REGISTRY
from dashboard.scope import participant_code
from mentoring.models import User

pytestmark = pytest.mark.django_db


def test_help_lists_every_report_as_a_choice(capsys):
    with pytest.raises(SystemExit):
        call_command("export_report", "--help")
    out = capsys.readouterr().out
    choices = "{" + ",".join(report.identifier for report in _in_order()) + "}"
    assert choices in out


def _in_order():
    from dashboard.reports import reports_in_order

    return reports_in_order()


def test_the_command_writes_a_pseudonymised_csv_and_logs_it(tmp_path, scheme, active_mentorship):
    output = tmp_path / "pairs.csv"
    call_command(
        "export_report",
        "mentorships",
        "--scheme",
        "council",
        "--format",
        "csv",
        "--output",
        str(output),
    )
    rows = list(csv.reader(output.open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["Scheme", "Mentee", "Mentor"]
    assert rows[1][1] == participant_code(scheme.pk, active_mentorship.mentee_id)
    log = ExportLog.objects.get()
    assert (log.user, log.channel, log.report, log.format, log.rows) == (
        None,
        "command",
        "mentorships",
        "csv",
        1,
    )
    assert log.filters["schemes"] == [scheme.pk]
    # Only its owner may read it, whatever the umask; no part file is left beside it.
    assert output.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.csv"]


def test_a_failed_export_leaves_the_old_file_and_no_part(tmp_path, scheme, monkeypatch):
    output = tmp_path / "pairs.csv"
    output.write_text("the export of yesterday")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("dashboard.management.commands.export_report.write_report", broken)
    with pytest.raises(CommandError, match="No space left on device"):
        call_command("export_report", "mentorships", "--format", "csv", "--output", str(output))
    assert output.read_text() == "the export of yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.csv"]
    assert not ExportLog.objects.exists()


def test_named_excel_has_names(tmp_path, scheme, mentee_application):
    User.objects.filter(pk=mentee_application.user_id).update(name="Priya Patel")
    output = tmp_path / "people.xlsx"
    call_command(
        "export_report",
        "participants",
        "--format",
        "xlsx",
        "--output",
        str(output),
        "--named",
        "--start",
        "2000-01-01",
    )
    sheet = openpyxl.load_workbook(output).worksheets[0]
    assert [c.value for c in sheet[1]][1:3] == ["Participant", "E-mail"]
    assert [c.value for c in sheet[2]][1:3] == ["Priya Patel", "mentee@example.org"]
    assert ExportLog.objects.get().filters["named"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheme", "nowhere"], "There is no scheme 'nowhere'"),
        (["--start", "2024-13-01"], "is not a date"),
        (["--start", "2024-05-02", "--end", "2024-05-01"], "start comes after its end"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(tmp_path, scheme, args, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "export_report",
            "participants",
            "--format",
            "csv",
            "--output",
            str(tmp_path / "x.csv"),
            *args,
        )
    assert not ExportLog.objects.exists()


def test_an_unknown_report_is_refused(tmp_path):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command(
            "export_report", "salaries", "--format", "csv", "--output", str(tmp_path / "x.csv")
        )
    assert "salaries" not in REGISTRY
