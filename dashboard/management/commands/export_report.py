"""Write one report to a file from the command line, by the same rules as the pages:
participant codes unless ``--named``, nothing a pair wrote, every export logged. The
file is readable by its owner alone and appears whole or not at all."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dashboard.models import ExportLog
from dashboard.reports import REGISTRY, reports_in_order
from dashboard.reports.jobs import export_log
from dashboard.reports.render import FORMATS, write_report
from dashboard.scope import Scope
from mentoring.exports import private_file
from schemes.models import Scheme


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date: write it as YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = (
        "Export a report as CSV or Excel: "
        + "; ".join(f"{r.identifier} ({r.name})" for r in reports_in_order())
        + ". People appear as participant codes unless --named."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "report", choices=[r.identifier for r in reports_in_order()], help="the report"
        )
        parser.add_argument("--scheme", help="the scheme's slug (default: every scheme)")
        parser.add_argument("--format", choices=FORMATS, required=True, dest="fmt")
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument("--start", type=_date, help="the period's first day, YYYY-MM-DD")
        parser.add_argument("--end", type=_date, help="the period's last day, YYYY-MM-DD")
        parser.add_argument("--department", default="", help="mentees of this department")
        parser.add_argument("--grade", default="", help="mentees of this grade")
        parser.add_argument(
            "--named",
            action="store_true",
            help="names and e-mail addresses instead of participant codes",
        )

    def handle(
        self, *args, report, scheme, fmt, output, start, end, department, grade, named, **options
    ):
        chosen = REGISTRY[report]
        if start and end and start > end:
            raise CommandError("The period's start comes after its end.")
        schemes = Scheme.objects.all()
        if scheme:
            schemes = schemes.filter(slug=scheme)
            if not schemes.exists():
                raise CommandError(f"There is no scheme {scheme!r}.")
        scope = Scope(
            reader=None,
            scheme_ids=tuple(schemes.order_by("pk").values_list("pk", flat=True)),
            start=start,
            end=end,
            department=department.strip(),
            grade=grade.strip(),
            named=named,
        )
        try:
            rows = _write_privately(chosen, scope, fmt, output)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}") from error
        export_log(
            user=None,
            report=chosen,
            fmt=fmt,
            channel=ExportLog.Channel.COMMAND,
            scope=scope,
            rows=rows,
        )
        self.stdout.write(f"Wrote {rows} rows of {chosen.name} to {output}.")


def _write_privately(report, scope: Scope, fmt: str, output: str) -> int:
    """Write the report to ``output``, readable by its owner alone, whole or not at
    all (``mentoring.exports.private_file``)."""
    with private_file(output) as partial:
        return write_report(report, scope, fmt, str(partial))
