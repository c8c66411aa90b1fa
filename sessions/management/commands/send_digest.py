"""Send, or show, a scheme's digest of pairs at risk now, outside the weekly schedule.

``send_digest SCHEME --dry-run`` prints, for each of the scheme's coordinators, the
digest e-mail they would get now (subject, address and text), or says that no pair is
at risk, in which case nothing would be sent. Without ``--dry-run`` it e-mails the
digest now to each active coordinator, once each, except those who switched digest
e-mails off in their notification settings. A digest sent this way is not recorded as
the week's: the Monday digest (``sessions.rules``) still goes as usual.
"""

from smtplib import SMTPException

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from schemes.models import Scheme
from schemes.selectors import scheme_coordinators
from sessions.models import NotificationPreference
from sessions.selectors.reminders import rule_settings
from sessions.services.reminders import digest_render


class Command(BaseCommand):
    help = (
        "E-mail a scheme's coordinators the digest of pairs at risk now; with --dry-run, "
        "print the digest each would get and send nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("scheme", metavar="SCHEME", help="The scheme's slug.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print each coordinator's digest (subject, address, text); send nothing.",
        )

    def handle(self, *args, **options):
        slug, dry_run = options["scheme"], options["dry_run"]
        scheme = Scheme.objects.filter(slug=slug).first()
        if scheme is None:
            raise CommandError(
                f"There is no scheme with the slug {slug!r}. The slug is the part of the "
                "scheme's address after /schemes/."
            )
        coordinators = list(scheme_coordinators(scheme).filter(is_active=True).distinct())
        if not coordinators:
            raise CommandError(f"{scheme.name} has no active coordinator to send a digest to.")
        if not rule_settings([scheme.pk])[scheme.pk]["digest"].enabled:
            self.stdout.write(
                f"The weekly digest is switched off for {scheme.name} (its Reminders page); "
                + ("this is what it would say." if dry_run else "sending it now as asked.")
            )
        opted_out = set(
            NotificationPreference.objects.filter(
                user__in=coordinators, kind="digest", by_email=False
            ).values_list("user_id", flat=True)
        )
        now = timezone.now()
        digests = []
        for coordinator in coordinators:
            message = digest_render(scheme=scheme, coordinator=coordinator, now=now)
            if message is None:
                would = "no digest would be sent" if dry_run else "no digest was sent"
                self.stdout.write(f"No pair is at risk in {scheme.name}: {would}.")
                return
            digests.append((coordinator, message))
        if dry_run:
            self._show(digests, opted_out)
        else:
            self._send(scheme, digests, opted_out)

    def _show(self, digests, opted_out: set[int]) -> None:
        for number, (coordinator, message) in enumerate(digests, start=1):
            self.stdout.write(
                f"--- Digest {number} of {len(digests)}, for {coordinator.display_name} ---"
            )
            if coordinator.pk in opted_out:
                self.stdout.write(
                    "(They have switched digest e-mails off: it would not be e-mailed to them.)"
                )
            self.stdout.write(f"Subject: {message.subject}")
            self.stdout.write(f"To: {', '.join(message.to)}")
            self.stdout.write("")
            self.stdout.write(message.body.rstrip())
            self.stdout.write("")
        self.stdout.write("Dry run: nothing was sent.")

    def _send(self, scheme: Scheme, digests, opted_out: set[int]) -> None:
        sent, failed = 0, []
        for coordinator, message in digests:
            address = ", ".join(message.to)
            if coordinator.pk in opted_out:
                self.stdout.write(f"Not sent to {address}: they have switched digest e-mails off.")
                continue
            try:
                message.send()
            except (SMTPException, OSError) as error:
                failed.append(address)
                self.stderr.write(f"Could not send the digest to {address}: {error}")
                continue
            sent += 1
            self.stdout.write(f"Sent the digest of {scheme.name} to {address}.")
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(digests)} digests could not be sent "
                f"({', '.join(failed)}): the mail server refused them or did not answer."
            )
        if sent:
            self.stdout.write(self.style.SUCCESS(f"{sent} digest{'s' if sent != 1 else ''} sent."))
