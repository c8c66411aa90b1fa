"""Fifty people at once, for two minutes, against the product as it is deployed.

gunicorn (``BENCH_LOAD_WORKERS`` processes, 3 by default, as docker-compose.yml runs it)
serves the benchmark's test database on PostgreSQL, on a free port of 127.0.0.1 only;
with ``REDIS_URL`` set, a Celery worker sends the e-mails the load causes (consoled,
never mailed), on a queue of its own (``benchmarks/load_settings.py``). The database
holds a scheme of a council's size (for 50 people, 268 applications and 67 pairs with
a year's history of sessions, actions, pulses and evaluations), and ``BENCH_LOAD_USERS`` people
(50 by default): a tenth of them the scheme's coordinators, the others mentees and
mentors of its active pairs, each signed in with a session of their own.

For ``BENCH_LOAD_SECONDS`` (120 by default) each person, in a thread of their own, does
one journey after another, with 1 to 3 seconds of thought in between (a harder load
than fifty real people, who read a page for longer):

- a mentee or a mentor: their home page; the pair's page; plans a session (the form,
  its post, the session's page it leads to; both are e-mailed a calendar file); writes
  the summary of a held session with an action (the form, its post, the session's page);
- a coordinator: their home page; the scheme's dashboard; the pairs as a CSV export.

Every request is timed on its own (a journey's form, post and page are three), after a
warm-up that is not counted. Printed per journey: journeys, requests, requests per
second, the 50th, 95th and 99th percentiles of a request's time, and errors (a
connection refused or cut, a time-out, or any answer but the one expected: a form post
that comes back with errors is one). Target: no errors, and p95 under 300 ms on a
2-core machine. Then what the load wrote, and whether the worker sent every e-mail.

It needs PostgreSQL: on SQLite the test database lives in this process's memory, where
gunicorn cannot reach it, and the benchmark says so and skips. gunicorn and the worker
are stopped by their process ids when it ends, whatever happens.
"""

import contextlib
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from io import StringIO
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from matching.models import Mentorship
from mentoring.models import OutboxMessage, User
from schemes.models import Role, Scheme
from schemes.services.schemes import membership_add
from sessions.models import MentoringSession, SessionAction

SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "120"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "3"))
THINK = (1.0, 3.0)  # seconds between two journeys of one person
TIMEOUT = 30  # seconds: gunicorn's own limit for a request
TARGET_P95_MS = 300
SCHEME_NAME = "Load test"

# What each kind of person does, and how often (weights).
PAIR_JOURNEYS = {"home": 3, "pair page": 3, "plan a session": 2, "write a summary": 2}
COORDINATOR_JOURNEYS = {"home": 2, "dashboard": 5, "export": 3}
ORDER = ("home", "pair page", "plan a session", "write a summary", "dashboard", "export")

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Person:
    email: str
    cookies: dict[str, str]
    pair: int | None = None  # the mentorship, for a mentee or a mentor
    held: int | None = None  # a held session of that pair, for its summary

    @property
    def journeys(self) -> dict[str, int]:
        return PAIR_JOURNEYS if self.pair else COORDINATOR_JOURNEYS


@dataclass
class Timings:
    """Every request's time and outcome, by journey; shared by the people's threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    journeys: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)

    def record(self, journey: str, ms: float, problem: str = "") -> None:
        with self.lock:
            self.requests[journey].append(ms)
            if problem:
                self.errors[journey] += 1
                if len(self.samples) < 8:
                    self.samples.append(f"{journey}: {problem}")


class Failed(Exception):
    """A request of a journey did not answer as expected: the journey stops there."""


class Browser:
    """One person's requests to 127.0.0.1 with their cookies; a connection each, as
    gunicorn's sync workers close it after every answer."""

    def __init__(self, port: int, person: Person, timings: Timings | None):
        self.port = port
        self.person = person
        self.timings = timings

    def request(
        self, journey: str, method: str, path: str, *, form: dict | None = None, expect: int = 200
    ) -> tuple[str, bytes]:
        """The answer's Location and body; ``Failed`` unless its status is ``expect``."""
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.person.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.person.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        problem = ""
        started = time.perf_counter()
        try:
            http = HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            try:
                http.request(method, path, body=body, headers=headers)
                response = http.getresponse()
                content = response.read()
            finally:
                http.close()
            if response.status != expect:
                problem = f"{method} {path} answered {response.status}, not {expect}"
        except OSError as error:  # refused, reset, timed out
            problem = f"{method} {path}: {type(error).__name__} {error}"
        ms = (time.perf_counter() - started) * 1000
        if self.timings is not None:
            self.timings.record(journey, ms, problem)
        if problem:
            raise Failed(problem)
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.person.cookies[name] = morsel.value
                else:  # deleted, as the messages cookie once read
                    self.person.cookies.pop(name, None)
        return response.getheader("Location", ""), content

    def post_form(self, journey: str, page: str, data: dict) -> None:
        """The form's page, the form posted with its CSRF token, and the page the post
        redirects to."""
        _, content = self.request(journey, "GET", page)
        token = CSRF_INPUT.search(content)
        if token is None:
            raise Failed(f"no CSRF token in {page}")
        form = {"csrfmiddlewaretoken": token.group(1).decode(), **data}
        location, _ = self.request(journey, "POST", page, form=form, expect=302)
        self.request(journey, "GET", location)


