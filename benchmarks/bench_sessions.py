"""A large scheme's pairs at work: seeding their sessions and evaluations in bulk, and
the pages that show a pair's sessions.

The figures to watch: seeding grows linearly with the pairs; the pair's page and its
sessions list (for the mentee), its evaluations and the coordinator's page of a pair
keep the same number of queries whether the pair has held 10 sessions or 200. A page
not written yet is reported, not timed.
"""

import time
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from benchmarks.bench_pages import measure_page
from matching.models import Mentorship
from mentoring.models import User
from sessions.models import Evaluation, MentoringSession, Pulse, SessionAction, SessionFormat

SIZES = (1_000, 5_000)  # mentee applications; two mentors for every three mentees
PAIR_SESSIONS = (10, 50, 200)


def _seed(name: str, mentees: int) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call_command(
            "seed_demo",
            scheme=name,
            mentees=mentees,
            mentors=mentees * 2 // 3,
            seed=1,
            stdout=StringIO(),
        )
        seconds = time.perf_counter() - started
    return seconds, len(queries)


def _grow(mentorship: Mentorship, held: int) -> None:
    """Give ``mentorship`` ``held`` sessions held, each with an action, all in the past."""
    have = mentorship.sessions.count()
    start = timezone.now() - timedelta(days=held * 3 + 10)
    sessions = MentoringSession.objects.bulk_create(
        MentoringSession(
            mentorship=mentorship,
            starts_at=start + timedelta(days=3 * n),
            duration_minutes=60,
            format=SessionFormat.VIDEO,
            status=MentoringSession.Status.HELD,
            agenda={"since_last": "What happened since we last met."},
            summary="We talked it through and agreed the next steps.",
        )
        for n in range(max(held - have, 0))
    )
    SessionAction.objects.bulk_create(
        SessionAction(session=s, mentorship=mentorship, owner="mentee", text="A next step")
        for s in sessions
    )


@override_settings(ALLOWED_HOSTS=["testserver"])
def run() -> None:
    print(f"{'mentees':>8} {'pairs':>6} {'sessions':>9} {'evaluations':>12} {'seconds':>8}")
    for size in SIZES:
        name = f"Sessions {size}"
        seconds, _ = _seed(name, size)
        pairs = Mentorship.objects.filter(scheme__name=name)
        sessions = MentoringSession.objects.filter(mentorship__scheme__name=name).count()
        evaluations = Evaluation.objects.filter(mentorship__scheme__name=name).count()
        print(f"{size:>8,} {pairs.count():>6,} {sessions:>9,} {evaluations:>12,} {seconds:>8.1f}")
    print(
        f"(and {Pulse.objects.count():,} pulses, {SessionAction.objects.count():,} actions in all)"
    )

    mentorship = (
        Mentorship.objects.filter(
            scheme__name=f"Sessions {SIZES[-1]}", status=Mentorship.Status.ACTIVE
        )
        .exclude(stage=Mentorship.Stage.INITIATION)
        .select_related("mentee", "scheme")
        .first()
    )
    if mentorship is None:
        print("\nNo active pair to time.")
        return
    mentee = Client()
    mentee.force_login(mentorship.mentee)
    coordinator = Client()
    coordinator.force_login(User.objects.get(email="coordinator@example.org"))
    pages = {
        "pair's page (mentee)": (
            mentee,
            reverse("agreements:pair", kwargs={"pk": mentorship.pk}),
        ),
        "sessions list (mentee)": (
            mentee,
            reverse("sessions:session_list", kwargs={"pk": mentorship.pk}),
        ),
        "evaluations (mentee)": (
            mentee,
            reverse("sessions:evaluations", kwargs={"pk": mentorship.pk}),
        ),
        "pair's page (coordinator)": (
            coordinator,
            reverse(
                "agreements:scheme_pair",
                kwargs={"slug": mentorship.scheme.slug, "pk": mentorship.pk},
            ),
        ),
    }
    print(f"\n{'page':<28} {'sessions':>9} {'median ms':>10} {'queries':>8} {'KiB':>7}")
    for held in PAIR_SESSIONS:
        _grow(mentorship, held)
        count = mentorship.sessions.count()
        for label, (client, url) in pages.items():
            if client.get(url).status_code != 200:
                print(f"{label:<28} not written yet: not timed")
                continue
            ms, queries, size = measure_page(client, url)
            print(f"{label:<28} {count:>9} {ms:>10.1f} {queries:>8} {size / 1024:>7.1f}")
