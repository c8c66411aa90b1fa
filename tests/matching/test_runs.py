"""Match runs: starting, executing, the stored result, and the coordinator's edits."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching import selectors
from matching.engine.criteria import explain
from matching.models import MatchRun, Mentorship, Proposal, Unmatched
from matching.pool import person_for, scheme_rules
from matching.services.runs import (
    ALREADY_RUNNING,
    _totals_update,
    match_run_execute,
    match_run_rerun,
    match_run_start,
    match_run_task,
    proposal_add,
    proposal_pin,
    proposal_remove,
    proposal_swap,
)
from schemes.choices import MatchingMode
from schemes.models import Application
from tests.factories import approved_mentee, approved_mentor

COMMAND = MatchRun.Trigger.COMMAND


def finished_run(scheme, **options) -> MatchRun:
    """A run of ``scheme`` started from the command line and executed at once."""
    run = match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False, **options)
    return match_run_execute(run_id=run.pk)


def pairs(run) -> dict[str, str]:
    """{mentee e-mail: mentor e-mail} of the run's proposals."""
    return {
        p.mentee.user.email: p.mentor.user.email
        for p in run.proposals.select_related("mentee__user", "mentor__user")
    }


def reasons(run) -> dict[str, str]:
    return {u.mentee.user.email: u.reason for u in run.unmatched.select_related("mentee__user")}


def open_mentorship(mentee, mentor, status=Mentorship.Status.PROPOSED) -> Mentorship:
    """A published pair, as publishing a run leaves it."""
    now = timezone.now()
    return Mentorship.objects.create(
        scheme=mentee.scheme,
        mentee=mentee.user,
        mentor=mentor.user,
        mentee_application=mentee,
        mentor_application=mentor,
        status=status,
        respond_by=now + timedelta(days=14),
        started_at=now if status == Mentorship.Status.ACTIVE else None,
    )


@pytest.fixture
def people(scheme):
    """Three Housing mentees for two one-place Finance mentors, and a Finance mentee who
    asked for someone from another department (so no mentor is admissible for her).
    Ann and Ben want what Alice offers; Cat's wishes fit Bob best."""
    areas = scheme.development_areas
    return {
        "ann": approved_mentee(scheme, "ann@example.org", areas_wanted=areas[0:2]),
        "ben": approved_mentee(scheme, "ben@example.org", areas_wanted=areas[0:2]),
        "cat": approved_mentee(scheme, "cat@example.org", areas_wanted=areas[5:7]),
        "dee": approved_mentee(scheme, "dee@example.org", department="Finance"),
        "alice": approved_mentor(scheme, "alice@example.org", areas_offered=areas[0:3]),
        "bob": approved_mentor(scheme, "bob@example.org", areas_offered=areas[5:8]),
    }


# Starting ----------------------------------------------------------------------------


def test_start_records_the_trigger_the_person_and_the_effective_weights(scheme, coordinator):
    scheme.matching_weights = {"areas": 50}
    scheme.save()

    run = match_run_start(
        scheme=scheme,
        trigger=MatchRun.Trigger.COORDINATOR,
        started_by=coordinator,
        execute_later=False,
    )

    run.refresh_from_db()
    assert run.status == MatchRun.Status.QUEUED
    assert run.trigger == "coordinator"
    assert run.started_by == coordinator
    assert run.weights["areas"] == 50
    assert run.weights["seniority"] == 20  # a criterion the scheme leaves at its default


def test_a_second_run_is_refused_while_one_is_queued(scheme):
    match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)

    with pytest.raises(ValidationError) as refused:
        match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)

    assert refused.value.messages == [ALREADY_RUNNING]
    assert MatchRun.objects.filter(scheme=scheme).count() == 1


def test_a_new_run_can_start_once_the_previous_one_finished(scheme, people):
    finished_run(scheme)

    second = match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)

    assert second.status == MatchRun.Status.QUEUED


def test_a_run_whose_worker_vanished_no_longer_blocks_the_scheme(scheme):
    stuck = match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)
    MatchRun.objects.filter(pk=stuck.pk).update(
        status=MatchRun.Status.RUNNING, started_at=timezone.now() - timedelta(hours=2)
    )

    match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)

    stuck.refresh_from_db()
    assert stuck.status == MatchRun.Status.FAILED
    assert "Start it again" in stuck.error


