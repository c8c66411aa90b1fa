"""Import applications made on paper or in a form tool into a scheme, from a CSV file.

    python manage.py import_applications SCHEME_SLUG FILE.csv [--dry-run]
    python manage.py import_applications SCHEME_SLUG --template > applications.csv

The columns are described in docs/import.md.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from schemes.models import Role, Scheme
from schemes.selectors import scheme_coordinators
from schemes.services.imports import (
    applications_import,
    applications_preview,
    applications_template,
)


class Command(BaseCommand):
    help = (
        "Check every row of a CSV of applications, then import all the valid rows in one "
        "transaction (or, with --template, print the header with a sample row)."
    )

    def add_arguments(self, parser):
        parser.add_argument("scheme", help="The scheme's slug, as in its address.")
        parser.add_argument("file", nargs="?", help="The CSV file (UTF-8).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the rows and import nothing."
        )
        parser.add_argument(
            "--template",
            action="store_true",
            help="Print the scheme's import template (header and a sample row) and stop.",
        )
        parser.add_argument(
            "--imported-by",
            metavar="EMAIL",
            help="The coordinator named in the consent record (default: the first one).",
        )

    def handle(self, *args, scheme, file, dry_run, template, imported_by, **options):
        found = Scheme.objects.filter(slug=scheme).first()
        if found is None:
            raise CommandError(f"No scheme has the slug “{scheme}”.")
        scheme = found
        if template:
            self.stdout.write(applications_template(scheme), ending="")
            return
        if not file:
            raise CommandError("Name the CSV file to import (or use --template).")
        text = self._read(file)
        if dry_run:
            preview = applications_preview(scheme=scheme, text=text)
            if preview.error:
                raise CommandError(preview.error, returncode=1)
            self._report_rejected(preview.rejected)
            self.stdout.write(
                f"Dry run: {len(preview.valid)} application(s) would be imported, "
                f"{len(preview.rejected)} row(s) rejected. Nothing was imported."
            )
            return
        coordinator = self._coordinator(scheme, imported_by)
        try:
            result = applications_import(scheme=scheme, text=text, imported_by=coordinator)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=1) from None
        self._report_rejected(result.rejected)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.imported} row(s) into {scheme.name}: "
                f"{result.imported - result.invited} submitted application(s) "
                f"({result.new_people} new account(s)), {result.invited} invitation(s) e-mailed "
                f"to people who already had an account; {len(result.rejected)} row(s) rejected."
            )
        )

    def _read(self, path: str) -> str:
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                return handle.read()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text: save it as “CSV UTF-8”.") from None

    def _coordinator(self, scheme, email: str | None):
        coordinators = scheme_coordinators(scheme)
        if email:
            person = coordinators.filter(email__iexact=email).first()
            if person is None:
                raise CommandError(f"{email} is not a coordinator of {scheme.name}.")
            return person
        person = coordinators.first()
        if person is None:
            raise CommandError(
                f"{scheme.name} has no coordinator to record as the importer. "
                f"Give the scheme a {Role.COORDINATOR.label.lower()} first."
            )
        return person

    def _report_rejected(self, rejected) -> None:
        for row in rejected:
            who = row.email or row.name or "(no e-mail address)"
            self.stdout.write(f"Line {row.line} ({who}) rejected: {row.reason}.")
