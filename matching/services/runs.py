"""Every change to a match run: start it, execute it, and adjust its proposals.

A run is started (``match_run_start``) by a coordinator, the command line or the
schedule, and executed (``match_run_execute``) by a Celery worker or by the command
itself. Executing loads the scheme's pool (``matching.pool``), scores and solves it with
the pure engine (``matching.engine``) and stores the result as proposals and unmatched
mentees. The coordinator then swaps, removes and pins proposals on the finished run,
and can run again around the pinned ones. Publishing lives in ``services.mentorships``.
Celery beat's daily job starts the runs that schemes' schedules ask for
(``scheduled_runs_start``).

Starting a run writes an outbox row (``RUN_TASK``) in the start's transaction, so a run
started while the broker is down starts when it is back. While it executes, the run
writes a heartbeat; a run whose worker stopped (killed, restarted) has none for
``HEARTBEAT_TIMEOUT`` and is failed with the reason by the sweep
(``match_runs_fail_stalled``) and by the next start, so the coordinator can start
again at once. A redelivered task resumes such a run from the start. A coordinator can
cancel a queued or running run (``match_run_cancel``); the worker stops at its next
heartbeat and stores nothing.
"""

import logging
import math
import time
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from datetime import date, datetime, timedelta

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from matching.engine.constraints import broken_constraints
from matching.engine.criteria import explain
from matching.engine.matrix import score_matrix
from matching.engine.solver import solve, unmatched_reasons
from matching.models import MatchRun, Proposal, Unmatched
from matching.pool import (
    MENTOR_STATUSES,
    Pool,
    effective_weights,
    load_pool,
    mentee_pool,
    person_for,
    remaining_places,
    scheme_rules,
)
from matching.selectors.runs import NO_PLACES_LEFT, run_places_left
from matching.selectors.schedule import scheduled_matching_due, schemes_with_matching_schedule
from mentoring.audit import audit_record
from mentoring.models import AuditEntry, OutboxMessage
from mentoring.outbox import outbox_add
from schemes.choices import MatchingMode
from schemes.models import Application, Role, Scheme

logger = logging.getLogger(__name__)

ALREADY_RUNNING = (
    "Matching is already running for this scheme. Wait for it to finish, then start again."
)
SHORTLIST_MODE = (
    "This scheme lets each mentee choose from a shortlist, so there is no matching run "
    "to start. Change the scheme's matching mode to run matching yourself."
)
NOT_EDITABLE = "Only the proposals of a finished run that has not been published can be changed."

# The outbox handler that executes a run (registered in ``MatchingConfig.ready``).
RUN_TASK = "matching.run"
# A running run whose worker has not written a heartbeat for this long lost it (a
# crash, a restart): it is failed so that it no longer blocks the scheme.
HEARTBEAT_TIMEOUT = timedelta(minutes=5)
# How often, at least, the solver's progress writes the heartbeat.
HEARTBEAT_EVERY_SECONDS = 30.0
# A run still waiting for a worker after this long will not get one (the outbox sends
# it within minutes of the broker coming back): it is failed too.
QUEUED_TIMEOUT = timedelta(hours=1)
STALLED = (
    "The run stopped without finishing: its worker stopped answering (it was probably "
    "restarted). Nothing was proposed. Start it again."
)
NEVER_STARTED = (
    "The run never started: no worker took it up within an hour. Nothing was proposed. "
    "Start it again."
)
NOT_CANCELLABLE = "Only a run that is waiting to start or running can be cancelled."

# Where each phase of a run starts on the progress bar (percent).
PROGRESS_LOADING, PROGRESS_SCORING, PROGRESS_SOLVING, PROGRESS_STORING = 10, 30, 40, 90
PROGRESS_SOLVED = 80  # where the solver's own progress ends

UNMATCHED_REASONS = {
    "no_admissible": Unmatched.Reason.NO_ADMISSIBLE,
    "capacity_full": Unmatched.Reason.CAPACITY_FULL,
}

# Called by ``match_run_execute`` with the pool, the score matrix and the admissible
# pairs the run used (the command writes them to a CSV file).
ScoresHook = Callable[[Pool, np.ndarray, np.ndarray], None]


# Starting and executing ----------------------------------------------------------------