def test_a_shortlist_scheme_has_no_runs(scheme):
    scheme.matching_mode = MatchingMode.SHORTLIST
    scheme.save()

    with pytest.raises(ValidationError, match="shortlist"):
        match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)

    assert not MatchRun.objects.exists()


def test_starting_from_the_page_executes_the_run_once_committed(
    scheme, people, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = match_run_start(
            scheme=scheme, trigger=MatchRun.Trigger.COORDINATOR, started_by=coordinator
        )
        assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.QUEUED

    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FINISHED
    assert run.matched_count == 2


# Executing --------------------------------------------------------------------------


def test_a_run_stores_the_best_pairs_and_why_the_others_are_unmatched(scheme, people):
    run = finished_run(scheme)

    assert run.status == MatchRun.Status.FINISHED
    # Alice suits Ann and Ben equally; Cat goes to Bob. One of Ann and Ben is left
    # over because Alice's one place is taken, and Dee has nobody admissible.
    matched = pairs(run)
    assert matched["cat@example.org"] == "bob@example.org"
    assert len(matched) == 2
    assert set(matched) - {"cat@example.org"} < {"ann@example.org", "ben@example.org"}
    left_over = ({"ann@example.org", "ben@example.org"} - set(matched)).pop()
    assert reasons(run) == {left_over: "capacity_full", "dee@example.org": "no_admissible"}


def test_a_run_records_its_totals(scheme, people):
    run = finished_run(scheme)

    proposals = list(run.proposals.all())
    assert run.matched_count == 2
    assert run.unmatched_count == 2
    assert run.total_score == pytest.approx(sum(p.score for p in proposals))
    assert run.mean_score == pytest.approx(run.total_score / 2)
    assert run.mentee_count == 4
    assert run.mentor_count == 2
    assert run.places == 2
    # Dee (Finance, wants another department) can have neither Finance mentor.
    assert run.admissible_pairs == 6
    assert run.method == "dense"
    assert run.certified
    assert run.progress == 100
    assert run.duration_seconds > 0
    assert run.started_at <= run.finished_at
    assert run.error == ""


def test_each_proposal_keeps_its_breakdown_with_the_runs_weights(scheme, people):
    scheme.matching_weights = {"areas": 80, "professional_body": 0}
    scheme.save()

    run = finished_run(scheme)

    proposal = run.proposals.get(mentee=people["cat"])
    keys = [item["key"] for item in proposal.breakdown]
    assert "professional_body" not in keys  # weight 0: not counted
    areas = next(item for item in proposal.breakdown if item["key"] == "areas")
    assert areas["max_points"] == 80
    assert set(areas) == {"key", "label", "points", "max_points", "reason"}
    assert areas["reason"]
    assert sum(item["points"] for item in proposal.breakdown) == pytest.approx(proposal.score)
    assert proposal.source == Proposal.Source.SOLVER
    assert not proposal.pinned


def test_a_run_of_an_empty_scheme_finishes_with_nothing_to_propose(scheme):
    run = finished_run(scheme)

    assert run.status == MatchRun.Status.FINISHED
    assert (run.mentee_count, run.mentor_count, run.matched_count, run.unmatched_count) == (
        0,
        0,
        0,
        0,
    )
    assert run.total_score == run.mean_score == 0


def test_a_run_with_no_mentors_lists_every_mentee_as_unmatched(scheme):
    approved_mentee(scheme, "ann@example.org")
    approved_mentee(scheme, "ben@example.org")

    run = finished_run(scheme)

    assert run.status == MatchRun.Status.FINISHED
    assert reasons(run) == {"ann@example.org": "no_admissible", "ben@example.org": "no_admissible"}


def test_a_deleted_run_is_ignored_by_its_task(scheme):
    run = match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)
    run.delete()

    assert match_run_task(run_id=run.pk) == "missing"


