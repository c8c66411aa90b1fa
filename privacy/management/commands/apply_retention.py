"""Apply the retention schedule now, as the daily job does, or with ``--dry-run`` print
what it would remove and whom it would tell, changing nothing."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privacy.retention import retention_kinds
from privacy.services.retention import (
    RetentionIncomplete,
    RetentionPreview,
    retention_apply,
    retention_preview,
)


def _day(value) -> str:
    return f"{value:%-d %B %Y}"


class Command(BaseCommand):
    help = (
        "Apply the retention schedule (docs/retention.md): delete or anonymise what is past "
        "its time, and tell coordinators a fortnight before a closed scheme's personal data "
        "goes. With --dry-run, print what would go and change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print what would be removed, per kind and scheme, and change nothing",
        )

    def handle(self, *args, dry_run, **options):
        now = timezone.now()
        if dry_run:
            self._print_preview(retention_preview(now=now))
            return
        try:
            result = retention_apply(now=now)
        except RetentionIncomplete as error:
            raise CommandError(str(error)) from error
        labels = {kind.key: kind.label for kind in retention_kinds()}
        if result.removed:
            for key, count in result.removed.items():
                self.stdout.write(f"{labels[key]}: {count} removed")
        else:
            self.stdout.write("Nothing was due.")
        for notice in result.notices:
            self.stdout.write(
                f"Told the coordinators of {notice.scheme.name} ({notice.scheme.slug}) that "
                f"its personal data goes on {_day(notice.removal_on)}."
            )

    def _print_preview(self, preview: RetentionPreview) -> None:
        write = self.stdout.write
        write(f"Dry run at {timezone.localtime(preview.now):%Y-%m-%d %H:%M}: nothing is changed.")
        for item in preview.kinds:
            kind = item.kind
            write(f"{kind.label} ({kind.end_action}, {kind.period}): {item.count} due")
            for scheme, count in item.schemes:
                write(f"  {scheme.name} ({scheme.slug}): {count}")
        for notice in preview.notices:
            write(
                f"Would tell the coordinators of {notice.scheme.name} ({notice.scheme.slug}) "
                f"that its personal data goes on {_day(notice.removal_on)}."
            )
        for scheme in preview.upcoming:
            write(
                f"{scheme.name} ({scheme.slug}): coordinators told on "
                f"{_day(scheme.notified_on)}; personal data goes on {_day(scheme.removal_on)}."
            )