@transaction.atomic
def match_run_start(
    *,
    scheme: Scheme,
    trigger: str,
    started_by=None,
    based_on: MatchRun | None = None,
    dry_run: bool = False,
    execute_later: bool = True,
) -> MatchRun:
    """Queue a matching run of ``scheme`` with the scheme's current weights.

    Refused while another run of the scheme is queued or running, and for a scheme in
    shortlist mode. ``based_on`` keeps that run's pinned pairs and solves the rest
    around them. With ``execute_later`` a Celery worker executes the run once this
    transaction commits; otherwise the caller calls ``match_run_execute`` itself.
    """
    # The scheme's row lock makes two starts at once take turns, so the second sees the
    # first's run; the partial unique constraint is the backstop if anything slips past.
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.matching_mode == MatchingMode.SHORTLIST:
        raise ValidationError(SHORTLIST_MODE)
    if based_on is not None and based_on.scheme_id != scheme.pk:
        raise ValueError("A run can only build on a run of the same scheme.")
    _fail_stalled(MatchRun.objects.filter(scheme=scheme))
    if MatchRun.objects.filter(scheme=scheme, status__in=MatchRun.ACTIVE).exists():
        raise ValidationError(ALREADY_RUNNING)
    run = MatchRun(
        scheme=scheme,
        trigger=trigger,
        started_by=started_by,
        based_on=based_on,
        dry_run=dry_run,
        weights=effective_weights(scheme),
        progress_message="Waiting to start.",
    )
    # The constraint is checked by the database below, with a clearer message.
    run.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError as error:
        raise ValidationError(ALREADY_RUNNING) from error
    if execute_later:
        outbox_add(
            kind=OutboxMessage.Kind.TASK,
            handler=RUN_TASK,
            payload={"run_id": run.pk},
            subject=("run", run.pk),
            scheme_id=scheme.pk,
        )
    return run


@transaction.atomic
def match_run_cancel(*, run: MatchRun, cancelled_by) -> MatchRun:
    """Stop a queued or running run: it is marked cancelled at once (so the scheme can
    start another), and a worker executing it stops at its next heartbeat, storing
    nothing."""
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    if run.status not in MatchRun.ACTIVE:
        raise ValidationError(f"This run is {run.get_status_display().lower()}. {NOT_CANCELLABLE}")
    run.status = MatchRun.Status.CANCELLED
    run.error = f"Cancelled by {cancelled_by.display_name}. Nothing was proposed."
    run.progress_message = "Cancelled."
    run.finished_at = timezone.now()
    run.full_clean()
    run.save()
    return run


def match_runs_fail_stalled() -> int:
    """Fail every run whose worker stopped (no heartbeat for ``HEARTBEAT_TIMEOUT``) or
    that no worker took up in ``QUEUED_TIMEOUT``, with the reason, so that its scheme
    can start again (the sweep, every few minutes). Returns how many."""
    return _fail_stalled(MatchRun.objects.all())


def match_run_rerun(*, run: MatchRun, started_by) -> MatchRun:
    """Run matching again for ``run``'s scheme, keeping ``run``'s pinned pairs."""
    return match_run_start(
        scheme=run.scheme, trigger=MatchRun.Trigger.COORDINATOR, started_by=started_by, based_on=run
    )


def scheduled_runs_start(*, today: date | None = None) -> list[int]:
    """Start the runs that schemes' matching schedules ask for on ``today`` (the site's
    date by default). Returns the ids of the runs started, each queued for a worker.

    A scheme whose run is already going is skipped, with a line in the log; it is tried
    again at its next scheduled time. Each run is started in a transaction of its own,
    so one scheme refused leaves the others' runs standing.
    """
    today = today or timezone.localdate()
    started: list[int] = []
    for scheme in schemes_with_matching_schedule():
        if not scheduled_matching_due(scheme, today):
            continue
        try:
            run = match_run_start(scheme=scheme, trigger=MatchRun.Trigger.SCHEDULE)
        except ValidationError as error:
            logger.info(
                "Scheduled matching of %s skipped: %s", scheme.slug, " ".join(error.messages)
            )
            continue
        started.append(run.pk)
    return started


def match_run_task(*, run_id: int) -> str:
    """The outbox's handler of ``RUN_TASK``: execute the run ``run_id``. Returns its
    status afterwards, or "missing" when it was deleted (with its scheme) meanwhile."""
    if not MatchRun.objects.filter(pk=run_id).exists():
        logger.info("Match run %s is gone: nothing to execute", run_id)
        return "missing"
    return match_run_execute(run_id=run_id).status


