"""Score and solve, side by side, for the weights, places and capacities schemes have.

Each case runs in a fresh Python process (``python -m benchmarks.bench_cases CASE
MENTEES MENTORS``), so that its peak resident memory, read from ``resource.getrusage``
when it ends, is the whole process's and no earlier case's; a case still running after
``TIMEOUT`` seconds is stopped and reported as such. Building the people is not timed
(in a run that is the database's part); scoring and solving are, by the clock and in
CPU seconds (both threads), the steadier figure when other work shares the machine.

The cases: the default weights; every weight at 0 (every pair ties); a single weight
(professional body, or long or short term: a few values, so most pairs tie); places at
100%, 99.9% and 60% of the mentees (the seeded schemes have 55-60%); and one mentor with
a capacity of 1,000,000. Targets (issue 13, printed, not asserted): at 10,000 x 5,000
under 3 s and under 1 GB peak for every case.
"""

import json
import os
import random
import resource
import subprocess
import sys
import time

SIZES = ((2_000, 1_000), (10_000, 5_000))
TIMEOUT = 120  # seconds a case may take before it is stopped and reported as such
TARGET_SECONDS, TARGET_MB = 3.0, 1024
HUGE = 1_000_000

ZERO = {
    "areas": 0,
    "locations": 0,
    "department": 0,
    "term": 0,
    "professional_body": 0,
    "seniority": 0,
}
# name: (weights over the defaults, places as a share of the mentees, a huge mentor)
CASES = {
    "default weights": ({}, 1.0, False),
    "all weights 0": (ZERO, 1.0, False),
    "professional body only": ({**ZERO, "professional_body": 100}, 1.0, False),
    "term only": ({**ZERO, "term": 100}, 1.0, False),
    "places 99.9%": ({}, 0.999, False),
    "places 60%": ({}, 0.6, False),
    "one mentor of 1,000,000": ({}, 1.0, True),
}


def _capacity(mentors: int, places: int, huge: bool) -> list[int]:
    """``places`` spread over the mentors, one or two each (the shortfall from two
    places each falls on the last mentors); with ``huge``, mentor 0 has a million."""
    if places < mentors:
        capacity = [1 if j < places else 0 for j in range(mentors)]
    else:
        capacity = [2 if j < places - mentors else 1 for j in range(mentors)]
    if huge:
        capacity[0] = HUGE
    return capacity


def case(name: str, mentees: int, mentors: int) -> dict:
    """Score and solve one case in this process; its figures."""
    from benchmarks.bench_scoring import QUESTIONS, _people
    from matching.engine.criteria import SchemeRules
    from matching.engine.matrix import score_matrix
    from matching.engine.solver import solve
    from schemes.choices import DEFAULT_GRADES

    weights, share, huge = CASES[name]
    # The scheme's own questions count with the default weights, and are off otherwise.
    question_weights = {q.key: 0 for q in QUESTIONS} if weights else {}
    rules = SchemeRules(
        grades=DEFAULT_GRADES,
        questions=QUESTIONS,
        require_senior_mentor=True,
        weights={**weights, **question_weights},
    )
    rng = random.Random(mentees)
    mentee_people = _people(rng, mentees, "mentee", 1)
    mentor_people = _people(rng, mentors, "mentor", mentees + 1)
    capacity = _capacity(mentors, round(mentees * share), huge)
    started, cpu = time.perf_counter(), time.process_time()
    scores, admissible = score_matrix(mentee_people, mentor_people, rules)
    scored = time.perf_counter()
    solution = solve(scores, admissible, capacity)
    solved = time.perf_counter()
    return {
        # Both threads' CPU time: steadier than the clock on a busy machine.
        "cpu": time.process_time() - cpu,
        "score": scored - started,
        "solve": solved - scored,
        "rounds": solution.rounds,
        "method": solution.method,
        "certified": solution.certified,
        "matched": solution.matched,
        "places": sum(min(c, mentees) for c in capacity),
        "pairs": solution.candidates,
        # Linux gives kilobytes.
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _in_fresh_process(name: str, mentees: int, mentors: int) -> dict | str:
    """The case's figures from a new process, or why there are none."""
    try:
        done = subprocess.run(  # noqa: S603 (our own module, with our own arguments)
            [sys.executable, "-m", "benchmarks.bench_cases", name, str(mentees), str(mentors)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
    except subprocess.TimeoutExpired:
        return f"stopped after {TIMEOUT} s"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return f"failed: {last}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> None:
    print(
        f"Score and solve, each case in a fresh process (peak: the process's resident "
        f"memory, getrusage); target at 10,000 x 5,000: under {TARGET_SECONDS:.0f} s and "
        f"{TARGET_MB} MB. Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores."
    )
    for mentees, mentors in SIZES:
        print(f"\n{mentees:,} mentees x {mentors:,} mentors")
        print(
            f"{'case':<24} {'places':>7} {'score s':>8} {'solve s':>8} {'total s':>8} "
            f"{'CPU s':>6} {'rounds':>6} {'pairs':>9} {'peak MB':>8} {'matched':>8}  result"
        )
        for name in CASES:
            found = _in_fresh_process(name, mentees, mentors)
            if isinstance(found, str):
                print(f"{name:<24} {found}")
                continue
            total = found["score"] + found["solve"]
            within = total < TARGET_SECONDS and found["peak_mb"] < TARGET_MB
            verdict = "within target" if within else "OVER target"
            proof = "certified" if found["certified"] else "NOT CERTIFIED"
            print(
                f"{name:<24} {found['places']:>7,} {found['score']:>8.2f} "
                f"{found['solve']:>8.2f} {total:>8.2f} {found['cpu']:>6.2f} {found['rounds']:>6} "
                f"{found['pairs']:>9,} {found['peak_mb']:>8.0f} {found['matched']:>8,}  "
                f"{found['method']}, {proof}"
                + (f", {verdict}" if (mentees, mentors) == SIZES[-1] else "")
            )


if __name__ == "__main__":
    name, mentees, mentors = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(case(name, mentees, mentors)))
