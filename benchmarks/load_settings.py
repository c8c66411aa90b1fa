"""The settings of the load benchmark's web and worker processes (``bench_load``).

The base settings, driven by the environment the benchmark passes them (its test
database, Redis, connections kept for a minute as production keeps them), and a Celery
queue of the benchmark's own: its web processes send to that queue and its worker alone
takes from it, so no other worker on the same Redis runs the benchmark's tasks against
another database, and the benchmark's worker runs nobody else's.
"""

import os

from mentoring.settings.base import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["BENCH_LOAD_QUEUE"]