def _home(browser: Browser, rng: random.Random) -> None:
    browser.request("home", "GET", reverse("home"))


def _pair_page(browser: Browser, rng: random.Random) -> None:
    url = reverse("agreements:pair", kwargs={"pk": browser.person.pair})
    browser.request("pair page", "GET", url)


def _plan(browser: Browser, rng: random.Random) -> None:
    day = timezone.localdate() + timedelta(days=rng.randint(1, 90))
    browser.post_form(
        "plan a session",
        reverse("sessions:session_plan", kwargs={"pk": browser.person.pair}),
        {
            "date": day.isoformat(),
            "time": f"{rng.randint(8, 17):02d}:{rng.choice(('00', '30'))}",
            "duration_minutes": rng.choice((30, 45, 60, 90)),
            "format": rng.choice(("in_person", "video", "phone")),
            "place": "Room 2, Civic Centre",
        },
    )


def _summary(browser: Browser, rng: random.Random) -> None:
    person = browser.person
    browser.post_form(
        "write a summary",
        reverse("sessions:session_summary", kwargs={"pk": person.pair, "session": person.held}),
        {
            "summary": (
                "We looked back at the month: the presentation to the service managers "
                "went well, and the feedback on pace was fair. We agreed to practise "
                "the budget questions before the next panel. "
            )
            * rng.randint(1, 3),
            "action-0-owner": rng.choice(("mentee", "mentor")),
            "action-0-text": "Draft three answers on the budget and share them",
            "action-0-due_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    )


def _dashboard(browser: Browser, rng: random.Random) -> None:
    url = reverse("dashboard:scheme_dashboard", kwargs={"slug": slugify(SCHEME_NAME)})
    browser.request("dashboard", "GET", url)


def _export(browser: Browser, rng: random.Random) -> None:
    url = reverse("dashboard:export", kwargs={"report": "mentorships"})
    browser.request("export", "GET", f"{url}?scheme={slugify(SCHEME_NAME)}&format=csv")


JOURNEYS: dict[str, Callable[[Browser, random.Random], None]] = {
    "home": _home,
    "pair page": _pair_page,
    "plan a session": _plan,
    "write a summary": _summary,
    "dashboard": _dashboard,
    "export": _export,
}


# The people ---------------------------------------------------------------------------


def _seed(users: int) -> tuple[list[Person], int]:
    """The scheme, its coordinators and the people of its active pairs who have held a
    session, each signed in; and the number of pairs they belong to."""
    coordinators = max(1, users // 10)
    in_pairs = users - coordinators
    # Three times the pairs needed: some are just starting (no session held yet), some
    # have finished, and a mentor may have two mentees.
    pairs = max(in_pairs, 2) * 3 // 2
    call_command(
        "seed_demo",
        scheme=SCHEME_NAME,
        mentees=pairs * 2,
        mentors=pairs * 2,
        pairs=pairs,
        seed=1,
        stdout=StringIO(),
    )
    scheme = Scheme.objects.get(slug=slugify(SCHEME_NAME))
    held = dict(
        MentoringSession.objects.filter(
            mentorship__scheme=scheme,
            mentorship__status=Mentorship.Status.ACTIVE,
            status=MentoringSession.Status.HELD,
        )
        .values_list("mentorship")
        .annotate(last=Max("pk"))
        .order_by()
    )
    people: list[Person] = []
    taken: set[int] = set()
    used_pairs: set[int] = set()
    for mentorship in (
        Mentorship.objects.filter(pk__in=held).select_related("mentee", "mentor").order_by("pk")
    ):
        for user in (mentorship.mentee, mentorship.mentor):
            if len(people) < in_pairs and user.pk not in taken:
                taken.add(user.pk)
                used_pairs.add(mentorship.pk)
                people.append(_signed_in(user, pair=mentorship.pk, held=held[mentorship.pk]))
    if len(people) < in_pairs:
        raise RuntimeError(f"Only {len(people)} people in active pairs, {in_pairs} needed.")
    staff = [User.objects.get(email="coordinator@example.org")]
    for n in range(2, coordinators + 1):
        user = User.objects.create_user(
            email=f"coordinator-{n}@{scheme.slug}.example.org", name=f"Coordinator {n}"
        )
        membership_add(scheme=scheme, user=user, role=Role.COORDINATOR)
        staff.append(user)
    people += [_signed_in(user) for user in staff]
    return people, len(used_pairs)


def _signed_in(user: User, **pair: int) -> Person:
    """The person with a session of their own, made as signing in makes it."""
    client = Client()
    client.force_login(user)
    cookie = settings.SESSION_COOKIE_NAME
    return Person(email=user.email, cookies={cookie: client.cookies[cookie].value}, **pair)


# The processes ------------------------------------------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(queue: str) -> dict[str, str]:
    """What the web processes and the worker read: the test database, the same secret
    key as this process (its sessions must be theirs), debug off, connections kept a
    minute as in production, e-mails printed to the log, never sent."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.load_settings",
        "DATABASE_URL": _database_url(),
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_CACHE_PREFIX": queue,
        "EMAIL_URL": "consolemail://",
        "BENCH_LOAD_QUEUE": queue,
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return env


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as output:
        # Our own interpreter running gunicorn or celery, with fixed arguments.
        return subprocess.Popen(  # noqa: S603
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )


def _stop(process: subprocess.Popen) -> None:
    """Stop one process we started, by its id: politely, then for good."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _children_cpu(parent: int) -> float:
    """CPU seconds (user and system) used so far by the processes whose parent is
    ``parent``: gunicorn's web processes. Linux only (0 elsewhere)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        # After the name: state, ppid, ... utime and stime are the 12th and 13th.
        if int(fields[1]) == parent:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _wait_until_serving(port: int, web: subprocess.Popen, log: Path) -> None:
    """Until /health/ answers 200 (the database, and the broker when there is one)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if web.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log.read_text()[-2000:]}")
        http = HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            http.request("GET", reverse("health"), headers={"Host": f"127.0.0.1:{port}"})
            if http.getresponse().status == 200:
                return
        except OSError:
            pass  # not listening yet
        finally:
            http.close()
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within a minute:\n{log.read_text()[-2000:]}")


def _wait_for_disconnections() -> None:
    """Until the stopped processes' connections are gone, so the test database can be
    dropped."""
    deadline = time.monotonic() + 20
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.2)


# The load -----------------------------------------------------------------------------


def _warm_up(port: int, people: list[Person]) -> None:
    """Each journey a few times, uncounted: every gunicorn process loads its URLs and
    templates on its first requests."""
    rng = random.Random(0)
    pair_person = next(p for p in people if p.pair)
    coordinator = next(p for p in people if not p.pair)
    for _ in range(WORKERS * 2):
        for name in ORDER:
            person = pair_person if name in PAIR_JOURNEYS else coordinator
            JOURNEYS[name](Browser(port, person, None), rng)


def _person(port: int, person: Person, timings: Timings, deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    names, weights = zip(*person.journeys.items(), strict=True)
    browser = Browser(port, person, timings)
    time.sleep(rng.uniform(0, THINK[1]))  # people do not all arrive in the same second
    while time.monotonic() < deadline:
        name = rng.choices(names, weights)[0]
        with timings.lock:
            timings.journeys[name] += 1
        # A failure is recorded; the person goes on to their next journey.
        with contextlib.suppress(Failed):
            JOURNEYS[name](browser, rng)
        time.sleep(rng.uniform(*THINK))


def _load(port: int, people: list[Person]) -> tuple[Timings, float, float]:
    """Every person's journeys until the time is up; the timings, the seconds it took
    and the CPU seconds this process (the people's threads) used meanwhile."""
    timings = Timings()
    started, cpu = time.monotonic(), time.process_time()
    deadline = started + SECONDS
    threads = [
        threading.Thread(target=_person, args=(port, person, timings, deadline, n), daemon=True)
        for n, person in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SECONDS + THINK[1] + 4 * TIMEOUT)
    return timings, time.monotonic() - started, time.process_time() - cpu


def _percentiles(times: list[float]) -> tuple[float, float, float]:
    if len(times) < 2:
        only = times[0] if times else 0.0
        return only, only, only
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def _report(timings: Timings, seconds: float) -> None:
    print(
        f"{'journey':<16} {'journeys':>8} {'requests':>8} {'req/s':>6} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"
    )
    every: list[float] = []
    for name in ORDER:
        times = timings.requests.get(name, [])
        every += times
        p50, p95, p99 = _percentiles(times)
        errors = timings.errors.get(name, 0)
        verdict = "ok" if not errors and p95 < TARGET_P95_MS else "MISSED"
        print(
            f"{name:<16} {timings.journeys.get(name, 0):>8} {len(times):>8} "
            f"{len(times) / seconds:>6.1f} {p50:>7.0f} {p95:>7.0f} {p99:>7.0f} {errors:>6}  "
            f"{verdict}"
        )
    p50, p95, p99 = _percentiles(every)
    errors = sum(timings.errors.values())
    print(
        f"{'all':<16} {sum(timings.journeys.values()):>8} {len(every):>8} "
        f"{len(every) / seconds:>6.1f} {p50:>7.0f} {p95:>7.0f} {p99:>7.0f} {errors:>6}  "
        f"(target: no errors, p95 < {TARGET_P95_MS} ms)"
    )
    for sample in timings.samples:
        print(f"  error: {sample}")


def _last_rows() -> dict[type, int]:
    """The last row of each kind the load writes, so that what it wrote can be counted."""
    kinds = (MentoringSession, SessionAction, OutboxMessage)
    return {kind: kind.objects.aggregate(last=Max("pk"))["last"] or 0 for kind in kinds}


def _written(before: dict[type, int], worker: bool) -> None:
    """What the load wrote, and the e-mails it queued: sent by the worker, or still
    waiting after it had half a minute to finish."""
    planned = MentoringSession.objects.filter(pk__gt=before[MentoringSession]).count()
    actions = SessionAction.objects.filter(pk__gt=before[SessionAction]).count()
    queued = OutboxMessage.objects.filter(pk__gt=before[OutboxMessage])
    deadline = time.monotonic() + 30
    while worker and queued.exclude(status=OutboxMessage.Status.SENT).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(1)
    sent = queued.filter(status=OutboxMessage.Status.SENT).count()
    by = "the worker" if worker else "the web processes (no REDIS_URL, so no worker)"
    print(
        f"The load planned {planned} sessions and wrote {actions} summaries (an action "
        f"each); {sent} of the {queued.count()} e-mails it queued were sent by {by}."
    )


def run() -> None:
    if connection.vendor != "postgresql":
        print(
            "The load benchmark needs PostgreSQL (gunicorn cannot reach this process's "
            "in-memory SQLite database): set DATABASE_URL=postgres://... to run it. Skipped."
        )
        return
    started = time.perf_counter()
    people, pairs = _seed(USERS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have by now
    in_pairs = sum(1 for p in people if p.pair)
    redis = bool(settings.REDIS_URL)
    print(
        f"Seeded and signed in {len(people)} people ({in_pairs} in {pairs} pairs, "
        f"{len(people) - in_pairs} coordinating) in {time.perf_counter() - started:.1f} s."
    )
    queue = f"bench-load-{uuid.uuid4().hex[:12]}"
    env = _environment(queue)
    port = _free_port()
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as folder:
        web_log, worker_log = Path(folder) / "gunicorn.log", Path(folder) / "worker.log"
        try:
            processes.append(
                _start(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "mentoring.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(WORKERS),
                        "--timeout",
                        str(TIMEOUT),
                        "--graceful-timeout",
                        "10",
                    ],
                    env,
                    web_log,
                )
            )
            if redis:
                processes.append(
                    _start(
                        [
                            sys.executable,
                            "-m",
                            "celery",
                            "--app",
                            "mentoring",
                            "worker",
                            "--pool",
                            "solo",
                            "--queues",
                            queue,
                            "--loglevel",
                            "WARNING",
                            "--without-gossip",
                            "--without-mingle",
                        ],
                        env,
                        worker_log,
                    )
                )
            _wait_until_serving(port, processes[0], web_log)
            _warm_up(port, people)
            before = _last_rows()
            print(
                f"{len(people)} people for {SECONDS} s, {THINK[0]:.0f}-{THINK[1]:.0f} s of "
                f"thought between journeys, against gunicorn ({WORKERS} processes) on "
                f"127.0.0.1:{port}, PostgreSQL"
                + (", Redis and a Celery worker" if redis else ", tasks run in the web processes")
                + f"; {os.cpu_count()} cores."
            )
            busy_before, web_before = os.getloadavg()[0], _children_cpu(processes[0].pid)
            timings, seconds, cpu = _load(port, people)
            web_cpu = _children_cpu(processes[0].pid) - web_before
            _report(timings, seconds)
            requests = sum(len(times) for times in timings.requests.values()) or 1
            print(
                f"Ran {seconds:.0f} s. CPU seconds used of the machine's "
                f"{seconds * (os.cpu_count() or 1):.0f}: gunicorn's processes {web_cpu:.0f} "
                f"({web_cpu * 1000 / requests:.0f} ms a request, PostgreSQL's share not "
                f"included), the simulated people's threads {cpu:.1f}. The machine's load "
                f"average (other work included) was {busy_before:.1f} before and "
                f"{os.getloadavg()[0]:.1f} at the end."
            )
            _written(before, worker=redis)
        finally:
            for process in reversed(processes):
                _stop(process)
            _wait_for_disconnections()
