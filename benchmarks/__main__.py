"""Run the benchmarks against a throw-away test database and print their figures.

``python -m benchmarks`` runs them all; ``python -m benchmarks pages`` only
``bench_pages``. ``DATABASE_URL`` chooses the database, as for the tests.
"""

import importlib
import os
import pkgutil
import sys
import time


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    import benchmarks

    names = sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules(benchmarks.__path__)
        if m.name.startswith("bench_")
    )
    chosen = argv or names
    unknown = set(chosen) - set(names)
    if unknown:
        print(f"No such benchmark: {', '.join(sorted(unknown))}. Known: {', '.join(names)}")
        return 2

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"Database: {connection.vendor}. Machine: {os.cpu_count()} cores.")
        for name in chosen:
            started = time.perf_counter()
            print(f"\n== {name} ==")
            importlib.import_module(f"benchmarks.bench_{name}").run()
            print(f"({time.perf_counter() - started:.1f} s)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
