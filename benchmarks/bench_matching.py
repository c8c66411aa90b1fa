"""The matching solver against the alternatives, on the same random schemes.

For each size (mentees x mentors, two places per mentor) it prints each method's time,
peak memory (growth of the process's resident memory while it runs), total score,
mentees matched, and the total as a share of the exact optimum and of greedy. Methods:

- dense exact: the Hungarian method (scipy) on the capacity-expanded matrix;
- sparse certified: the solver's sparse method, exact and proved so by LP duals;
- greedy: best pair first;
- stable (HR): the `matching` package's hospital-resident solver, mentee-proposing,
  with every admissible mentor ranked by score on both sides;
- munkres: the `munkres` package (a pure-Python Hungarian method), small sizes only.

Only the solve is timed: scoring is timed in bench_scoring. Nothing is asserted.

The instances follow the scheme's criteria and their default weights (areas 35,
locations 15, department 15, term 10, professional body 5, seniority 20), with the
correlations real schemes have: senior mentors offer more areas, departments sit in a
few locations. About a seventh of the pairs are inadmissible (same department when the
mentee asked for another, a department the mentee avoids, a mentor junior to the mentee).
"""

import gc
import importlib
import importlib.metadata
import importlib.util
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable

import numpy as np

from matching.engine import baseline, solver

SIZES = ((2_000, 1_000), (5_000, 2_500), (10_000, 5_000))
SMALL_SIZES = ((200, 100), (500, 250))
CAPACITY = 2
SEED = 2026
# The dense method's cost matrix (float64, mentees x places) beyond which it is skipped:
# at 10,000 x 5,000 it needs 0.8 GB and about a minute (the issue measured 47 s, 1.4 GB).
DENSE_MAX_BYTES = 512 * 2**20
# The `matching` package's solver takes about 0.15 s at 200 mentees, 13 s at 1,000 and
# 95 s at 2,000 here (its time grows with the cube of the size): the larger sizes would
# take from half an hour up.
STABLE_MAX_MENTEES = 2_000
# munkres (pure Python): about 2 s at 200 mentees, 25 s at 500.
MUNKRES_MAX_MENTEES = 500

AREAS, LOCATIONS, DEPARTMENTS, BODIES, GRADES = 12, 10, 25, 6, 8
WEIGHTS = {
    "areas": 35,
    "locations": 15,
    "department": 15,
    "term": 10,
    "professional_body": 5,
    "seniority": 20,
}
SENIORITY_CURVE = np.array((0.0, 0.25, 0.75, 1.0, 1.0, 0.75))  # difference -1..4


