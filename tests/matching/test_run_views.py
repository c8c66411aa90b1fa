"""The coordinator's matching pages: the runs, a run's progress and proposals, a
proposal with its swap, pin and remove, publishing, and two runs compared."""

import html
import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from matching.models import MatchRun, Mentorship, Proposal, Unmatched
from matching.services.runs import ALREADY_RUNNING, match_run_execute, match_run_start
from schemes.choices import MatchingMode
from schemes.models import Application
from tests.factories import SchemeFactory, approved_mentee, approved_mentor
from tests.html import Page, assert_accessible_page
from tests.html import text_beside as beside
from tests.html import visible_text as text

pytestmark = pytest.mark.django_db

RUNS_URL = reverse("matching:runs", kwargs={"slug": "council"})
START_URL = reverse("matching:run_start", kwargs={"slug": "council"})
COMPARE_URL = reverse("matching:run_compare", kwargs={"slug": "council"})


def url(name, pk, slug="council"):
    return reverse(f"matching:{name}", kwargs={"slug": slug, "pk": pk})


def finished_run(scheme, **options) -> MatchRun:
    run = match_run_start(
        scheme=scheme, trigger=MatchRun.Trigger.COMMAND, execute_later=False, **options
    )
    return match_run_execute(run_id=run.pk)


def proposal_of(run, mentee) -> Proposal:
    return Proposal.objects.select_related("mentor__user").get(run=run, mentee=mentee)


def section(response, heading_id: str, next_id: str | None = None) -> str:
    """The text of the page from the heading ``heading_id`` to ``next_id`` (or the end)."""
    content = response.content.decode()
    start = content.index(f'id="{heading_id}"')
    end = content.index(f'id="{next_id}"') if next_id else len(content)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content[start:end])).split())


def pairs_shown(response) -> str:
    return section(response, "proposals-heading", "unmatched-heading")


def form_actions(response) -> set[str]:
    page = Page(response.content.decode())
    return {attrs.get("action", "") for tag, attrs in page.elements if tag == "form"}


@pytest.fixture
def people(scheme):
    """Ann and Ben want what Alice offers, Cat what Bob and Carol offer, but Carol is
    Cat's line manager. Dee (Finance) asked for another department: no mentor fits.
    Dan has a place and fits nobody in particular."""
    areas = scheme.development_areas
    return {
        "ann": approved_mentee(scheme, "ann@example.org", areas_wanted=areas[0:2]),
        "ben": approved_mentee(scheme, "ben@example.org", areas_wanted=areas[0:2]),
        "cat": approved_mentee(
            scheme,
            "cat@example.org",
            areas_wanted=areas[5:7],
            line_manager_email="carol@example.org",
        ),
        "dee": approved_mentee(scheme, "dee@example.org", department="Finance"),
        "alice": approved_mentor(scheme, "alice@example.org", areas_offered=areas[0:3]),
        "bob": approved_mentor(scheme, "bob@example.org", areas_offered=areas[5:8]),
        "carol": approved_mentor(scheme, "carol@example.org", capacity=2, areas_offered=areas[5:8]),
        "dan": approved_mentor(scheme, "dan@example.org", areas_offered=areas[10:12]),
    }


@pytest.fixture
def run(scheme, people):
    return finished_run(scheme)


# --- the runs page -----------------------------------------------------------------------


def test_the_runs_page_shows_the_pool_and_the_button(client, coordinator, people):
    client.force_login(coordinator)
    response = client.get(RUNS_URL)
    assert response.status_code == 200
    assert "Waiting to be matched: 4 mentees, and 4 mentors with 5 places left." in text(response)
    assert START_URL in form_actions(response)
    assert "No run yet." in text(response)
    assert_accessible_page(Page(response.content.decode()))