def test_a_run_matches_the_mentee_a_greedy_pass_would_leave_out(scheme):
    areas = scheme.development_areas
    # Ann scores best with Alice, but Ben can only have Alice (he asked not to be
    # matched with Bob): the best assignment gives Alice to Ben and Bob to Ann.
    ann = approved_mentee(scheme, "ann@example.org", areas_wanted=areas[0:2])
    ben = approved_mentee(scheme, "ben@example.org", areas_wanted=areas[5:7], avoid_people=["Bob"])
    approved_mentor(scheme, "alice@example.org", areas_offered=areas[0:3])
    approved_mentor(scheme, "bob@example.org", areas_offered=areas[5:8])
    rules = scheme_rules(scheme)
    alice_for_ann = explain(
        person_for(ann, scheme),
        person_for(Application.objects.get(user__email="alice@example.org"), scheme),
        rules,
    ).total
    bob_for_ann = explain(
        person_for(ann, scheme),
        person_for(Application.objects.get(user__email="bob@example.org"), scheme),
        rules,
    ).total
    assert alice_for_ann > bob_for_ann  # the trap a greedy pass falls into

    run = finished_run(scheme)

    assert pairs(run) == {
        "ann@example.org": "bob@example.org",
        "ben@example.org": "alice@example.org",
    }
    assert ben.pk in set(run.proposals.values_list("mentee_id", flat=True))


def test_a_run_leaves_published_pairs_and_their_places_alone(scheme, people):
    proposed = open_mentorship(people["ann"], people["alice"])
    active = open_mentorship(people["ben"], people["bob"], status=Mentorship.Status.ACTIVE)
    before = list(Mentorship.objects.order_by("pk").values())

    run = finished_run(scheme)

    # Ann and Ben are taken, and so are both mentors' only places.
    assert run.mentee_count == 2
    assert run.mentor_count == 0
    assert pairs(run) == {}
    assert reasons(run) == {"cat@example.org": "no_admissible", "dee@example.org": "no_admissible"}
    assert list(Mentorship.objects.order_by("pk").values()) == before
    assert {proposed.status, active.status} == {"proposed", "active"}


def test_a_mentor_with_a_place_left_beside_a_published_pair_is_still_matched(scheme, people):
    Application.objects.filter(pk=people["alice"].pk).update(capacity=2)
    open_mentorship(people["ann"], people["alice"])

    run = finished_run(scheme)

    assert pairs(run) == {
        "ben@example.org": "alice@example.org",
        "cat@example.org": "bob@example.org",
    }


def test_running_a_claimed_run_again_does_nothing(scheme, people):
    run = finished_run(scheme)
    finished_at = run.finished_at

    again = match_run_execute(run_id=run.pk)
    assert match_run_task(run_id=run.pk) == MatchRun.Status.FINISHED

    assert again.finished_at == finished_at
    assert run.proposals.count() == 2
    assert run.unmatched.count() == 2


def test_a_database_error_inside_a_transaction_is_recorded_as_a_failure(
    scheme, people, monkeypatch
):
    from django.db import connection as db

    def failing_load(*args, **kwargs):
        with db.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr("matching.services.runs.load_pool", failing_load)

    run = finished_run(scheme)  # the test's own transaction is around it

    assert run.status == MatchRun.Status.FAILED
    assert "no_such_table" in run.error


def test_a_failed_run_records_a_readable_error_and_frees_the_scheme(scheme, people, monkeypatch):
    def broken_solver(*args, **kwargs):
        raise RuntimeError("the solver ran out of memory")

    monkeypatch.setattr("matching.services.runs.solve", broken_solver)

    run = finished_run(scheme)

    assert run.status == MatchRun.Status.FAILED
    assert "the solver ran out of memory" in run.error
    assert "start the run again" in run.error
    assert run.progress_message == "The run failed."
    assert run.finished_at is not None
    assert not run.proposals.exists()
    # Nothing blocks the next run.
    assert match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False).is_active


def test_a_run_reports_its_progress_while_it_goes(scheme, people, monkeypatch):
    from matching.services import runs

    seen = []
    original = runs._progress

    def spy(run, percent, message):
        seen.append(percent)
        original(run, percent, message)
        assert MatchRun.objects.get(pk=run.pk).progress == percent

    monkeypatch.setattr(runs, "_progress", spy)

    run = finished_run(scheme)

    assert seen[:3] == [10, 30, 40]
    assert seen[-1] == 90
    assert seen == sorted(seen)
    assert run.progress == 100


# Pinning and running again -----------------------------------------------------------


