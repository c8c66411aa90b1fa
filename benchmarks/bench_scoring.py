"""Scoring every mentee/mentor pair of a large scheme at once.

The figures to watch: ``score_matrix`` at 10,000 mentees x 5,000 mentors should take well
under 3 s and peak under about 800 MB, of which the result itself (a float64 score and a
bool admissible per pair) is 430 MB; the rest is bounded by the row blocks it fills.
Building the people is not timed: in a run that is the database's part. The CPU seconds
are the steadier figure on a busy machine (scoring runs on one core).

Then the engine end to end, as a run uses it: score every pair and solve, at the same
sizes, with each mentor's capacity between 1 and 3. Target at 10,000 x 5,000: under
5 s and under 1 GB, exactly optimal and certified.
"""

import os
import random
import time
import tracemalloc

from matching.engine.baseline import greedy
from matching.engine.criteria import Person, QuestionCriterion, SchemeRules
from matching.engine.matrix import score_matrix
from matching.engine.solver import solve
from schemes.choices import DEFAULT_DEVELOPMENT_AREAS, DEFAULT_GRADES

SIZES = ((2_000, 1_000), (10_000, 5_000))
REPEAT = 3
LOCATIONS = [
    "Coventry",
    "Rugby",
    "Nuneaton",
    "Warwick",
    "Leamington Spa",
    "Kenilworth",
    "Bedworth",
    "Online",
]
DEPARTMENTS = [f"Department {n}" for n in range(1, 21)]
BODIES = ["CIPD", "CIPFA", "ACCA", "The Law Society", "Royal Town Planning Institute"]
QUESTIONS = [
    QuestionCriterion(1, "Preferred meeting time", 10),
    QuestionCriterion(2, "Interests outside work", 10, multiple=True),
]


def _people(rng: random.Random, count: int, role: str, first_id: int) -> list[Person]:
    mentor = role == "mentor"
    people = []
    for number in range(first_id, first_id + count):
        # Mentors come mostly from the upper grades, mentees from the lower ones.
        grade = round((rng.betavariate(4, 2) if mentor else rng.betavariate(2, 3)) * 12)
        people.append(
            Person(
                id=number,
                user_id=number,
                email=f"person{number}@example.org",
                name=f"Person {number}",
                department=rng.choice(DEPARTMENTS),
                grade_rank=grade if rng.random() < 0.95 else None,
                areas=rng.sample(DEFAULT_DEVELOPMENT_AREAS, rng.randint(3, 6) if mentor else 3),
                locations=rng.sample(LOCATIONS, rng.randint(1, 3)),
                face_to_face=rng.randint(1, 4),
                term=rng.choice(["long", "long", "short"]),
                match_preference=rng.choice(["same", "other", "other", "any"]),
                professional_body=rng.choice(BODIES) if rng.random() < 0.45 else "",
                line_manager_email=(
                    f"person{rng.randrange(1, 15_000)}@example.org" if rng.random() < 0.5 else ""
                ),
                avoid_people=([f"Person {rng.randrange(1, 15_000)}"] if rng.random() < 0.1 else []),
                avoid_departments=[rng.choice(DEPARTMENTS)] if rng.random() < 0.1 else [],
                answers={
                    "1": rng.choice(["Mornings", "Lunchtime", "Afternoons", "Evenings"]),
                    "2": rng.sample(["Walking", "Music", "Reading", "Sport", "Cooking"], 2),
                },
                capacity=2 if mentor else 0,
            )
        )
    return people


def run() -> None:
    rules = SchemeRules(grades=DEFAULT_GRADES, questions=QUESTIONS, require_senior_mentor=True)
    print(f"Load average {os.getloadavg()[0]:.1f}; best of {REPEAT} runs.")
    print(
        f"{'mentees':>8} {'mentors':>8} {'pairs':>12} {'seconds':>8} {'CPU s':>6} "
        f"{'peak MB':>8} {'result MB':>9} {'admissible':>10} {'mean score':>10}"
    )
    for n, m in SIZES:
        rng = random.Random(n)
        mentees = _people(rng, n, "mentee", 1)
        mentors = _people(rng, m, "mentor", n + 1)
        rules.tried_pairs = {(rng.randint(1, n), rng.randint(n + 1, n + m)) for _ in range(n // 10)}
        timings, cpu = [], []
        for _ in range(REPEAT):
            started, started_cpu = time.perf_counter(), time.process_time()
            scores, admissible = score_matrix(mentees, mentors, rules)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            del scores, admissible
        tracemalloc.start()
        scores, admissible = score_matrix(mentees, mentors, rules)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result = (scores.nbytes + admissible.nbytes) / 2**20
        print(
            f"{n:>8,} {m:>8,} {n * m:>12,} {min(timings):>8.2f} {min(cpu):>6.2f} "
            f"{peak / 2**20:>8.0f} "
            f"{result:>9.0f} {admissible.mean():>10.1%} {scores[admissible].mean():>10.1f}"
        )
        del scores, admissible
    _score_and_solve(rules)


def _score_and_solve(rules: SchemeRules) -> None:
    print(
        "\nScore and solve, end to end (timed alone; the peak, of every allocation of both, "
        "from a second pass under tracemalloc, which slows it):"
    )
    print(
        f"{'mentees':>8} {'mentors':>8} {'places':>7} {'score s':>8} {'solve s':>8} "
        f"{'total s':>8} {'peak MB':>8} {'method':>7} {'certified':>9} {'matched':>8} "
        f"{'vs greedy':>9}"
    )
    for n, m in SIZES:
        rng = random.Random(n + 1)
        mentees = _people(rng, n, "mentee", 1)
        mentors = _people(rng, m, "mentor", n + 1)
        capacity = [rng.randint(1, 3) for _ in mentors]
        started = time.perf_counter()
        scores, admissible = score_matrix(mentees, mentors, rules)
        scored = time.perf_counter()
        solution = solve(scores, admissible, capacity)
        solved = time.perf_counter()
        quick = greedy(scores, admissible, capacity)
        del scores, admissible
        tracemalloc.start()
        scores, admissible = score_matrix(mentees, mentors, rules)
        solve(scores, admissible, capacity)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del scores, admissible
        print(
            f"{n:>8,} {m:>8,} {sum(capacity):>7,} {scored - started:>8.2f} "
            f"{solved - scored:>8.2f} {solved - started:>8.2f} {peak / 2**20:>8.0f} "
            f"{solution.method:>7} {solution.certified!s:>9} {solution.matched:>8,} "
            f"{solution.total / quick.total:>8.1%}"
        )
