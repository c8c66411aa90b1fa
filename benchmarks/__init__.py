"""Benchmarks, run by ``make bench``: each ``bench_*.py`` module's ``run()`` prints
its figures. Speed is measured here, never asserted in the test suite."""