def test_a_rerun_keeps_the_pinned_pairs_and_solves_the_rest_around_them(
    scheme, people, coordinator
):
    first = finished_run(scheme)
    cat = first.proposals.get(mentee=people["cat"])
    proposal_pin(proposal=cat, pinned=True, changed_by=coordinator)
    # Bob now has two places; with Cat pinned to him, the solver can give the other to
    # whichever of Ann and Ben Alice does not take.
    Application.objects.filter(pk=people["bob"].pk).update(capacity=2)
    scheme.matching_weights = {"areas": 60}
    scheme.save()

    second = match_run_execute(run_id=match_run_rerun(run=first, started_by=coordinator).pk)

    assert second.based_on == first
    assert second.trigger == MatchRun.Trigger.COORDINATOR
    kept = second.proposals.get(mentee=people["cat"])
    assert kept.mentor == people["bob"]
    assert kept.pinned
    assert kept.source == Proposal.Source.PINNED
    # Rescored with the new weights.
    assert next(i for i in kept.breakdown if i["key"] == "areas")["max_points"] == 60
    assert sum(i["points"] for i in kept.breakdown) == pytest.approx(kept.score)
    assert pairs(second)["cat@example.org"] == "bob@example.org"
    assert set(pairs(second)) == {"ann@example.org", "ben@example.org", "cat@example.org"}
    assert reasons(second) == {"dee@example.org": "no_admissible"}
    assert second.matched_count == 3
    assert second.places == 3
    assert second.total_score == pytest.approx(sum(p.score for p in second.proposals.all()))
    # The first run is as it was.
    assert first.proposals.count() == 2


def test_a_rerun_drops_a_pin_whose_mentee_was_published_meanwhile(scheme, people, coordinator):
    first = finished_run(scheme)
    cat = first.proposals.get(mentee=people["cat"])
    proposal_pin(proposal=cat, pinned=True, changed_by=coordinator)
    open_mentorship(people["cat"], people["bob"])

    second = match_run_execute(run_id=match_run_rerun(run=first, started_by=coordinator).pk)

    assert "cat@example.org" not in pairs(second)
    assert "cat@example.org" not in reasons(second)


def test_an_overridden_pin_keeps_its_reason_in_the_rerun(scheme, people, coordinator):
    first = finished_run(scheme)
    # Dee may not have a Finance mentor; the coordinator overrides it for Bob.
    proposal_add(
        run=first,
        mentee=people["dee"],
        mentor=people["bob"],
        changed_by=coordinator,
        reason="Dee agreed to a mentor from her own department.",
    )
    Application.objects.filter(pk=people["bob"].pk).update(capacity=2)

    second = match_run_execute(run_id=match_run_rerun(run=first, started_by=coordinator).pk)

    kept = second.proposals.get(mentee=people["dee"])
    assert kept.mentor == people["bob"]
    assert kept.source == Proposal.Source.PINNED
    assert kept.override_reason == "Dee agreed to a mentor from her own department."
    assert any("another department" in text for text in kept.overridden_constraints)


# Swapping, adding, removing, pinning -------------------------------------------------


def test_swapping_to_an_admissible_mentor_with_a_place_needs_no_reason(scheme, people, coordinator):
    run = finished_run(scheme)
    carol = approved_mentor(scheme, "carol@example.org")  # joined after the run
    proposal = run.proposals.get(mentee=people["cat"])

    swapped = proposal_swap(proposal=proposal, mentor=carol, changed_by=coordinator)

    assert swapped.mentor == carol
    assert swapped.pinned
    assert swapped.source == Proposal.Source.COORDINATOR
    assert swapped.changed_by == coordinator
    assert swapped.overridden_constraints == []
    expected = explain(
        person_for(people["cat"], scheme), person_for(carol, scheme), scheme_rules(scheme)
    )
    assert swapped.score == pytest.approx(expected.total)
    assert swapped.breakdown == expected.as_list()
    run.refresh_from_db()
    assert run.total_score == pytest.approx(sum(p.score for p in run.proposals.all()))


def test_swapping_to_a_barred_mentor_needs_a_written_reason(scheme, people, coordinator):
    Application.objects.filter(pk=people["cat"].pk).update(line_manager_email="manager@example.org")
    run = finished_run(scheme)
    manager = approved_mentor(scheme, "manager@example.org")  # joined after the run
    proposal = run.proposals.get(mentee=people["cat"])

    with pytest.raises(ValidationError) as refused:
        proposal_swap(proposal=proposal, mentor=manager, changed_by=coordinator, reason="  ")

    assert "Mentor is the mentee's line manager." in refused.value.message_dict["reason"][0]
    proposal.refresh_from_db()
    assert proposal.mentor == people["bob"]


