"""The coordinator's dashboard of a large scheme.

The pairs are written in bulk by the reminders' benchmark (``bench_reminders._seed``:
people, applications, active mentorships, sessions, evaluations, concerns), with a
pulse rating on every held session. The figures to watch: the page renders in under
300 ms for a scheme of 10,000 participants, in the same number of queries as for a
small one. The count of pairs at risk comes from the flags of the reminders' scan of
every pair: the hourly sweep keeps them (``sessions.selectors.reminders.scheme_risks``),
so a render after a sweep does not scan; before the first sweep (or when the cache has
lost them) the first render scans and keeps them five minutes. Both are printed.
"""

import os
import time
from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from benchmarks.bench_reminders import BATCH, MENTEES_PER_MENTOR, _seed
from mentoring.models import User
from schemes.models import Application, Membership, Role
from sessions.models import MentoringSession, Pulse
from sessions.selectors.reminders import reminders_scan, risks_remember

# Pairs: 7,500 mentees and their 2,501 mentors are 10,001 participants.
SIZES = tuple(int(n) for n in os.environ.get("BENCH_DASHBOARD_PAIRS", "300,7500").split(","))
RENDERS = 5


def _pulses(scheme) -> None:
    held = MentoringSession.objects.filter(
        mentorship__scheme=scheme, status=MentoringSession.Status.HELD
    ).values_list("pk", "mentorship__mentee_id", "starts_at")
    Pulse.objects.bulk_create(
        [
            Pulse(
                session_id=pk,
                author_id=mentee_id,
                role="mentee",
                usefulness=1 + n % 4,
                recorded_at=starts_at + timedelta(hours=2),
            )
            for n, (pk, mentee_id, starts_at) in enumerate(held)
        ],
        batch_size=BATCH,
    )


@override_settings(ALLOWED_HOSTS=["testserver"])
def run() -> None:
    now = timezone.now()
    # "cold": the first render before any sweep scans every pair; "swept": the first
    # render after the hourly sweep; "next": the best of the renders after it.
    print(
        f"{'pairs':>7} {'people':>7} {'seed s':>7} {'cold ms':>8} {'scan s':>8} "
        f"{'swept ms':>9} {'queries':>8} {'next ms':>8} {'queries':>8}"
    )
    for pairs in SIZES:
        started = time.perf_counter()
        scheme = _seed(pairs, now)
        _pulses(scheme)
        seeded = time.perf_counter() - started
        coordinator = User.objects.create(email=f"coordinator@{scheme.slug}.example.org")
        Membership.objects.create(scheme=scheme, user=coordinator, role=Role.COORDINATOR)
        people = Application.objects.filter(scheme=scheme).count()
        assert people == pairs + pairs // MENTEES_PER_MENTOR + 1
        client = Client()
        client.force_login(coordinator)
        url = reverse("dashboard:scheme_dashboard", kwargs={"slug": scheme.slug})
        if connection.vendor == "postgresql":
            # As autovacuum would have by now: the planner's statistics of the new rows.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        cache.clear()
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        cold = (time.perf_counter() - started) * 1000
        cache.clear()
        started = time.perf_counter()
        # What the hourly sweep does for the dashboard: its scan, its flags kept (the
        # reminders it records and sends are the reminders benchmark's business).
        swept_at = timezone.now()
        risks_remember(reminders_scan(now=swept_at, scheme_ids=[scheme.pk]), swept_at)
        swept = time.perf_counter() - started
        timings, counts = [], []
        for _ in range(RENDERS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            counts.append(len(queries))
        print(
            f"{pairs:>7,} {people:>7,} {seeded:>7.1f} {cold:>8.0f} {swept:>8.1f} "
            f"{timings[0]:>9.0f} {counts[0]:>8} {min(timings[1:]):>8.0f} {counts[-1]:>8}"
        )
