"""Seeding a large scheme, and reading its applications back.

The figures to watch: seeding grows linearly with the rows and stays well under a
minute for 10,000 applications; reading the applications and the coordinator's list
page keeps the same number of queries whatever the size.
"""

import statistics
import time
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from mentoring.models import User
from schemes import selectors
from schemes.models import Application, Role, Scheme

SIZES = (1_000, 10_000)  # applications: three mentees for every two mentors
REPEAT = 5


def _seed(name: str, applications: int) -> tuple[float, int]:
    mentees = applications * 3 // 5
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call_command(
            "seed_demo",
            scheme=name,
            mentees=mentees,
            mentors=applications - mentees,
            pairs=0,  # the applications alone: bench_sessions times the pairs
            seed=1,
            stdout=StringIO(),
        )
        seconds = time.perf_counter() - started
    return seconds, len(queries)


def _timed(read) -> tuple[float, int, int]:
    """Median milliseconds, queries and rows of ``read()`` over a few runs."""
    read()  # warm up
    timings = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            rows = read()
            timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000, len(queries), rows


def _page(client: Client, url: str):
    def read():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(response.content) // 1024

    return read


@override_settings(ALLOWED_HOSTS=["testserver"])
def run() -> None:
    started = time.perf_counter()
    call_command("seed_demo", stdout=StringIO())
    print(f"demo scheme (seed_demo, no options): {time.perf_counter() - started:.1f} s")

    print(f"\n{'applications':>12} {'seconds':>8} {'per second':>11} {'queries':>8}")
    for size in SIZES:
        seconds, queries = _seed(f"Bench {size}", size)
        print(f"{size:>12,} {seconds:>8.1f} {size / seconds:>11,.0f} {queries:>8}")

    scheme = Scheme.objects.get(slug=f"bench-{SIZES[-1]}")
    print(f"\nReading {Application.objects.filter(scheme=scheme).count():,} applications")
    print(f"{'read':<44} {'median ms':>10} {'queries':>8} {'rows':>7}")
    reads = {
        "scheme_applications, all rows": lambda: len(list(selectors.scheme_applications(scheme))),
        "scheme_applications, first 50": lambda: len(
            list(selectors.scheme_applications(scheme)[:50])
        ),
        "  approved mentees, first 50": lambda: len(
            list(selectors.scheme_applications(scheme, role=Role.MENTEE, status="approved")[:50])
        ),
        "  department Housing, first 50": lambda: len(
            list(selectors.scheme_applications(scheme, department="Housing")[:50])
        ),
        "  search 'smith', first 50": lambda: len(
            list(selectors.scheme_applications(scheme, search="smith")[:50])
        ),
        "application_counts": lambda: (
            selectors.application_counts(selectors.scheme_applications(scheme)).total
        ),
        "application_departments": lambda: len(selectors.application_departments(scheme)),
        "schemes_with_counts": lambda: len(list(selectors.schemes_with_counts())),
    }
    for label, read in reads.items():
        ms, queries, rows = _timed(read)
        print(f"{label:<44} {ms:>10.1f} {queries:>8} {rows:>7,}")

    client = Client()
    client.force_login(User.objects.get(email="coordinator@example.org"))
    url = reverse("schemes:applications", kwargs={"slug": scheme.slug})
    if client.get(url).status_code != 200:
        print("\nThe coordinator's applications page is not written yet: not timed.")
        return
    print(f"\nThe coordinator's pages at {SIZES[-1]:,} applications")
    print(f"{'page':<44} {'median ms':>10} {'queries':>8} {'KiB':>7}")
    one = Application.objects.filter(scheme=scheme, role=Role.MENTEE).first()
    pages = {
        "applications": url,
        "applications, page 100": f"{url}?page=100",
        "applications, approved mentees": f"{url}?role=mentee&status=approved",
        "applications, Housing": f"{url}?department=Housing",
        "application detail": reverse(
            "schemes:application_detail", kwargs={"slug": scheme.slug, "pk": one.pk}
        ),
    }
    for label, page in pages.items():
        ms, queries, size = _timed(_page(client, page))
        print(f"{label:<44} {ms:>10.1f} {queries:>8} {size:>7,}")