def test_an_override_is_recorded_with_its_reason(scheme, people, coordinator):
    Application.objects.filter(pk=people["cat"].pk).update(line_manager_email="manager@example.org")
    run = finished_run(scheme)
    manager = approved_mentor(scheme, "manager@example.org")  # joined after the run
    proposal = run.proposals.get(mentee=people["cat"])

    swapped = proposal_swap(
        proposal=proposal,
        mentor=manager,
        changed_by=coordinator,
        reason="They work on different teams now; HR agreed.",
    )

    swapped.refresh_from_db()
    assert swapped.mentor == manager
    assert swapped.overridden_constraints == ["Mentor is the mentee's line manager."]
    assert swapped.override_reason == "They work on different teams now; HR agreed."
    assert swapped.changed_by == coordinator
    assert swapped.pinned


def test_swapping_to_a_full_mentor_is_an_override(scheme, people, coordinator):
    run = finished_run(scheme)
    cat = run.proposals.get(mentee=people["cat"])  # Alice's one place is taken

    with pytest.raises(ValidationError, match="no places left"):
        proposal_swap(proposal=cat, mentor=people["alice"], changed_by=coordinator)
    swapped = proposal_swap(
        proposal=cat, mentor=people["alice"], changed_by=coordinator, reason="Alice offered."
    )

    assert swapped.overridden_constraints == ["Mentor has no places left."]


def test_swapping_to_someone_who_is_not_a_mentor_of_the_scheme_is_refused(
    scheme, other_scheme, people, coordinator
):
    run = finished_run(scheme)
    proposal = run.proposals.get(mentee=people["cat"])
    elsewhere = approved_mentor(other_scheme, "elsewhere@example.org")

    for wrong in (elsewhere, people["ann"]):
        with pytest.raises(ValidationError) as refused:
            proposal_swap(proposal=proposal, mentor=wrong, changed_by=coordinator, reason="x")
        assert "mentor" in refused.value.message_dict


def test_proposals_of_an_unfinished_or_published_run_cannot_change(scheme, people, coordinator):
    run = finished_run(scheme)
    proposal = run.proposals.get(mentee=people["cat"])
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.PUBLISHED)

    for change in (
        lambda: proposal_swap(
            proposal=proposal, mentor=people["alice"], changed_by=coordinator, reason="x"
        ),
        lambda: proposal_remove(proposal=proposal, changed_by=coordinator),
        lambda: proposal_pin(proposal=proposal, pinned=True, changed_by=coordinator),
    ):
        with pytest.raises(ValidationError, match="not been published"):
            change()


def test_removing_a_pair_lists_the_mentee_as_removed_and_updates_the_totals(
    scheme, people, coordinator
):
    run = finished_run(scheme)
    cat = run.proposals.get(mentee=people["cat"])
    remaining = run.total_score - cat.score

    unmatched = proposal_remove(proposal=cat, changed_by=coordinator)

    assert unmatched.reason == Unmatched.Reason.REMOVED
    assert not run.proposals.filter(mentee=people["cat"]).exists()
    run.refresh_from_db()
    assert run.matched_count == 1
    assert run.unmatched_count == 3
    assert run.total_score == pytest.approx(remaining)
    assert run.mean_score == pytest.approx(remaining)
    assert reasons(run)["cat@example.org"] == "removed"


def test_a_removed_mentee_can_be_given_a_mentor_again(scheme, people, coordinator):
    run = finished_run(scheme)
    proposal_remove(proposal=run.proposals.get(mentee=people["cat"]), changed_by=coordinator)

    added = proposal_add(
        run=run, mentee=people["cat"], mentor=people["bob"], changed_by=coordinator
    )

    assert added.pinned
    assert "cat@example.org" not in reasons(run)
    run.refresh_from_db()
    assert run.matched_count == 2
    assert run.unmatched_count == 2


def test_pinning_and_unpinning_a_pair(scheme, people, coordinator):
    run = finished_run(scheme)
    proposal = run.proposals.get(mentee=people["cat"])

    assert proposal_pin(proposal=proposal, pinned=True, changed_by=coordinator).pinned
    assert not proposal_pin(proposal=proposal, pinned=False, changed_by=coordinator).pinned
    proposal.refresh_from_db()
    assert not proposal.pinned
    assert proposal.changed_by == coordinator


