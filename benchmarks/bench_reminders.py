"""The daily reminders' sweep over a hundred thousand active mentorships.

The pairs are written in bulk (people, applications, mentorships, sessions,
evaluations, concerns), in states that call for every kind of reminder: a session
tomorrow with no agenda, a held session with no summary, a long gap, an agreement
never signed, an evaluation due. The figures to watch: the scan decides what is due in
the same number of queries whatever the number of pairs, in seconds, and the sweep
then records and queues what it found in one transaction.
"""

import os
import time
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.models import Concern
from matching.models import Mentorship
from mentoring.models import OutboxMessage, User
from schemes.models import Application, Role, Scheme
from sessions.models import Evaluation, MentoringSession, Reminder
from sessions.selectors.reminders import reminders_scan
from sessions.services.reminders import reminders_sweep

SIZES = tuple(int(n) for n in os.environ.get("BENCH_REMINDER_PAIRS", "10000,100000").split(","))
BATCH = 5_000
MENTEES_PER_MENTOR = 3


def _scheme(pairs: int) -> Scheme:
    return Scheme.objects.create(
        name=f"Reminders {pairs}", slug=f"reminders-{pairs}", status=Scheme.Status.RUNNING
    )


def _people(scheme: Scheme, prefix: str, count: int, role: str) -> list[Application]:
    users = User.objects.bulk_create(
        [
            User(email=f"{prefix}{n}@{scheme.slug}.example.org", name=f"{prefix} {n}")
            for n in range(count)
        ],
        batch_size=BATCH,
    )
    return Application.objects.bulk_create(
        [
            Application(
                scheme=scheme,
                user=user,
                role=role,
                status=Application.Status.MATCHED,
                submitted_at=timezone.now(),
            )
            for user in users
        ],
        batch_size=BATCH,
    )


def _seed(pairs: int, now: datetime) -> Scheme:
    """``pairs`` active mentorships in states that call for every reminder."""
    scheme = _scheme(pairs)
    mentees = _people(scheme, "mentee", pairs, Role.MENTEE)
    mentors = _people(scheme, "mentor", pairs // MENTEES_PER_MENTOR + 1, Role.MENTOR)
    mentorships = Mentorship.objects.bulk_create(
        [
            Mentorship(
                scheme=scheme,
                mentee_id=mentee.user_id,
                mentor_id=mentors[n // MENTEES_PER_MENTOR].user_id,
                mentee_application=mentee,
                mentor_application=mentors[n // MENTEES_PER_MENTOR],
                status=Mentorship.Status.ACTIVE,
                mentee_response=Mentorship.Response.ACCEPTED,
                mentor_response=Mentorship.Response.ACCEPTED,
                respond_by=now,
                # Started from 1 to 120 days ago: some within the agreement's two weeks,
                # some past the six-week gap.
                started_at=now - timedelta(days=1 + n % 120),
            )
            for n, mentee in enumerate(mentees)
        ],
        batch_size=BATCH,
    )
    sessions = []
    evaluations = []
    concerns = []
    for n, pair in enumerate(mentorships):
        shape = n % 5
        if shape == 0:  # a session tomorrow with no agenda
            sessions.append(_session(pair, now + timedelta(days=1, hours=2), "planned"))
        elif shape == 1:  # held three days ago, no summary
            sessions.append(_session(pair, now - timedelta(days=3, hours=1), "held"))
        elif shape == 2:  # held recently with a summary: nothing due but the evaluations
            sessions.append(_session(pair, now - timedelta(days=10), "held", summary="Done."))
        if n % 3 == 0:  # the baseline given
            evaluations.append(
                Evaluation(
                    mentorship=pair,
                    respondent_id=pair.mentee_id,
                    role="mentee",
                    milestone=Evaluation.Milestone.BASELINE,
                    area_ratings={"Confidence": 3},
                    completed_at=now - timedelta(days=1),
                )
            )
        if n % 50 == 0:
            concerns.append(
                Concern(
                    mentorship=pair,
                    raised_by_id=pair.mentee_id,
                    role="mentee",
                    topic=Concern.Topic.MEETING,
                    text="We are not meeting.",
                )
            )
    MentoringSession.objects.bulk_create(sessions, batch_size=BATCH)
    Evaluation.objects.bulk_create(evaluations, batch_size=BATCH)
    Concern.objects.bulk_create(concerns, batch_size=BATCH)
    if connection.vendor == "postgresql":
        # As autovacuum would after a bulk load: the planner needs the tables' statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return scheme


def _session(
    pair: Mentorship, starts_at: datetime, status: str, summary: str = ""
) -> MentoringSession:
    return MentoringSession(
        mentorship=pair,
        starts_at=starts_at,
        duration_minutes=60,
        format="video",
        status=status,
        summary=summary,
        created_by_id=pair.mentee_id,
    )


def run() -> None:
    import mentoring.outbox

    # The queued rows are not handed to a worker (there is none here, and tasks would
    # run eagerly): the figures are the sweep's, not the sending's.
    dispatch = mentoring.outbox.outbox_dispatch
    mentoring.outbox.outbox_dispatch = lambda **kwargs: False  # type: ignore[assignment]
    try:
        _run()
    finally:
        mentoring.outbox.outbox_dispatch = dispatch


def _run() -> None:
    # A weekday morning in the schemes' time zone: every rule for people may fire.
    now = datetime.combine(
        timezone.localdate() + timedelta(days=1),
        datetime.min.time(),
        tzinfo=ZoneInfo("Europe/London"),
    ).replace(hour=10)
    print(
        f"{'pairs':>8} {'seed s':>7} {'scan s':>7} {'queries':>8} {'due':>8} {'at risk':>8} "
        f"{'sweep s':>8} {'recorded':>9}"
    )
    for pairs in SIZES:
        started = time.perf_counter()
        scheme = _seed(pairs, now)
        seeded = time.perf_counter() - started

        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            scan = reminders_scan(now=now, scheme_ids=[scheme.pk])
            scanned = time.perf_counter() - started

        # The sweep as beat runs it (every scheme), its outbox rows left queued: the
        # sending is the workers' part, not the sweep's.
        started = time.perf_counter()
        result = reminders_sweep(now=now)
        swept = time.perf_counter() - started
        print(
            f"{pairs:>8,} {seeded:>7.1f} {scanned:>7.2f} {len(queries):>8} {len(scan.due):>8,} "
            f"{len(scan.risks):>8,} {swept:>8.2f} {result.recorded:>9,}"
        )
        kinds = Counter(item.kind for item in scan.due)
        print("         due by kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))
        # The next sweep finds the same and records nothing: each goes once.
        started = time.perf_counter()
        again = reminders_sweep(now=now)
        print(
            f"         a second sweep: {again.recorded} recorded in "
            f"{time.perf_counter() - started:.2f} s"
        )
        Reminder.objects.all().delete()
        OutboxMessage.objects.all().delete()
        # Out of the next size's sweep (the scan skips draft schemes).
        Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.DRAFT)