class _RunStopped(Exception):
    """The run was cancelled, or failed by the sweep, while this worker executed it."""


def match_run_execute(*, run_id: int, on_scored: ScoresHook | None = None) -> MatchRun:
    """Execute the queued run ``run_id``: load the pool, score, solve, store.

    The run is claimed first, in one conditional update: a queued run, or a running
    one whose worker stopped (no heartbeat for ``HEARTBEAT_TIMEOUT``: a task
    redelivered after a crash resumes it from the start). A run another worker is
    executing, or one already over, is left alone, with a line in the log. Progress and
    the heartbeat are written as the run goes, outside the transaction that stores the
    result, so the coordinator's page can follow it; a run cancelled meanwhile stops
    there and stores nothing. Any error marks the run failed with a message the page
    can show; the traceback goes to the log. ``on_scored`` is called with the pool and
    the score matrix, for the command's CSV of every admissible pair.
    """
    started = timezone.now()
    claimable = Q(status=MatchRun.Status.QUEUED) | _silent_since(started - HEARTBEAT_TIMEOUT)
    claimed = MatchRun.objects.filter(claimable, pk=run_id).update(
        status=MatchRun.Status.RUNNING,
        started_at=started,
        heartbeat_at=started,
        progress=0,
        progress_message="Starting.",
    )
    run = MatchRun.objects.select_related("scheme", "based_on").get(pk=run_id)
    if not claimed:
        logger.info(
            "Match run %s not executed: it is %s%s",
            run_id,
            run.get_status_display().lower(),
            " on another worker" if run.status == MatchRun.Status.RUNNING else "",
        )
        return run
    clock = time.perf_counter()
    # Inside a caller's transaction (a dry run, a test) a savepoint keeps that transaction
    # usable after a database error, so the failure can still be recorded. A worker has
    # no outer transaction, and its progress updates must not wait for one.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            _execute(run, clock, on_scored)
    except _RunStopped:
        logger.info("Match run %s stopped: it was cancelled or failed meanwhile", run.pk)
    except Exception as error:
        logger.exception("Match run %s of scheme %s failed", run.pk, run.scheme_id)
        finished = timezone.now()
        MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(
            status=MatchRun.Status.FAILED,
            error=_readable(error),
            finished_at=finished,
            duration_seconds=time.perf_counter() - clock,
            progress_message="The run failed.",
        )
    run.refresh_from_db()
    return run


def _execute(run: MatchRun, clock: float, on_scored: ScoresHook | None) -> None:
    scheme = run.scheme
    _progress(run, PROGRESS_LOADING, "Loading the mentees and mentors.")
    pinned = _carried_pins(run)
    reserved = Counter(p.mentor_id for p in pinned)
    pool = load_pool(
        scheme,
        weights=run.weights,
        exclude_mentees=[p.mentee_id for p in pinned],
        reserved=dict(reserved),
    )
    n, m = len(pool.mentees), len(pool.mentors)

    _progress(run, PROGRESS_SCORING, f"Scoring {n:,} mentees against {m:,} mentors.")
    scores, admissible = score_matrix(pool.mentee_people, pool.mentor_people, pool.rules)
    if on_scored is not None:
        on_scored(pool, scores, admissible)

    _progress(run, PROGRESS_SOLVING, "Finding the best pairs for the whole scheme.")
    solution = solve(scores, admissible, pool.capacity, progress=_solver_progress(run))
    reasons = unmatched_reasons(solution.mentor_of, admissible, pool.capacity)

    _progress(run, PROGRESS_STORING, "Storing the proposals.")
    proposals = []
    for i, j in enumerate(solution.mentor_of.tolist()):
        if j < 0:
            continue
        breakdown = explain(pool.mentee_people[i], pool.mentor_people[j], pool.rules)
        proposals.append(
            Proposal(
                run=run,
                mentee=pool.mentees[i],
                mentor=pool.mentors[j],
                # The matrix's value, so the stored run agrees with the scores the solver
                # saw (and with the command's CSV of them) to the last digit.
                score=float(scores[i, j]),
                breakdown=breakdown.as_list(),
                source=Proposal.Source.SOLVER,
            )
        )
    unmatched = [
        Unmatched(run=run, mentee=pool.mentees[i], reason=UNMATCHED_REASONS[str(reason)])
        for i, reason in enumerate(reasons)
        if solution.mentor_of[i] < 0
    ]
    pinned_mentors = {p.mentor_id for p in pinned} - {a.pk for a in pool.mentors}
    with transaction.atomic():
        # Under the run's lock: a cancel waits for the result, or the result for it.
        still_running = MatchRun.objects.select_for_update().filter(
            pk=run.pk, status=MatchRun.Status.RUNNING
        )
        if not still_running.exists():
            raise _RunStopped
        Proposal.objects.bulk_create(pinned, batch_size=500)
        Proposal.objects.bulk_create(proposals, batch_size=500)
        Unmatched.objects.bulk_create(unmatched, batch_size=500)
        run.mentee_count = n + len(pinned)
        run.mentor_count = m + len(pinned_mentors)
        run.places = pool.places + len(pinned)
        run.admissible_pairs = int(admissible.sum())
        run.method = solution.method
        run.certified = bool(solution.certified)
        run.status = MatchRun.Status.FINISHED
        run.progress = 100
        run.progress_message = "Finished."
        run.error = ""
        run.finished_at = run.heartbeat_at = timezone.now()
        run.duration_seconds = time.perf_counter() - clock
        _totals_update(run)