# Reading -----------------------------------------------------------------------------


def test_proposals_can_be_searched_sorted_and_filtered(scheme, people, coordinator):
    run = finished_run(scheme)
    cat = run.proposals.get(mentee=people["cat"])
    proposal_pin(proposal=cat, pinned=True, changed_by=coordinator)
    scores = sorted(run.proposals.values_list("score", flat=True))

    assert [p.mentee for p in selectors.run_proposals(run, search="BOB@")] == [people["cat"]]
    assert [p.mentee for p in selectors.run_proposals(run, search="Cat")] == [people["cat"]]
    assert len(selectors.run_proposals(run, search="housing")) == 2  # the mentees' department
    assert [p.score for p in selectors.run_proposals(run, sort="score")] == scores
    assert [p.score for p in selectors.run_proposals(run)] == scores[::-1]
    assert [p.mentor.user.name for p in selectors.run_proposals(run, sort="mentor")] == [
        "Alice",
        "Bob",
    ]
    assert [p.mentee for p in selectors.run_proposals(run, pinned=True)] == [people["cat"]]
    assert list(selectors.run_proposals(run, min_score=max(scores) + 1)) == []


def test_the_proposals_page_query_does_not_grow_with_the_rows(scheme, people):
    run = finished_run(scheme)

    with CaptureQueriesContext(connection) as queries:
        for p in selectors.run_proposals(run):
            _ = (p.mentee.user.email, p.mentor.user.email)

    assert len(queries) == 1


def test_swap_candidates_list_the_admissible_mentors_first_best_first(
    scheme, people, coordinator, django_assert_max_num_queries
):
    carol = approved_mentor(
        scheme, "carol@example.org", areas_offered=scheme.development_areas[5:7]
    )
    manager = approved_mentor(scheme, "manager@example.org", capacity=3)
    Application.objects.filter(pk=people["cat"].pk).update(line_manager_email="manager@example.org")
    for n in range(5):
        approved_mentor(scheme, f"extra{n}@example.org", capacity=2)
    run = finished_run(scheme)
    cat = run.proposals.select_related("run__scheme").get(mentee=people["cat"])

    with django_assert_max_num_queries(10):
        candidates = selectors.swap_candidates(cat)

    mentors = [c.mentor for c in candidates]
    assert cat.mentor not in mentors
    ok = [c for c in candidates if not c.broken]
    barred = [c for c in candidates if c.broken]
    assert candidates == ok + barred
    assert [c.score for c in ok] == sorted((c.score for c in ok), reverse=True)
    manager_row = next(c for c in candidates if c.mentor == manager)
    assert manager_row.broken == ["Mentor is the mentee's line manager."]
    assert manager_row.needs_reason
    assigned = Counter(run.proposals.values_list("mentor_id", flat=True))
    for candidate in candidates:
        capacity = candidate.mentor.capacity
        assert candidate.places_left == capacity - assigned[candidate.mentor.pk]
        assert ("Mentor has no places left." in candidate.broken) == (candidate.places_left <= 0)
    assert any(c.places_left == 0 for c in candidates)
    carol_row = next(c for c in candidates if c.mentor == carol)
    assert carol_row.places_left == 1
    assert sum(i["points"] for i in carol_row.breakdown) == pytest.approx(carol_row.score)


def test_run_comparison_shows_totals_and_the_pairs_that_differ(
    scheme, people, coordinator, django_assert_num_queries
):
    first = finished_run(scheme)
    second = finished_run(scheme)
    cat = second.proposals.get(mentee=people["cat"])
    proposal_remove(proposal=cat, changed_by=coordinator)
    second.refresh_from_db()

    with django_assert_num_queries(4):
        comparison = selectors.run_comparison(first, second)
    with django_assert_num_queries(0):  # what the page shows of each person is loaded
        for d in comparison.differences:
            for person in (d.mentee, d.mentor_a, d.mentor_b):
                if person is not None:
                    _ = (person.user.name, person.user.email, person.department, person.grade)

    totals = {label: (a, b) for label, a, b in comparison.totals}
    assert totals["Matched"] == (2, 1)
    assert totals["Unmatched"] == (2, 3)
    differing = {d.mentee: d for d in comparison.differences}
    assert people["cat"] in differing
    assert differing[people["cat"]].mentor_a == people["bob"]
    assert differing[people["cat"]].mentor_b is None
    assert differing[people["cat"]].score_b is None
    # The mentees matched alike in both are not listed.
    same = set(pairs(first).items()) & set(pairs(second).items())
    assert {d.mentee.user.email for d in comparison.differences}.isdisjoint(
        {mentee for mentee, _ in same}
    )
    # Nor those neither run matched: they are no difference between the two.
    unmatched_by_both = set(first.unmatched.values_list("mentee_id", flat=True)) & set(
        second.unmatched.values_list("mentee_id", flat=True)
    )
    assert unmatched_by_both
    assert {d.mentee.pk for d in comparison.differences}.isdisjoint(unmatched_by_both)


