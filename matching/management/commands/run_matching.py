"""Run matching for one scheme from the command line, and show or export the result.

``run_matching SCHEME`` runs at once (no Celery worker needed) and stores the run, as a
coordinator's run would be, ready to review and publish. ``--dry-run`` computes the same
result and keeps nothing. ``--json`` prints the whole result; ``--scores-csv FILE``
writes the score of every admissible pair the run considered, so that anyone can check
the result with their own tools.
"""

import csv
import json
from pathlib import Path

import numpy as np
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from matching.models import MatchRun, Unmatched
from matching.pool import Pool
from matching.selectors.runs import run_report
from matching.services.runs import match_run_execute, match_run_start
from schemes.models import Scheme


class Command(BaseCommand):
    help = (
        "Run matching for a scheme (given by its slug) and print the totals; --json prints "
        "the proposals, the unmatched mentees, the mentors' places and the totals."
    )

    def add_arguments(self, parser):
        parser.add_argument("scheme", metavar="SCHEME", help="The scheme's slug.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Compute and print, but store nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print the whole result as JSON.")
        parser.add_argument(
            "--scores-csv",
            metavar="FILE",
            type=Path,
            help="Write every admissible pair's score (mentee, mentor, score) to FILE.",
        )

    def handle(self, *args, **options):
        scheme = Scheme.objects.filter(slug=options["scheme"]).first()
        if scheme is None:
            raise CommandError(f"There is no scheme with the slug {options['scheme']!r}.")
        csv_path = options["scores_csv"]
        on_scored = None
        if csv_path is not None:
            if not csv_path.parent.is_dir():
                raise CommandError(
                    f"Cannot write {csv_path}: there is no folder {csv_path.parent}."
                )

            def on_scored(pool, scores, admissible):
                _write_scores(csv_path, pool, scores, admissible)

        if options["dry_run"]:
            # Everything the run writes is rolled back: a dry run leaves no trace.
            with transaction.atomic():
                run = self._run(scheme, dry_run=True, on_scored=on_scored)
                report = run_report(run)
                transaction.set_rollback(True)
        else:
            run = self._run(scheme, dry_run=False, on_scored=on_scored)
            report = run_report(run)

        if run.status == MatchRun.Status.FAILED:
            raise CommandError(run.error)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self._summary(scheme, run, report, dry_run=options["dry_run"])
        if csv_path is not None and not options["json"]:
            self.stdout.write(
                f"Scores of {run.admissible_pairs:,} admissible pairs written to {csv_path}."
            )

    def _run(self, scheme: Scheme, *, dry_run: bool, on_scored) -> MatchRun:
        try:
            run = match_run_start(
                scheme=scheme,
                trigger=MatchRun.Trigger.COMMAND,
                dry_run=dry_run,
                execute_later=False,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        return match_run_execute(run_id=run.pk, on_scored=on_scored)

    def _summary(self, scheme: Scheme, run: MatchRun, report: dict, *, dry_run: bool) -> None:
        reasons: dict[str, int] = {}
        for row in report["unmatched"]:
            reasons[row["reason"]] = reasons.get(row["reason"], 0) + 1
        why = ", ".join(
            f"{label.lower()}: {reasons[value]}"
            for value, label in Unmatched.Reason.choices
            if value in reasons
        )
        certified = "certified optimal" if run.certified else "not certified"
        lines = [
            f"{'Dry run' if dry_run else f'Run {run.pk}'} of {scheme.name} finished in "
            f"{run.duration_seconds:.2f} s.",
            f"  Mentees: {run.mentee_count:,}; matched {run.matched_count:,}, unmatched "
            f"{run.unmatched_count:,}" + (f" ({why})." if why else "."),
            f"  Mentors: {run.mentor_count:,} with {run.places:,} places; "
            f"{run.admissible_pairs:,} admissible pairs.",
            f"  Total score {run.total_score:,.1f}, mean {run.mean_score:.1f} "
            f"({run.method} method, {certified}).",
        ]
        for line in lines:
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing was stored.")
        else:
            self.stdout.write(
                self.style.SUCCESS("The proposals are stored, ready for a coordinator to review.")
            )


def _write_scores(path: Path, pool: Pool, scores: np.ndarray, admissible: np.ndarray) -> None:
    """Every admissible pair's score, mentee by mentee (the order of the pool)."""
    mentee_emails = [a.user.email for a in pool.mentees]
    mentor_emails = [a.user.email for a in pool.mentors]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["mentee", "mentor", "score"])
        for i, email in enumerate(mentee_emails):
            columns = np.flatnonzero(admissible[i])
            # repr of a float reads back as the very same number.
            writer.writerows(
                (email, mentor_emails[j], repr(score))
                for j, score in zip(columns.tolist(), scores[i, columns].tolist(), strict=True)
            )