def _carried_pins(run: MatchRun) -> list[Proposal]:
    """Copies of the pinned proposals of the run ``run`` builds on, rescored with this
    run's weights, for the pairs that can still be made (the mentee still in the pool,
    the mentor still with a place)."""
    if run.based_on_id is None:
        return []
    scheme = run.scheme
    pins = list(
        Proposal.objects.filter(run_id=run.based_on_id, pinned=True)
        .select_related("mentee__user", "mentor__user")
        .order_by("-score", "pk")
    )
    if not pins:
        return []
    waiting = set(
        mentee_pool(scheme).filter(pk__in=[p.mentee_id for p in pins]).values_list("pk", flat=True)
    )
    places = remaining_places(scheme)
    rules = scheme_rules(scheme, weights=run.weights)
    carried = []
    for pin in pins:
        if pin.mentee_id not in waiting or places.get(pin.mentor_id, 0) <= 0:
            continue
        places[pin.mentor_id] -= 1
        breakdown = explain(person_for(pin.mentee, scheme), person_for(pin.mentor, scheme), rules)
        carried.append(
            Proposal(
                run=run,
                mentee=pin.mentee,
                mentor=pin.mentor,
                score=breakdown.total,
                breakdown=breakdown.as_list(),
                pinned=True,
                source=Proposal.Source.PINNED,
                override_reason=pin.override_reason,
                overridden_constraints=pin.overridden_constraints,
                changed_by_id=pin.changed_by_id,
            )
        )
    return carried


def _solver_progress(run: MatchRun) -> Callable[[float, str], None]:
    """The solver's progress (a fraction) on the run's bar, between solving and storing;
    written only when the percentage moves."""
    shown = [PROGRESS_SOLVING]
    beaten = [time.monotonic()]

    def report(fraction: float, message: str) -> None:
        span = PROGRESS_SOLVED - PROGRESS_SOLVING
        percent = PROGRESS_SOLVING + round(span * min(max(fraction, 0.0), 1.0))
        # Written when the percentage moves, and now and then anyway as a heartbeat.
        if percent > shown[0] or time.monotonic() - beaten[0] > HEARTBEAT_EVERY_SECONDS:
            shown[0] = max(percent, shown[0])
            beaten[0] = time.monotonic()
            _progress(run, shown[0], message)

    return report


def _progress(run: MatchRun, percent: int, message: str) -> None:
    """Record how far the run is and that its worker is alive, at once (not in the
    transaction that stores the run); stop when the run was cancelled or failed."""
    alive = MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(
        progress=percent, progress_message=message, heartbeat_at=timezone.now()
    )
    if not alive:
        raise _RunStopped