def test_run_report_lists_proposals_unmatched_mentors_and_totals(scheme, people):
    run = finished_run(scheme)

    report = selectors.run_report(run)

    assert {(p["mentee"], p["mentor"]) for p in report["proposals"]} == set(pairs(run).items())
    assert {u["mentee"]: u["reason"] for u in report["unmatched"]} == reasons(run)
    assert report["mentors"] == [
        {"mentor": "alice@example.org", "capacity": 1, "places_left": 0, "assigned": 1},
        {"mentor": "bob@example.org", "capacity": 1, "places_left": 0, "assigned": 1},
    ]
    assert report["totals"]["matched"] == 2
    assert report["totals"]["total_score"] == pytest.approx(run.total_score)


def test_latest_and_active_runs(scheme, people):
    assert selectors.latest_run(scheme) is None
    first = finished_run(scheme)
    queued = match_run_start(scheme=scheme, trigger=COMMAND, execute_later=False)

    assert selectors.active_run(scheme) == queued
    assert selectors.latest_run(scheme) == queued
    assert selectors.latest_run(scheme, statuses=[MatchRun.Status.FINISHED]) == first
    assert list(selectors.scheme_runs(scheme)) == [queued, first]


def test_a_run_records_the_weights_of_the_schemes_own_questions_too(scheme, people, question):
    run = finished_run(scheme)
    assert run.weights[f"question:{question.pk}"] == 5
    # A later change of the question's weight does not rewrite what the run used.
    question.weight = 40
    question.save(update_fields=["weight"])
    rules = scheme_rules(scheme, weights=run.weights)
    assert rules.weight(f"question:{question.pk}") == 5
    assert scheme_rules(scheme).weight(f"question:{question.pk}") == 40


# Capacities and totals --------------------------------------------------------------


def test_a_mentor_whose_stored_capacity_is_0_gets_no_mentees(scheme, people):
    # The forms and the import ask for 1 to 20; a 0 comes only from a direct change, and
    # it means what it says: no mentees, not the scheme's default of two.
    Application.objects.filter(pk=people["alice"].pk).update(capacity=0)
    Application.objects.filter(pk=people["bob"].pk).update(capacity=None)

    run = finished_run(scheme)

    assert "alice@example.org" not in pairs(run).values()
    # Bob, with no capacity stored, takes the scheme's default.
    assert Counter(pairs(run).values())["bob@example.org"] == scheme.default_mentor_capacity
    mentors = {row["mentor"]: row for row in selectors.run_report(run)["mentors"]}
    assert mentors["alice@example.org"]["capacity"] == 0


def test_a_runs_total_is_the_exact_sum_of_its_proposals(scheme, people, coordinator):
    run = finished_run(scheme)
    mentee = run.unmatched.exclude(reason=Unmatched.Reason.NO_ADMISSIBLE).get().mentee
    proposal_add(
        run=run, mentee=mentee, mentor=people["alice"], changed_by=coordinator, reason="Asked."
    )
    # Scores whose running sum is off in the last digit: 0.1 + 0.2 + 0.3 added left to
    # right is 0.6000000000000001; fsum gives 0.6, whatever order the rows come in.
    for proposal, score in zip(run.proposals.order_by("pk"), (0.1, 0.2, 0.3), strict=True):
        Proposal.objects.filter(pk=proposal.pk).update(score=score)
    run.refresh_from_db()

    _totals_update(run)

    run.refresh_from_db()
    assert 0.1 + 0.2 + 0.3 != 0.6
    assert run.total_score == 0.6
    assert run.mean_score == 0.6 / 3
    assert selectors.run_report(run)["totals"]["total_score"] == 0.6