def test_starting_a_run_from_the_page_runs_it_and_shows_the_result(
    client, scheme, coordinator, people, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(START_URL)
    run = MatchRun.objects.get(scheme=scheme)
    assert response.status_code == 302
    assert response["Location"] == url("run", run.pk)
    assert (run.status, run.trigger, run.started_by) == ("finished", "coordinator", coordinator)
    page = client.get(response["Location"])
    content = text(page)
    assert "Matching has started." in content
    assert f"3 of {run.mentee_count} mentees" in content
    assert "Ann" in content and "Alice" in content
    assert "Dee" in content and "No mentor is admissible" in content
    # The list now shows the run with its figures.
    listing = text(client.get(RUNS_URL))
    assert f"Run {run.pk}" in listing
    assert coordinator.display_name in listing


def test_a_run_while_another_is_going_is_refused_with_the_services_message(
    client, scheme, coordinator, people
):
    going = match_run_start(scheme=scheme, trigger=MatchRun.Trigger.COMMAND, execute_later=False)
    client.force_login(coordinator)
    response = client.post(START_URL, follow=True)
    assert response.redirect_chain == [(RUNS_URL, 302)]
    assert ALREADY_RUNNING in text(response)
    assert MatchRun.objects.filter(scheme=scheme).count() == 1
    # The page points to the run going on instead of offering the button.
    assert START_URL not in form_actions(response)
    assert f"Follow run {going.pk}" in text(response)


def test_in_shortlist_mode_the_page_explains_and_offers_no_run(client, scheme, coordinator, people):
    scheme.matching_mode = MatchingMode.SHORTLIST
    scheme.save()
    client.force_login(coordinator)
    response = client.get(RUNS_URL)
    assert "mentees choose their mentor from a shortlist" in text(response)
    assert START_URL not in form_actions(response)
    refused = client.post(START_URL, follow=True)
    assert "shortlist" in text(refused)
    assert not MatchRun.objects.exists()


def test_the_runs_page_lists_each_runs_figures(client, scheme, coordinator, run):
    client.force_login(coordinator)
    response = client.get(RUNS_URL)
    row = re.search(rf"Run {run.pk}.*?</tr>", response.content.decode(), re.S).group(0)
    row_text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
    assert "The command line" in row_text
    assert "Finished" in row_text
    assert f"{run.total_score:.1f}" in row_text
    assert f"{run.mean_score:.1f}" in row_text
    assert "optimal, certified" in row_text


# --- a run's page --------------------------------------------------------------------------


def test_a_running_run_shows_an_accessible_progress_bar_and_a_refresh_link(
    client, scheme, coordinator
):
    running = match_run_start(scheme=scheme, trigger=MatchRun.Trigger.COMMAND, execute_later=False)
    MatchRun.objects.filter(pk=running.pk).update(
        status="running", progress=40, progress_message="Scoring 4 mentees against 4 mentors."
    )
    client.force_login(coordinator)
    response = client.get(url("run", running.pk))
    page = Page(response.content.decode())
    bar = page.find("run-progress-bar")
    assert bar["role"] == "progressbar"
    assert (bar["aria-valuenow"], bar["aria-valuemin"], bar["aria-valuemax"]) == ("40", "0", "100")
    assert page.find("run-progress-fill")["value"] == "40"
    assert page.find("run-progress")["data-progress-url"] == url("run_progress", running.pk)
    assert "Scoring 4 mentees against 4 mentors." in text(response)
    assert page.find("run-progress-refresh")["href"] == url("run", running.pk)
    assert any(attrs.get("src", "").endswith("js/progress.js") for attrs, _ in page.scripts)
    assert_accessible_page(page)


def test_the_progress_address_answers_json_for_the_script(client, scheme, coordinator):
    running = match_run_start(scheme=scheme, trigger=MatchRun.Trigger.COMMAND, execute_later=False)
    MatchRun.objects.filter(pk=running.pk).update(status="running", progress=65)
    client.force_login(coordinator)
    response = client.get(url("run_progress", running.pk))
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert json.loads(response.content) == {
        "status": "running",
        "progress": 65,
        "message": "Waiting to start.",
        "url": url("run", running.pk),
    }


def test_a_failed_run_shows_its_error(client, scheme, coordinator):
    failed = match_run_start(scheme=scheme, trigger=MatchRun.Trigger.COMMAND, execute_later=False)
    MatchRun.objects.filter(pk=failed.pk).update(
        status="failed", error="Matching stopped because of an unexpected error (boom)."
    )
    client.force_login(coordinator)
    response = client.get(url("run", failed.pk))
    content = text(response)
    assert "The run failed" in content
    assert "Matching stopped because of an unexpected error (boom)." in content
    assert 'id="proposals-table"' not in response.content.decode()
    progress = json.loads(client.get(url("run_progress", failed.pk)).content)
    assert progress["status"] == "failed"
    assert "boom" in progress["message"]


def test_a_finished_run_shows_totals_weights_pairs_and_unmatched(
    client, scheme, coordinator, people, run
):
    client.force_login(coordinator)
    response = client.get(url("run", run.pk))
    assert response.status_code == 200
    content = text(response)
    assert f"Total score {run.total_score:.1f}" in content
    assert f"Mean score {run.mean_score:.1f} per pair" in content
    assert "optimal, certified" in content
    assert f"Development areas {run.weights['areas']}" in content
    page = Page(response.content.decode())
    for proposal in run.proposals.all():
        assert any(attrs.get("href") == url("proposal", proposal.pk) for attrs, _ in page.links)
    ann = proposal_of(run, people["ann"])
    assert "Shares 2 of 2 development areas" in content
    assert ann.mentor.user.display_name == "Alice"
    unmatched = section(response, "unmatched-heading")
    assert "Dee" in unmatched and "No mentor is admissible" in unmatched
    assert url("run_rerun", run.pk) in form_actions(response)
    # Publishing is a link to the page that asks first, not a form that e-mails at once.
    assert url("run_publish", run.pk) not in form_actions(response)
    assert any(attrs.get("href") == url("run_publish", run.pk) for attrs, _ in page.links)
    assert "They have 14 days to accept or decline" in content
    assert_accessible_page(page)


def test_the_pairs_are_filtered_and_sorted_and_a_bad_filter_is_explained(
    client, coordinator, people, run
):
    client.force_login(coordinator)
    pairs = pairs_shown(client.get(url("run", run.pk), {"q": "cat@"}))
    assert "Cat" in pairs and "Ann" not in pairs
    pairs = pairs_shown(client.get(url("run", run.pk), {"q": "housing"}))
    assert "Ann" in pairs and "Cat" in pairs  # by department

    best, *_, weakest = run.proposals.order_by("-score")
    assert weakest.score < best.score - 1
    pairs = pairs_shown(client.get(url("run", run.pk), {"min_score": f"{weakest.score + 1:.1f}"}))
    assert best.mentee.user.display_name in pairs
    assert weakest.mentee.user.display_name not in pairs
    assert f"Pairs matching the filters: {run.matched_count - 1}" in pairs

    Proposal.objects.filter(run=run, mentee=people["ben"]).update(pinned=True)
    pairs = pairs_shown(client.get(url("run", run.pk), {"pinned": "on"}))
    assert "Ben" in pairs and "Ann" not in pairs and "Pinned" in pairs

    by_name = client.get(url("run", run.pk), {"sort": "mentee"}).content.decode()
    assert by_name.index(">Ann<") < by_name.index(">Ben<") < by_name.index(">Cat<")

    bad = client.get(url("run", run.pk), {"min_score": "lots", "q": "ann"})
    assert bad.status_code == 200
    assert "Give a number, such as 40 or 42.5." in beside(bad, "min_score")
    pairs = pairs_shown(bad)
    assert "Ann" in pairs and "Cat" not in pairs  # the good filter still applies
    assert Page(bad.content.decode()).find("id_min_score")["value"] == "lots"


def test_the_pairs_come_fifty_to_a_page_keeping_the_filters(client, scheme, coordinator):
    mentor = approved_mentor(scheme, "many@example.org", capacity=60)
    mentees = [approved_mentee(scheme, f"m{n:02}@example.org") for n in range(55)]
    run = match_run_start(scheme=scheme, trigger=MatchRun.Trigger.COMMAND, execute_later=False)
    MatchRun.objects.filter(pk=run.pk).update(status="finished")
    Proposal.objects.bulk_create(
        Proposal(run=run, mentee=mentee, mentor=mentor, score=n) for n, mentee in enumerate(mentees)
    )
    client.force_login(coordinator)
    first = client.get(url("run", run.pk), {"q": "example.org"})
    assert "1 to 50 of 55" in text(first)
    assert "page=2" in first.content.decode() and "q=example.org" in first.content.decode()
    second = client.get(url("run", run.pk), {"q": "example.org", "page": 2})
    assert "51 to 55 of 55" in text(second)


def test_the_run_page_and_the_list_take_the_same_queries_however_many_rows(
    client, scheme, coordinator, django_assert_max_num_queries
):
    mentor = approved_mentor(scheme, "many@example.org", capacity=60)

    def stored_run(pairs: int, unmatched: int) -> MatchRun:
        run = match_run_start(scheme=scheme, trigger=MatchRun.Trigger.COMMAND, execute_later=False)
        MatchRun.objects.filter(pk=run.pk).update(status="finished")
        start = Application.objects.count()
        mentees = [
            approved_mentee(scheme, f"q{start}-{n}@example.org") for n in range(pairs + unmatched)
        ]
        breakdown = [
            {
                "key": "areas",
                "label": "Development areas",
                "points": 20.0,
                "max_points": 35,
                "reason": "Shares 1 of 2 development areas (Leadership).",
            }
        ]
        Proposal.objects.bulk_create(
            Proposal(run=run, mentee=m, mentor=mentor, score=20, breakdown=breakdown)
            for m in mentees[:pairs]
        )
        Unmatched.objects.bulk_create(
            Unmatched(run=run, mentee=m, reason="capacity_full") for m in mentees[pairs:]
        )
        return run

    small = stored_run(2, 1)
    client.force_login(coordinator)
    # The run page also checks, as publishing would, that every pair still holds: the
    # pairs, the mentors' places, the open matches and the runs published since.
    with django_assert_max_num_queries(16):
        assert client.get(url("run", small.pk)).status_code == 200
    with django_assert_max_num_queries(13):  # with the navigation's unread count
        assert client.get(RUNS_URL).status_code == 200
    large = stored_run(40, 30)
    for _ in range(8):
        MatchRun.objects.create(scheme=scheme, trigger="command", status="failed")
    with django_assert_max_num_queries(16):
        response = client.get(url("run", large.pk))
    assert "Shares 1 of 2 development areas (Leadership)." in text(response)
    with django_assert_max_num_queries(13):  # with the navigation's unread count
        assert client.get(RUNS_URL).status_code == 200


# --- re-run and publish ----------------------------------------------------------------------


def test_a_rerun_keeps_the_pinned_pairs_and_shows_the_new_run(
    client, scheme, coordinator, people, run, django_capture_on_commit_callbacks
):
    ben = proposal_of(run, people["ben"])
    client.force_login(coordinator)
    client.post(url("proposal_pin", ben.pk), {"pinned": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("run_rerun", run.pk))
    new = MatchRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == url("run", new.pk)
    assert (new.status, new.based_on) == ("finished", run)
    kept = proposal_of(new, people["ben"])
    assert (kept.mentor, kept.pinned, kept.source) == (ben.mentor, True, "pinned")
    assert f"keeping the pinned pairs of run {run.pk}" in text(client.get(response["Location"]))


def test_a_refused_rerun_shows_the_message(client, scheme, coordinator, run):
    match_run_start(scheme=scheme, trigger=MatchRun.Trigger.COMMAND, execute_later=False)
    client.force_login(coordinator)
    response = client.post(url("run_rerun", run.pk), follow=True)
    assert response.redirect_chain == [(url("run", run.pk), 302)]
    assert ALREADY_RUNNING in text(response)


def test_publishing_creates_the_mentorships_emails_both_and_freezes_the_run(
    client, scheme, coordinator, people, run, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("run_publish", run.pk), follow=True)
    assert response.redirect_chain == [(url("run", run.pk), 302)]
    assert "The run is published: 3 pairs are being e-mailed" in text(response)
    assert Mentorship.objects.filter(scheme=scheme, run=run).count() == 3
    recipients = {address for message in mail.outbox for address in message.to}
    assert {"ann@example.org", "alice@example.org", "cat@example.org"} <= recipients
    run.refresh_from_db()
    assert run.status == MatchRun.Status.PUBLISHED
    # Read-only from now on: no action on the run, none on its pairs.
    assert "Published on" in text(response)
    assert not {url("run_rerun", run.pk), url("run_publish", run.pk)} & form_actions(response)
    proposal = run.proposals.first()
    detail = client.get(url("proposal", proposal.pk))
    assert "This run is published, so its pairs can no longer be changed." in text(detail)
    assert not [a for a in form_actions(detail) if "/proposals/" in a]


def test_publishing_asks_first_saying_who_will_be_emailed(client, scheme, coordinator, run):
    client.force_login(coordinator)
    response = client.get(url("run_publish", run.pk))
    assert response.status_code == 200
    content = text(response)
    proposals = list(run.proposals.all())
    mentees = len({p.mentee_id for p in proposals})
    mentors = len({p.mentor_id for p in proposals})
    assert f"Publish {len(proposals)} pairs?" in content
    assert (
        f"Publishing e-mails {mentees} mentee{'s' if mentees != 1 else ''} and "
        f"{mentors} mentor{'s' if mentors != 1 else ''} straight away" in content
    )
    assert "Publishing cannot be undone" in content
    assert url("run_publish", run.pk) in form_actions(response)
    assert any(
        attrs.get("href") == url("run", run.pk)
        for attrs, _ in Page(response.content.decode()).links
    )
    # Asking changed nothing and told nobody.
    assert not Mentorship.objects.exists()
    assert not mail.outbox
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FINISHED
    assert_accessible_page(Page(response.content.decode()))


def test_an_older_run_says_why_it_cannot_be_published_once_another_was(
    client, scheme, coordinator, people, django_capture_on_commit_callbacks
):
    older = finished_run(scheme)
    newer = finished_run(scheme)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("run_publish", newer.pk))
    newer.refresh_from_db()
    assert newer.status == MatchRun.Status.PUBLISHED

    response = client.get(url("run", older.pk))
    content = text(response)
    assert "This run cannot be published:" in content
    assert "the mentee's application is now matched" in content
    assert f"Run {newer.pk} of this scheme was published on" in content
    assert "Run matching again to get fresh proposals." in content
    page = Page(response.content.decode())
    assert not any(attrs.get("href") == url("run_publish", older.pk) for attrs, _ in page.links)
    assert not re.search(r"Publish \d+ pairs?", content)

    # The confirmation page says the same and offers no button.
    confirm = client.get(url("run_publish", older.pk))
    assert f"Run {older.pk} cannot be published" in text(confirm)
    assert "This run cannot be published:" in text(confirm)
    assert url("run_publish", older.pk) not in form_actions(confirm)
    assert_accessible_page(page)


def test_publishing_twice_is_refused_with_the_message(
    client, coordinator, run, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("run_publish", run.pk))
    response = client.post(url("run_publish", run.pk), follow=True)
    assert "This run has already been published." in text(response)


def test_a_dry_run_cannot_be_published(client, scheme, coordinator, people):
    dry = finished_run(scheme, dry_run=True)
    client.force_login(coordinator)
    page = client.get(url("run", dry.pk))
    assert "A dry run: its pairs cannot be published." in text(page)
    assert url("run_publish", dry.pk) not in form_actions(page)
    response = client.post(url("run_publish", dry.pk), follow=True)
    assert "A dry run cannot be published." in text(response)
    assert not Mentorship.objects.exists()


# --- a proposal --------------------------------------------------------------------------------


def test_the_proposal_page_shows_both_people_and_every_point(client, coordinator, people, run):
    ann = proposal_of(run, people["ann"])
    client.force_login(coordinator)
    response = client.get(url("proposal", ann.pk))
    assert response.status_code == 200
    content = text(response)
    assert "Ann with Alice" in content
    assert "Housing" in content and "Finance" in content
    for line in ann.breakdown:
        assert line["reason"] in content
        assert f"{line['points']:.1f} / {line['max_points']}" in content
    assert f"Total {ann.score:.1f}" in content
    page = Page(response.content.decode())
    assert_accessible_page(page)


def test_the_swap_lists_candidates_with_places_and_warnings(client, coordinator, people, run):
    cat = proposal_of(run, people["cat"])
    client.force_login(coordinator)
    response = client.get(url("proposal", cat.pk))
    content = response.content.decode()
    candidates = content[content.index('id="candidates"') :]
    carol_row = re.search(r"Carol</label>.*?</tr>", candidates, re.S).group(0)
    assert "Mentor is the mentee&#x27;s line manager." in carol_row
    assert 'class="table-warning"' in candidates
    assert f'value="{cat.mentor_id}"' not in candidates  # not the current mentor


def test_the_swap_shows_the_best_few_mentors_and_every_one_on_request(
    client, coordinator, people, run, monkeypatch
):
    monkeypatch.setattr("matching.views.runs.SWAP_CANDIDATES", 2)
    ann = proposal_of(run, people["ann"])
    client.force_login(coordinator)
    few = Page(client.get(url("proposal", ann.pk)).content.decode())
    radios = [a for tag, a in few.elements if tag == "input" and a.get("name") == "mentor"]
    assert len(radios) == 2
    show_all = f"{url('proposal', ann.pk)}?candidates=all#swap-heading"
    assert any(attrs.get("href") == show_all for attrs, _ in few.links)
    every = Page(client.get(url("proposal", ann.pk), {"candidates": "all"}).content.decode())
    radios = [a for tag, a in every.elements if tag == "input" and a.get("name") == "mentor"]
    assert len(radios) == 3  # every approved mentor but Ann's own


def test_swapping_to_a_mentor_who_fits_pins_the_new_pair(client, coordinator, people, run):
    ben = proposal_of(run, people["ben"])
    other = people["dan"] if ben.mentor == people["carol"] else people["carol"]
    client.force_login(coordinator)
    response = client.post(url("proposal_swap", ben.pk), {"mentor": other.pk}, follow=True)
    assert response.redirect_chain == [(url("proposal", ben.pk), 302)]
    assert f"Ben is now proposed with {other.user.display_name}" in text(response)
    ben.refresh_from_db()
    assert (ben.mentor, ben.pinned, ben.source, ben.changed_by) == (
        other,
        True,
        "coordinator",
        coordinator,
    )


def test_breaking_a_rule_without_a_reason_is_refused_beside_the_reason_box(
    client, coordinator, people, run
):
    cat = proposal_of(run, people["cat"])
    before = cat.mentor
    client.force_login(coordinator)
    response = client.post(url("proposal_swap", cat.pk), {"mentor": people["carol"].pk})
    assert response.status_code == 200
    assert "This pair breaks the scheme's rules: Mentor is the mentee's line manager." in (
        beside(response, "reason")
    )
    page = Page(response.content.decode())
    assert "checked" in page.find(f"mentor-{people['carol'].pk}")
    assert_accessible_page(page)
    cat.refresh_from_db()
    assert cat.mentor == before


def test_breaking_a_rule_with_a_reason_is_recorded_and_shown(client, coordinator, people, run):
    cat = proposal_of(run, people["cat"])
    client.force_login(coordinator)
    reason = "Carol is moving teams next month; HR agreed."
    response = client.post(
        url("proposal_swap", cat.pk), {"mentor": people["carol"].pk, "reason": reason}, follow=True
    )
    cat.refresh_from_db()
    assert cat.mentor == people["carol"]
    assert cat.overridden_constraints == ["Mentor is the mentee's line manager."]
    assert cat.override_reason == reason
    content = text(response)
    assert "This pair breaks the scheme's rules: Mentor is the mentee's line manager." in content
    assert f"Reason given by {coordinator.display_name}: {reason}" in content
    listing = text(client.get(url("run", run.pk)))
    assert "Overrides a rule" in listing


def test_a_swap_without_a_mentor_or_with_a_stranger_is_explained(
    client, coordinator, people, run, other_scheme
):
    cat = proposal_of(run, people["cat"])
    stranger = approved_mentor(other_scheme, "stranger@example.org")
    client.force_login(coordinator)
    empty = client.post(url("proposal_swap", cat.pk), {"reason": "Typed and kept"})
    assert "Choose the mentor to propose instead." in text(empty)
    assert "Typed and kept" in empty.content.decode()
    foreign = client.post(url("proposal_swap", cat.pk), {"mentor": stranger.pk})
    assert "Choose one of the scheme's approved mentors." in text(foreign)
    cat.refresh_from_db()
    assert cat.mentor == people["bob"]


def test_removing_a_pair_lists_the_mentee_as_unmatched(client, coordinator, people, run):
    ann = proposal_of(run, people["ann"])
    client.force_login(coordinator)
    response = client.post(url("proposal_remove", ann.pk), follow=True)
    assert response.redirect_chain == [(url("run", run.pk), 302)]
    assert "Ann is listed as unmatched in this run" in text(response)
    assert not Proposal.objects.filter(pk=ann.pk).exists()
    unmatched = section(response, "unmatched-heading")
    assert "Ann" in unmatched and "Removed by a coordinator" in unmatched


def test_pinning_and_unpinning_a_pair(client, coordinator, people, run):
    ann = proposal_of(run, people["ann"])
    client.force_login(coordinator)
    pinned = client.post(url("proposal_pin", ann.pk), {"pinned": "1"}, follow=True)
    assert "The pair is pinned: a re-run keeps it." in text(pinned)
    assert "Unpin the pair" in text(pinned)
    ann.refresh_from_db()
    assert ann.pinned
    client.post(url("proposal_pin", ann.pk), {"pinned": "0"})
    ann.refresh_from_db()
    assert not ann.pinned
    bad = client.post(url("proposal_pin", ann.pk), {"pinned": "maybe"}, follow=True)
    assert "Select a valid choice" in text(bad)


def test_changes_to_a_published_runs_pair_are_refused_with_the_message(
    client, coordinator, people, run, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("run_publish", run.pk))
    ann = proposal_of(run, people["ann"])
    message = "Only the proposals of a finished run that has not been published can be changed."
    assert message in text(client.post(url("proposal_pin", ann.pk), {"pinned": "1"}, follow=True))
    assert message in text(client.post(url("proposal_remove", ann.pk), follow=True))
    swap = client.post(url("proposal_swap", ann.pk), {"mentor": people["dan"].pk})
    assert swap.status_code == 200
    assert message in text(swap)
    ann.refresh_from_db()
    assert (ann.pinned, ann.mentor) == (False, people["alice"])


# --- comparing runs ------------------------------------------------------------------------


def test_two_runs_are_compared_side_by_side_with_the_pairs_that_differ(
    client, scheme, coordinator, people, run
):
    ben = proposal_of(run, people["ben"])
    other = people["dan"] if ben.mentor == people["carol"] else people["carol"]
    scheme.matching_weights = {"areas": 80}
    scheme.save()
    second = finished_run(scheme)
    Proposal.objects.filter(run=second, mentee=people["ben"]).update(mentor=other)
    client.force_login(coordinator)
    listing = client.get(RUNS_URL)
    assert COMPARE_URL in form_actions(listing)
    response = client.get(COMPARE_URL, {"a": run.pk, "b": second.pk})
    assert response.status_code == 200
    content = text(response)
    assert f"Run {run.pk} and run {second.pk} side by side" in content
    assert f"Matched {run.matched_count} {second.matched_count}" in content
    assert f"Development areas (differs) {run.weights['areas']} 80" in content
    differences = content[content.index("Mentees whose mentor differs") :]
    assert f"Ben {ben.mentor.user.display_name}" in differences
    assert other.user.display_name in differences
    assert "Ann" not in differences
    assert "Dee" not in differences  # unmatched in both runs: no difference
    assert_accessible_page(Page(response.content.decode()))


def test_comparing_a_run_with_itself_or_a_stranger_is_explained(client, coordinator, people, run):
    stranger = SchemeFactory()
    foreign = MatchRun.objects.create(scheme=stranger, trigger="command", status="finished")
    second = finished_run(run.scheme)
    client.force_login(coordinator)
    same = client.get(COMPARE_URL, {"a": run.pk, "b": run.pk})
    assert "Choose two different runs." in beside(same, "b")
    unknown = client.get(COMPARE_URL, {"a": run.pk, "b": foreign.pk})
    assert "Choose one of the scheme's finished runs." in beside(unknown, "b")
    assert "Mentees whose mentor differs" not in text(unknown)
    assert second.pk  # two runs, so the form is offered
    assert 'id="id_a"' in unknown.content.decode()


def test_compare_with_fewer_than_two_runs_says_so(client, coordinator):
    client.force_login(coordinator)
    response = client.get(COMPARE_URL)
    assert "the scheme needs two finished runs" in text(response)


# --- who may see what ------------------------------------------------------------------------

GET_PAGES = ["runs", "run_compare", "run", "run_progress", "proposal", "run_publish"]
POST_ACTIONS = [
    "run_start",
    "run_rerun",
    "proposal_swap",
    "proposal_remove",
    "proposal_pin",
]


def every_url(run) -> dict[str, str]:
    proposal = run.proposals.first()
    return {
        "runs": RUNS_URL,
        "run_compare": COMPARE_URL,
        "run_start": START_URL,
        "run": url("run", run.pk),
        "run_progress": url("run_progress", run.pk),
        "run_rerun": url("run_rerun", run.pk),
        "run_publish": url("run_publish", run.pk),
        "proposal": url("proposal", proposal.pk),
        "proposal_swap": url("proposal_swap", proposal.pk),
        "proposal_remove": url("proposal_remove", proposal.pk),
        "proposal_pin": url("proposal_pin", proposal.pk),
    }


@pytest.mark.parametrize("role", ["mentee", "mentor", "other_coordinator", "outsider", "hr_viewer"])
def test_nobody_but_the_schemes_coordinators_reaches_the_matching_pages(
    client, request, scheme, run, role
):
    urls = every_url(run)
    client.force_login(request.getfixturevalue(role))
    for name in GET_PAGES:
        assert client.get(urls[name]).status_code == 404, name
    for name in POST_ACTIONS:
        assert client.post(urls[name], {"pinned": "1"}).status_code == 404, name
    assert MatchRun.objects.filter(scheme=scheme).count() == 1
    assert not Proposal.objects.filter(run=run, pinned=True).exists()


def test_signed_out_people_are_sent_to_sign_in(client, run):
    for name, address in every_url(run).items():
        response = client.get(address)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login")), name


def test_actions_take_posts_only_and_pages_gets_only(client, coordinator, run):
    urls = every_url(run)
    client.force_login(coordinator)
    for name in POST_ACTIONS:
        assert client.get(urls[name]).status_code == 405, name
    for name in GET_PAGES:
        if name != "run_publish":  # asks on GET, publishes on POST
            assert client.post(urls[name]).status_code == 405, name


def test_each_pair_on_the_run_page_shows_its_two_strongest_reasons(client, scheme, coordinator):
    run = MatchRun.objects.create(scheme=scheme, trigger="command", status="finished")
    points = {"Some points.": 5.0, "The most points.": 30.0, "No points.": 0.0, "Next.": 10.0}
    Proposal.objects.create(
        run=run,
        mentee=approved_mentee(scheme, "ann@example.org"),
        mentor=approved_mentor(scheme, "bob@example.org"),
        score=45,
        breakdown=[
            {"key": f"k{n}", "label": f"K{n}", "points": p, "max_points": 30, "reason": r}
            for n, (r, p) in enumerate(points.items())
        ],
    )
    client.force_login(coordinator)

    pairs = pairs_shown(client.get(url("run", run.pk)))

    assert "The most points. Next." in pairs
    assert "Some points." not in pairs
    assert "No points." not in pairs


def test_a_run_or_proposal_of_another_scheme_is_not_found(
    client, coordinator, other_scheme, other_coordinator
):
    foreign = MatchRun.objects.create(scheme=other_scheme, trigger="command", status="finished")
    mentee = approved_mentee(other_scheme, "x@example.org")
    mentor = approved_mentor(other_scheme, "y@example.org")
    proposal = Proposal.objects.create(run=foreign, mentee=mentee, mentor=mentor, score=1)
    client.force_login(coordinator)
    assert client.get(url("run", foreign.pk)).status_code == 404
    assert client.get(url("run_progress", foreign.pk)).status_code == 404
    assert client.get(url("proposal", proposal.pk)).status_code == 404
    assert client.post(url("proposal_remove", proposal.pk)).status_code == 404
    assert client.post(url("run_publish", foreign.pk)).status_code == 404
    # Whatever the method: a wrong one is not told apart from a missing object.
    assert client.get(url("proposal_remove", proposal.pk)).status_code == 404
    assert client.get(url("run_publish", foreign.pk)).status_code == 404
    assert client.put(url("run_publish", foreign.pk)).status_code == 404
    assert client.post(url("run", foreign.pk)).status_code == 404
    # Nor through the other scheme's address, which they do not coordinate.
    assert client.get(url("run", foreign.pk, slug=other_scheme.slug)).status_code == 404
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_the_run_page_names_the_schemes_own_question_among_the_weights_used(
    client, scheme, coordinator, question
):
    approved_mentee(scheme, "ann@example.org")
    approved_mentor(scheme, "alice@example.org")
    run = match_run_execute(
        run_id=match_run_start(scheme=scheme, trigger="command", execute_later=False).pk
    )
    client.force_login(coordinator)
    page = client.get(url("run", run.pk)).content.decode()
    assert question.text in page