def _readable(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return (
        "Matching stopped because of an unexpected error "
        f"({type(error).__name__}: {error}). The details are in the server's log; "
        "you can start the run again."
    )[:2000]


def _silent_since(cutoff: datetime) -> Q:
    """Running runs whose worker has said nothing since ``cutoff`` (a run from before
    heartbeats were written counts from its start)."""
    return Q(status=MatchRun.Status.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


def _fail_stalled(runs) -> int:
    """Fail the runs of ``runs`` that lost their worker or never got one; how many."""
    now = timezone.now()
    failed = {"status": MatchRun.Status.FAILED, "finished_at": now}
    stalled = runs.filter(_silent_since(now - HEARTBEAT_TIMEOUT)).update(
        **failed, error=STALLED, progress_message="The run stopped."
    )
    never = runs.filter(status=MatchRun.Status.QUEUED, created_at__lt=now - QUEUED_TIMEOUT).update(
        **failed, error=NEVER_STARTED, progress_message="The run never started."
    )
    if stalled or never:
        logger.warning("Failed %s stalled and %s never-started match runs", stalled, never)
    return stalled + never


# Editing the proposals -----------------------------------------------------------------


@transaction.atomic
def proposal_swap(
    *, proposal: Proposal, mentor: Application, changed_by, reason: str = ""
) -> Proposal:
    """Give ``proposal``'s mentee ``mentor`` instead, and pin the pair.

    A pair that breaks a hard constraint (including a mentor with no places left in
    this run) needs a written ``reason``; the broken constraints and the reason are
    recorded on the proposal.
    """
    run = _editable_run(proposal.run_id)
    proposal = Proposal.objects.select_related("mentee__user").get(pk=proposal.pk)
    if mentor.pk == proposal.mentor_id:
        raise ValidationError({"mentor": "This mentor is already proposed for this mentee."})
    score, breakdown, broken = _checked_pair(run, proposal.mentee, mentor, reason)
    mentor_before = proposal.mentor_id
    proposal.mentor = mentor
    proposal.score = score
    proposal.breakdown = breakdown
    proposal.pinned = True
    proposal.source = Proposal.Source.COORDINATOR
    proposal.overridden_constraints = broken
    proposal.override_reason = reason.strip()
    proposal.changed_by = changed_by
    proposal.full_clean(validate_constraints=False)
    proposal.save()
    _totals_update(run)
    _audit_change(
        run,
        proposal,
        changed_by,
        "swapped",
        broken,
        mentee_application=proposal.mentee_id,
        mentor_before=mentor_before,
        mentor_after=mentor.pk,
    )
    return proposal


@transaction.atomic
def proposal_add(
    *, run: MatchRun, mentee: Application, mentor: Application, changed_by, reason: str = ""
) -> Proposal:
    """Pair an unmatched (or removed) mentee of ``run`` with ``mentor``, pinned; the same
    rules as a swap apply to broken constraints."""
    run = _editable_run(run.pk)
    if not Unmatched.objects.filter(run=run, mentee=mentee).exists():
        raise ValidationError({"mentee": "This mentee is not among the run's unmatched mentees."})
    score, breakdown, broken = _checked_pair(run, mentee, mentor, reason)
    Unmatched.objects.filter(run=run, mentee=mentee).delete()
    proposal = Proposal(
        run=run,
        mentee=mentee,
        mentor=mentor,
        score=score,
        breakdown=breakdown,
        pinned=True,
        source=Proposal.Source.COORDINATOR,
        overridden_constraints=broken,
        override_reason=reason.strip(),
        changed_by=changed_by,
    )
    proposal.full_clean(validate_constraints=False)
    proposal.save()
    _totals_update(run)
    _audit_change(
        run,
        proposal,
        changed_by,
        "added",
        broken,
        mentee_application=mentee.pk,
        mentor_after=mentor.pk,
    )
    return proposal


@transaction.atomic
def proposal_remove(*, proposal: Proposal, changed_by) -> Unmatched:
    """Take the pair out of the run: its mentee is listed as unmatched ("removed")."""
    run = _editable_run(proposal.run_id)
    proposal = Proposal.objects.get(pk=proposal.pk)
    logger.info(
        "Proposal %s (mentee %s, mentor %s) of run %s removed by user %s",
        proposal.pk,
        proposal.mentee_id,
        proposal.mentor_id,
        run.pk,
        getattr(changed_by, "pk", None),
    )
    proposal_id = proposal.pk
    proposal.delete()
    unmatched, _ = Unmatched.objects.update_or_create(
        run=run, mentee_id=proposal.mentee_id, defaults={"reason": Unmatched.Reason.REMOVED}
    )
    _totals_update(run)
    audit_record(
        AuditEntry.Action.MATCH_CHANGED,
        actor=changed_by,
        scheme_id=run.scheme_id,
        subject_type="proposal",
        subject_id=proposal_id,
        detail={
            "change": "removed",
            "run": run.pk,
            "mentee_application": proposal.mentee_id,
            "mentor_before": proposal.mentor_id,
        },
    )
    return unmatched


@transaction.atomic
def proposal_pin(*, proposal: Proposal, pinned: bool, changed_by) -> Proposal:
    """Pin the pair (a re-run keeps it) or unpin it (a re-run may change it)."""
    run = _editable_run(proposal.run_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    was_pinned = proposal.pinned
    proposal.pinned = pinned
    proposal.changed_by = changed_by
    proposal.save(update_fields=["pinned", "changed_by", "updated_at"])
    if was_pinned != pinned:
        audit_record(
            AuditEntry.Action.MATCH_CHANGED,
            actor=changed_by,
            scheme_id=run.scheme_id,
            subject=proposal,
            detail={
                "change": "pinned" if pinned else "unpinned",
                "run": run.pk,
                "mentee_application": proposal.mentee_id,
                "mentor_application": proposal.mentor_id,
            },
        )
    return proposal


def _audit_change(
    run: MatchRun, proposal: Proposal, changed_by, change: str, broken: list[str], **pair: int
) -> None:
    """Record a coordinator's change to a proposal, and, when the pair breaks hard
    constraints, that they overrode the scheme's rules. The constraints' sentences and
    the reason written stay on the proposal: they can name people and departments, so
    the trail keeps only how many were broken."""
    audit_record(
        AuditEntry.Action.MATCH_CHANGED,
        actor=changed_by,
        scheme_id=run.scheme_id,
        subject=proposal,
        detail={"change": change, "run": run.pk, **pair},
    )
    if broken:
        audit_record(
            AuditEntry.Action.RULE_OVERRIDDEN,
            actor=changed_by,
            scheme_id=run.scheme_id,
            subject=proposal,
            detail={
                "change": change,
                "run": run.pk,
                "mentee_application": proposal.mentee_id,
                "mentor_application": proposal.mentor_id,
                "rules_broken": len(broken),
                "mentor_full": NO_PLACES_LEFT in broken,
            },
        )


def _editable_run(run_id: int) -> MatchRun:
    """The run, locked so that two coordinators' edits take turns; refused unless its
    proposals can still change."""
    run = MatchRun.objects.select_for_update().select_related("scheme").get(pk=run_id)
    if not run.is_editable:
        raise ValidationError(NOT_EDITABLE)
    return run


def _checked_pair(
    run: MatchRun, mentee: Application, mentor: Application, reason: str
) -> tuple[float, list[dict], list[str]]:
    """The pair's score, breakdown and broken constraints (with the run's weights);
    refused when constraints are broken and ``reason`` is empty."""
    scheme = run.scheme
    if (
        mentor.scheme_id != scheme.pk
        or mentor.role != Role.MENTOR
        or mentor.status not in MENTOR_STATUSES
    ):
        raise ValidationError({"mentor": "Choose one of the scheme's approved mentors."})
    mentee = Application.objects.select_related("user").get(pk=mentee.pk)
    mentor = Application.objects.select_related("user").get(pk=mentor.pk)
    rules = scheme_rules(scheme, weights=run.weights)
    mentee_person, mentor_person = person_for(mentee, scheme), person_for(mentor, scheme)
    broken = broken_constraints(mentee_person, mentor_person, rules)
    if run_places_left(run).get(mentor.pk, 0) <= 0:
        broken.append(NO_PLACES_LEFT)
    if broken and not reason.strip():
        raise ValidationError(
            {
                "reason": "This pair breaks the scheme's rules: "
                + " ".join(broken)
                + " Write why you are making it anyway."
            }
        )
    breakdown = explain(mentee_person, mentor_person, rules)
    return breakdown.total, breakdown.as_list(), broken


def _totals_update(run: MatchRun) -> None:
    """Recount the run's totals from its rows (after it is stored and after each edit),
    and save the run."""
    # Summed here with fsum, not by the database: a SUM adds in whatever order it reads
    # the rows and rounds at each step (91893.74999999994 for 91893.75).
    scores = list(Proposal.objects.filter(run=run).values_list("score", flat=True))
    run.matched_count = len(scores)
    run.total_score = math.fsum(scores)
    run.mean_score = run.total_score / len(scores) if scores else 0.0
    run.unmatched_count = Unmatched.objects.filter(run=run).count()
    run.full_clean(validate_constraints=False)
    run.save()
