"""The mentorships export of a hundred thousand pairs, as CSV and as Excel.

The pairs are written in bulk by the reminders' benchmark (``bench_reminders._seed``:
people, applications, mentorships, sessions, evaluations, concerns). Each export then
runs as ``manage.py export_report`` in a process of its own, against the same database,
so the figures are an export's alone: its seconds (Django's start included), and the
peak memory of the whole process (VmHWM, Django included), which must not grow with the
rows. Targets:
CSV under 20 s and 200 MB, Excel under 60 s.

On SQLite the test database lives in this process's memory, where no other process can
reach it: the exports then run here, and the memory figure is the peak of Python's own
allocations during the export (tracemalloc), which slows it down.
"""

import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import timezone

from benchmarks.bench_reminders import _seed
from dashboard.reports import REGISTRY
from dashboard.reports.render import write_report
from dashboard.scope import Scope
from schemes.models import Scheme

SIZES = tuple(int(n) for n in os.environ.get("BENCH_EXPORT_PAIRS", "100000").split(","))
TARGETS = {"csv": (20.0, 200.0), "xlsx": (60.0, None)}


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


# The export as ``manage.py export_report`` runs it, then the process's own peak memory.
# VmHWM, not ru_maxrss: Linux carries a process's ru_maxrss over from before its exec,
# so a child of this (large) process would report this one's peak.
CHILD = """
import sys
import django
from django.core.management import call_command

django.setup()
fmt, output, slug = sys.argv[1:]
call_command("export_report", "mentorships", "--scheme", slug, "--format", fmt, "--output", output)
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""


def _in_a_process(scheme: Scheme, fmt: str, output: Path) -> tuple[float, float]:
    """Seconds and peak memory (MB) of ``export_report`` in a process of its own."""
    env = {**os.environ, "DATABASE_URL": _database_url()}
    env.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings.test")
    started = time.perf_counter()
    # Our own interpreter, with fixed arguments.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHILD, fmt, str(output), scheme.slug],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(done.stderr)
    # VmHWM is in kilobytes.
    return seconds, int(done.stdout.split()[-1]) / 1024


def _here(scheme: Scheme, fmt: str, output: Path) -> tuple[float, float]:
    """Seconds and the peak of Python's allocations (MB) of the export in this process."""
    scope = Scope(reader=None, scheme_ids=(scheme.pk,))
    tracemalloc.start()
    started = time.perf_counter()
    write_report(REGISTRY["mentorships"], scope, fmt, str(output))
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20


def run() -> None:
    import mentoring.outbox

    # Seeding queues nothing that matters here: no worker, no eager tasks.
    dispatch = mentoring.outbox.outbox_dispatch
    mentoring.outbox.outbox_dispatch = lambda **kwargs: False  # type: ignore[assignment]
    try:
        _run()
    finally:
        mentoring.outbox.outbox_dispatch = dispatch


def _run() -> None:
    apart = connection.vendor == "postgresql"
    measure = _in_a_process if apart else _here
    memory = "peak RSS MB" if apart else "peak heap MB"
    now = datetime.combine(
        timezone.localdate(), datetime.min.time(), tzinfo=ZoneInfo("Europe/London")
    ) + timedelta(hours=10)
    print(f"{'pairs':>8} {'format':>6} {'seed s':>7} {'export s':>9} {memory:>12} {'MB file':>8}")
    for pairs in SIZES:
        started = time.perf_counter()
        scheme = _seed(pairs, now)
        seeded = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as folder:
            for fmt in ("csv", "xlsx"):
                output = Path(folder) / f"mentorships.{fmt}"
                seconds, peak = measure(scheme, fmt, output)
                size = output.stat().st_size / 2**20
                limit_s, limit_mb = TARGETS[fmt]
                verdict = (
                    "ok" if seconds < limit_s and (not limit_mb or peak < limit_mb) else "SLOW"
                )
                seed = f"{seeded:.1f}" if fmt == "csv" else ""
                print(
                    f"{pairs:>8,} {fmt:>6} {seed:>7} {seconds:>9.1f} {peak:>12.0f} "
                    f"{size:>8.1f}  {verdict} (target < {limit_s:.0f} s"
                    + (f", < {limit_mb:.0f} MB)" if limit_mb else ")")
                )
        Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.DRAFT)