def _people(rng: np.random.Generator, count: int, mentor: bool) -> dict[str, np.ndarray]:
    grade = rng.integers(2, GRADES, count) if mentor else rng.integers(0, GRADES - 3, count)
    # Senior mentors tend to offer more areas (three to six); mentees want two to four.
    area_count = (
        np.clip(3 + grade // 4 + rng.integers(0, 3, count), 3, 6)
        if mentor
        else rng.integers(2, 5, count)
    )
    areas = np.argsort(rng.random((count, AREAS)), axis=1) < area_count[:, None]
    department = rng.integers(0, DEPARTMENTS, count)
    # A department sits mostly in one location; people may name a second one.
    home = department % LOCATIONS
    locations = np.zeros((count, LOCATIONS), dtype=bool)
    locations[
        np.arange(count), np.where(rng.random(count) < 0.8, home, rng.integers(0, 10, count))
    ] = True
    second = rng.random(count) < 0.4
    locations[np.flatnonzero(second), rng.integers(0, LOCATIONS, int(second.sum()))] = True
    return {
        "grade": grade,
        "areas": areas.astype(np.float32),
        "area_count": areas.sum(axis=1),
        "department": department,
        "locations": locations.astype(np.float32),
        "face_to_face": rng.integers(1, 5, count),
        "term": rng.choice(np.array([0, 1, 2]), count, p=[0.15, 0.6, 0.25]),  # 0 unknown
        "body": np.where(rng.random(count) < 0.5, rng.integers(1, BODIES + 1, count), 0),
        # Mentees: 0 any, 1 same department, 2 another one; a department to avoid or -1.
        "preference": rng.choice(np.array([0, 1, 2]), count, p=[0.2, 0.1, 0.7]),
        "avoid": np.where(rng.random(count) < 0.3, rng.integers(0, DEPARTMENTS, count), -1),
    }


def instance(mentees: int, mentors: int, seed: int = SEED):
    """A random scheme's ``(scores, admissible, capacity)``, scored like the real one."""
    rng = np.random.default_rng(seed)
    e, r = _people(rng, mentees, mentor=False), _people(rng, mentors, mentor=True)
    scores = np.empty((mentees, mentors))
    admissible = np.empty((mentees, mentors), dtype=bool)
    step = 1_000
    for start in range(0, mentees, step):
        rows = slice(start, min(mentees, start + step))
        shared = e["areas"][rows] @ r["areas"].T
        score = WEIGHTS["areas"] * shared / e["area_count"][rows, None]
        meet = (e["locations"][rows] @ r["locations"].T) > 0
        keen = np.maximum(e["face_to_face"][rows, None], r["face_to_face"][None, :])
        score += WEIGHTS["locations"] * np.where(meet, 1.0, (4 - keen) / 3)
        same = e["department"][rows, None] == r["department"][None, :]
        preference = e["preference"][rows, None]
        department = np.where(
            preference == 1, same, np.where(preference == 2, ~same, 1 - 0.5 * same)
        )
        score += WEIGHTS["department"] * department
        term_e, term_r = e["term"][rows, None], r["term"][None, :]
        term = np.where((term_e == 0) | (term_r == 0), 0.5, (term_e == term_r) * 1.0)
        score += WEIGHTS["term"] * term
        body = (e["body"][rows, None] == r["body"][None, :]) & (e["body"][rows, None] > 0)
        score += WEIGHTS["professional_body"] * body
        difference = r["grade"][None, :] - e["grade"][rows, None]
        score += WEIGHTS["seniority"] * SENIORITY_CURVE[np.clip(difference, -1, 4) + 1]
        scores[rows] = score
        admissible[rows] = (
            ~((preference == 2) & same)
            & (e["avoid"][rows, None] != r["department"][None, :])
            & (difference >= 0)
        )
    return scores, admissible, np.full(mentors, CAPACITY)


# ---------------------------------------------------------------------------------------
# Methods: each takes (scores, admissible, capacity) and returns mentor_of.


def _dense(scores, admissible, capacity):
    return solver.solve_dense(scores, admissible, capacity)


def _sparse(scores, admissible, capacity):
    return solver.solve_sparse(scores, admissible, capacity)


def _greedy(scores, admissible, capacity):
    return baseline.greedy(scores, admissible, capacity).mentor_of


def _load_hospital_resident():
    """The `matching` package's ``_make_players`` and ``hospital_resident`` solver.

    Our Django app is also called ``matching``, so the package is imported under its own
    name with our modules set aside for the moment, then put back: its modules import
    each other as ``matching.…`` (absolute imports), and keep the objects they imported.
    Its ``HospitalResident`` game deep-copies every player when it is built, which
    exceeds Python's recursion limit from 200 mentees with full preference lists, so the
    benchmark calls the game's own player builder and solver directly.
    """
    try:
        distribution = importlib.metadata.distribution("matching")
    except importlib.metadata.PackageNotFoundError:
        return None
    init = distribution.locate_file("matching/__init__.py")
    ours = {
        name: module for name, module in sys.modules.items() if name.split(".")[0] == "matching"
    }
    for name in ours:
        del sys.modules[name]
    try:
        spec = importlib.util.spec_from_file_location(
            "matching", init, submodule_search_locations=[str(init.parent)]
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules["matching"] = package
        with warnings.catch_warnings():  # it turns every warning on at import
            spec.loader.exec_module(package)
            game = importlib.import_module("matching.games.hospital_resident")
            algorithms = importlib.import_module("matching.algorithms")
        return game._make_players, algorithms.hospital_resident
    finally:
        for name in [name for name in sys.modules if name.split(".")[0] == "matching"]:
            del sys.modules[name]
        sys.modules.update(ours)


def _stable(scores, admissible, capacity, loaded):
    make_players, hospital_resident = loaded
    values = np.where(admissible & (capacity > 0), scores, -np.inf)
    n, m = values.shape
    mentee_prefs, mentor_prefs = {}, {}
    for i in range(n):
        order = np.lexsort((np.arange(m), -values[i]))
        ranked = order[np.isfinite(values[i, order])]
        if ranked.size:
            mentee_prefs[i] = ranked.tolist()
    for j in range(m):
        order = np.lexsort((np.arange(n), -values[:, j]))
        mentor_prefs[j] = order[np.isfinite(values[order, j])].tolist()
    mentees, mentors = make_players(
        mentee_prefs, mentor_prefs, {j: int(capacity[j]) for j in range(m)}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = hospital_resident(mentees, mentors, optimal="resident")
    mentor_of = np.full(n, -1)
    for mentor, matched in result.items():
        for mentee in matched:
            mentor_of[mentee.name] = mentor.name
    return mentor_of


def _munkres(scores, admissible, capacity):
    from munkres import Munkres

    n = scores.shape[0]
    owner = np.repeat(np.arange(scores.shape[1]), capacity)
    bonus = n * 100.0 + 1.0  # the same lexicographic objective: one more match first
    profit = np.where(admissible, bonus + scores, 0.0)[:, owner]
    cost = (profit.max() - profit).tolist()
    mentor_of = np.full(n, -1)
    for i, place in Munkres().compute(cost):
        if place < owner.size and admissible[i, owner[place]]:
            mentor_of[i] = owner[place]
    return mentor_of


# ---------------------------------------------------------------------------------------
# Measuring


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _measured(method: Callable, *args):
    """(result, seconds, peak growth of resident memory in bytes) of ``method(*args)``."""
    gc.collect()
    base = peak = _resident_bytes()
    running = True

    def watch():
        nonlocal peak
        while running:
            peak = max(peak, _resident_bytes())
            time.sleep(0.005)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.perf_counter()
    try:
        result = method(*args)
    finally:
        seconds = time.perf_counter() - started
        running = False
        watcher.join()
    peak = max(peak, _resident_bytes())
    return result, seconds, peak - base


def _row(name, seconds, memory, mentor_of, scores, optimum, quick, note=""):
    matched = np.flatnonzero(mentor_of >= 0)
    total = float(scores[matched, mentor_of[matched]].sum())
    versus_greedy = f"{100 * total / quick:9.2f}%" if quick else f"{'':>10}"
    print(
        f"{name:<18} {seconds:>8.2f} {memory / 2**20:>8.0f} {total:>13,.1f} "
        f"{matched.size:>8,} {100 * total / optimum:>9.3f}% {versus_greedy} {note}"
    )
    return total


def _skipped(name, reason):
    print(f"{name:<18} skipped: {reason}")


def _compare(mentees, mentors, hospital_resident, small=False):
    scores, admissible, capacity = instance(mentees, mentors)
    pairs = int(admissible.sum())
    print(
        f"\n{mentees:,} mentees x {mentors:,} mentors, {capacity.sum():,} places, "
        f"{pairs:,} admissible pairs ({100 * (1 - pairs / admissible.size):.0f}% inadmissible)"
    )
    print(
        f"{'method':<18} {'seconds':>8} {'peak MB':>8} {'total score':>13} "
        f"{'matched':>8} {'of optimum':>10} {'of greedy':>10}"
    )
    best, seconds, memory = _measured(_sparse, scores, admissible, capacity)
    optimum = best.total
    quick_of, quick_seconds, quick_memory = _measured(_greedy, scores, admissible, capacity)
    matched = np.flatnonzero(quick_of >= 0)
    quick = float(scores[matched, quick_of[matched]].sum())

    cells = mentees * int(capacity.sum())
    if cells * 8 <= DENSE_MAX_BYTES:
        dense, dense_seconds, dense_memory = _measured(_dense, scores, admissible, capacity)
        same = (
            "same optimum"
            if (dense.matched, dense.total) == (best.matched, best.total)
            else "DIFFERENT"
        )
        _row(
            "dense exact",
            dense_seconds,
            dense_memory,
            dense.mentor_of,
            scores,
            optimum,
            quick,
            same,
        )
    else:
        _skipped(
            "dense exact",
            f"needs {cells * 8 / 1e9:.1f} GB for its cost matrix alone, and about a minute",
        )
    _row(
        "sparse certified",
        seconds,
        memory,
        best.mentor_of,
        scores,
        optimum,
        quick,
        f"{'certified' if best.certified else 'NOT CERTIFIED'}, {best.rounds} rounds, "
        f"{best.candidates:,} pairs",
    )
    _row("greedy", quick_seconds, quick_memory, quick_of, scores, optimum, quick)
    if hospital_resident is None:
        _skipped("stable (HR)", "the `matching` package is not installed (make install)")
    elif mentees > STABLE_MAX_MENTEES:
        _skipped(
            "stable (HR)",
            f"over {STABLE_MAX_MENTEES:,} mentees its time grows to half an hour and more",
        )
    else:
        stable, stable_seconds, stable_memory = _measured(
            _stable, scores, admissible, capacity, hospital_resident
        )
        same = "same pairs as greedy" if (stable == quick_of).all() else ""
        _row("stable (HR)", stable_seconds, stable_memory, stable, scores, optimum, quick, same)
    if not small:
        return
    if importlib.util.find_spec("munkres") is None:
        _skipped("munkres", "the `munkres` package is not installed (make install)")
    elif mentees > MUNKRES_MAX_MENTEES:
        _skipped("munkres", "pure Python: too slow at this size")
    else:
        found, munkres_seconds, munkres_memory = _measured(_munkres, scores, admissible, capacity)
        _row("munkres", munkres_seconds, munkres_memory, found, scores, optimum, quick)


def run() -> None:
    print(
        f"Solve only (scores made beforehand); {solver.WORKERS} threads for the passes over "
        "all pairs. Peak MB: growth of resident memory while the method runs, on top of "
        "the score matrix it is given (8 bytes a pair)."
    )
    hospital_resident = _load_hospital_resident()
    for mentees, mentors in SMALL_SIZES:
        _compare(mentees, mentors, hospital_resident, small=True)
    for mentees, mentors in SIZES:
        _compare(mentees, mentors, hospital_resident)
