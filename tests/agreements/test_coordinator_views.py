"""The coordinators' pages of pairs: the list, one pair, correcting its stage, the
concerns and one concern, the pair settings, and the Pairs card of the scheme hub."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import Concern, PairSettings, StageMove, default_end_date
from agreements.services.agreement import agreement_draft_save, agreement_sign
from agreements.services.concerns import concern_raise, concern_respond
from agreements.services.goals import (
    goal_create,
    goal_share,
    progress_record,
    target_create,
    target_set_status,
)
from matching.models import Mentorship
from tests.agreements.test_coordinator_services import sign_agreement
from tests.factories import approved_mentee, approved_mentor
from tests.html import Page, assert_accessible_page, visible_text
from tests.html import text_beside as beside
from tests.matching.test_mentorships import activate, propose

Stage = Mentorship.Stage
pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    kwargs.setdefault("slug", "council")
    return reverse(f"agreements:{name}", kwargs=kwargs)


def page_of(response) -> Page:
    assert response.status_code == 200
    page = Page(response.content.decode())
    assert_accessible_page(page)
    return page


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def new_pair(scheme, **fields) -> Mentorship:
    mentorship = activate(propose(approved_mentee(scheme), approved_mentor(scheme)))
    if fields:
        Mentorship.objects.filter(pk=mentorship.pk).update(**fields)
        mentorship.refresh_from_db()
    return mentorship


@pytest.fixture
def signed(active_mentorship):
    """The pair's agreement, version 1, in force."""
    return sign_agreement(active_mentorship)


# --- the list of pairs ------------------------------------------------------------------


def test_the_pairs_list_shows_each_started_pair_with_its_agreement_and_counts(
    client, coordinator, active_mentorship, signed, goal, target, concern, mentee, scheme
):
    target_set_status(target=target, user=mentee, status="done")
    draft_pair = new_pair(scheme)
    agreement_draft_save(
        mentorship=draft_pair,
        user=draft_pair.mentee,
        content={"purpose": "p"},
        base_number=None,
        base_revision=None,
    )
    fresh = new_pair(scheme)
    proposed = propose(approved_mentee(scheme), approved_mentor(scheme))
    client.force_login(coordinator)

    response = client.get(url("scheme_pairs"))

    page_of(response)
    text = visible_text(response)
    assert "All 3 pairs" in text
    assert f"Signed, in force since {timezone.localdate():%-d %b %Y} (version 1)" in text
    assert "Draft, not signed" in text
    assert "Not started" in text
    html = response.content.decode()
    for pair in (active_mentorship, draft_pair, fresh):
        assert url("scheme_pair", pk=pair.pk) in html
    assert url("scheme_pair", pk=proposed.pk) not in html
    # The signed pair: one goal, one of one target done, one open concern.
    row = html[html.index(url("scheme_pair", pk=active_mentorship.pk)) :]
    row = visible_text_of(row[: row.index("</tr>")])
    assert row.endswith("1 1 of 1 1")
    assert "Goal setting" in row


def visible_text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_end_date_is_the_agreements_else_the_programmes(
    client, coordinator, active_mentorship, scheme
):
    end = timezone.localdate() + timedelta(days=60)
    sign_agreement(active_mentorship, end_date=end)
    other = new_pair(scheme)
    client.force_login(coordinator)

    text = visible_text(client.get(url("scheme_pairs")))

    assert f"{end:%-d %b %Y}" in text
    assert f"{default_end_date(other):%-d %b %Y}" in text


def test_the_pairs_list_filters_by_stage_and_status(client, coordinator, scheme):
    progress = new_pair(scheme, stage=Stage.PROGRESS)
    initiation = new_pair(scheme)
    ended = new_pair(
        scheme,
        status=Mentorship.Status.ENDED,
        ended_at=timezone.now(),
        end_reason="Moved away.",
        stage=Stage.PROGRESS,
    )
    client.force_login(coordinator)

    html = client.get(url("scheme_pairs"), {"stage": "progress", "status": "active"}).content
    html = html.decode()
    assert url("scheme_pair", pk=progress.pk) in html
    assert url("scheme_pair", pk=initiation.pk) not in html
    assert url("scheme_pair", pk=ended.pk) not in html

    html = client.get(url("scheme_pairs"), {"status": "ended"}).content.decode()
    assert url("scheme_pair", pk=ended.pk) in html
    assert url("scheme_pair", pk=progress.pk) not in html
    assert "Ended early" in html


@pytest.mark.parametrize(
    "query",
    [
        {"stage": "nonsense"},
        {"status": "proposed"},
        {"stage": "<script>x</script>\x00"},
        {"page": "999999999999999999999"},
        {"page": "-1"},
        {"page": "abc"},
    ],
)
def test_a_bad_filter_or_page_shows_the_list_without_failing(
    client, coordinator, active_mentorship, query
):
    client.force_login(coordinator)

    response = client.get(url("scheme_pairs"), query)

    page_of(response)
    assert url("scheme_pair", pk=active_mentorship.pk) in response.content.decode()


def test_a_bad_filter_value_is_named_beside_its_field(client, coordinator, active_mentorship):
    client.force_login(coordinator)

    response = client.get(url("scheme_pairs"), {"stage": "nonsense"})

    assert "Select a valid choice" in beside(response, "stage")


def test_the_pairs_list_pages_by_fifty(client, coordinator, scheme):
    pairs = [new_pair(scheme) for _ in range(51)]
    client.force_login(coordinator)

    first = client.get(url("scheme_pairs"))
    second = client.get(url("scheme_pairs"), {"page": 2})

    assert "Page 1 of 2" in visible_text(first)
    assert first.content.decode().count("<tr>") == 51  # the header and 50 rows
    assert second.content.decode().count("<tr>") == 2
    oldest = min(pairs, key=lambda pair: (pair.started_at, pair.pk))
    assert url("scheme_pair", pk=oldest.pk) in second.content.decode()


def test_the_pairs_list_costs_the_same_queries_for_many_pairs(
    client, coordinator, scheme, django_assert_max_num_queries
):
    def add_pair():
        pair = new_pair(scheme)
        sign_agreement(pair)
        goal = goal_create(mentorship=pair, user=pair.mentee, data={"title": "G"})
        target_create(
            goal=goal,
            user=pair.mentee,
            data={
                "what": "w",
                "measure": "m",
                "due_on": timezone.localdate() + timedelta(days=10),
            },
        )
        concern_raise(mentorship=pair, user=pair.mentor, topic="fit", text="t")

    add_pair()
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("scheme_pairs")).status_code == 200
    for _ in range(12):
        add_pair()

    with django_assert_max_num_queries(len(one)):
        response = client.get(url("scheme_pairs"))
    assert "All 13 pairs" in visible_text(response)


# --- one pair ----------------------------------------------------------------------------


def test_a_pair_page_shows_dates_stage_agreement_and_counts(
    client, coordinator, active_mentorship, signed, goal, target, mentee, mentor
):
    stage_move = StageMove.objects.get(mentorship=active_mentorship)
    # A new draft after signing, signed by one of the two.
    draft = agreement_draft_save(
        mentorship=active_mentorship,
        user=mentor,
        content={"purpose": "Grow.", "success": "Growing.", "review": "Monthly."},
        base_number=1,
        base_revision=signed.revision,
    ).version
    agreement_sign(
        mentorship=active_mentorship,
        user=mentor,
        typed_name=mentor.display_name,
        content_hash=draft.content_hash,
    )
    client.force_login(coordinator)

    response = client.get(url("scheme_pair", pk=active_mentorship.pk))

    page = page_of(response)
    text = visible_text(response)
    assert page.headings[0] == (1, f"{mentee.display_name} mentored by {mentor.display_name}")
    assert "What you can see of this pair." in text
    assert "You never see what the pair wrote" in text
    assert "Stage: Goal setting" in text
    assert "SMART targets" in text  # what the stage is for
    assert "Version 1 has been in force since" in text
    assert "A new draft, version 2, is waiting for signatures: one of the two has signed it" in text
    assert "1 goal: 1 in progress, 0 achieved, 0 dropped" in text
    assert "0 of 1 target done" in text
    assert "By the product" in text and "Initiation" in text
    assert stage_move.to_stage == Stage.GOAL_SETTING
    html = response.content.decode()
    assert url("stage_correct", pk=active_mentorship.pk) in html
    assert active_mentorship.get_absolute_url() in html
    # The unshared goal's title is the pair's own.
    assert goal.title not in text
    assert "has not shared any goal" in text


def test_a_shared_goal_shows_its_title_and_ratings_but_not_the_comments(
    client, coordinator, active_mentorship, goal, mentee
):
    goal_share(goal=goal, user=mentee, shared=True)
    progress_record(goal=goal, user=mentee, rating=3, comment="Nervous at first-9d1")
    progress_record(goal=goal, user=mentee, rating=7, comment="Much better-9d1")
    client.force_login(coordinator)

    response = client.get(url("scheme_pair", pk=active_mentorship.pk))

    page_of(response)
    text = visible_text(response)
    assert goal.title in text
    assert "Rating (1 to 10)" in text
    section = visible_text_of(
        response.content.decode().split(f'id="shared-goal-{goal.pk}"')[1].split("</table>")[0]
    )
    today = f"{timezone.localdate():%-d %b %Y}"
    assert section.endswith(f"Rating (1 to 10) {today} 3 {today} 7")
    assert "9d1" not in response.content.decode()
    assert goal.why not in text


def test_a_pair_page_lists_its_concerns_with_links(client, coordinator, concern, mentee):
    client.force_login(coordinator)

    response = client.get(url("scheme_pair", pk=concern.mentorship_id))

    text = visible_text(response)
    assert "We are not meeting often enough" in text
    assert f"Raised by the mentee, {mentee.display_name}" in text
    assert url("concern", pk=concern.pk) in response.content.decode()
    # The message itself is on the concern's page, not here.
    assert concern.text not in text


def test_a_finished_pair_shows_its_end_and_offers_no_correction(
    client, coordinator, active_mentorship
):
    Mentorship.objects.filter(pk=active_mentorship.pk).update(
        status=Mentorship.Status.COMPLETED, ended_at=timezone.now(), stage=Stage.DISTANCE
    )
    client.force_login(coordinator)

    response = client.get(url("scheme_pair", pk=active_mentorship.pk))

    text = visible_text(response)
    assert "Completed" in text
    assert "its stage no longer changes" in text
    assert url("stage_correct", pk=active_mentorship.pk) not in response.content.decode()


def test_a_proposed_or_unknown_pair_is_404(client, coordinator, mentorship):
    client.force_login(coordinator)

    assert client.get(url("scheme_pair", pk=mentorship.pk)).status_code == 404
    assert client.get(url("scheme_pair", pk=999999)).status_code == 404


def test_another_schemes_pair_is_404_to_its_coordinator(
    client, other_coordinator, active_mentorship
):
    client.force_login(other_coordinator)

    response = client.get(url("scheme_pair", slug="another", pk=active_mentorship.pk))

    assert response.status_code == 404


# --- correcting the stage ---------------------------------------------------------------


def test_a_coordinator_corrects_the_stage_with_a_reason(client, coordinator, active_mentorship):
    client.force_login(coordinator)
    page_of(client.get(url("stage_correct", pk=active_mentorship.pk)))

    response = client.post(
        url("stage_correct", pk=active_mentorship.pk),
        {"stage": "progress", "reason": "They met twice already."},
    )

    assert response.status_code == 302
    assert response.url == url("scheme_pair", pk=active_mentorship.pk)
    active_mentorship.refresh_from_db()
    assert active_mentorship.stage == Stage.PROGRESS
    move = StageMove.objects.get(mentorship=active_mentorship)
    assert move.kind == StageMove.Kind.CORRECTION and move.moved_by == coordinator
    assert "now in the progress stage" in messages_of(response)[0]
    shown = visible_text(client.get(response.url))
    assert "Corrected by a coordinator" in shown
    assert "Reason: They met twice already." in shown


def test_a_correction_without_a_reason_says_so_beside_the_field(
    client, coordinator, active_mentorship
):
    client.force_login(coordinator)

    response = client.post(
        url("stage_correct", pk=active_mentorship.pk), {"stage": "wind_up", "reason": "   "}
    )

    page_of(response)
    assert "Say why the stage needs correcting." in beside(response, "reason")
    assert 'value="wind_up" selected' in response.content.decode()
    assert not StageMove.objects.exists()


def test_a_correction_to_the_current_stage_is_refused_beside_the_stage_keeping_the_reason(
    client, coordinator, active_mentorship
):
    client.force_login(coordinator)

    response = client.post(
        url("stage_correct", pk=active_mentorship.pk),
        {"stage": "initiation", "reason": "Keep this text <b>please</b>"},
    )

    page_of(response)
    assert "already in this stage" in beside(response, "stage")
    assert "Keep this text &lt;b&gt;please&lt;/b&gt;" in response.content.decode()
    assert not StageMove.objects.exists()


@pytest.mark.parametrize("stage", ["completed", "", "x" * 5000, "progress\x00"])
def test_a_bad_stage_is_refused_beside_the_field(client, coordinator, active_mentorship, stage):
    client.force_login(coordinator)

    response = client.post(
        url("stage_correct", pk=active_mentorship.pk), {"stage": stage, "reason": "Because."}
    )

    assert response.status_code == 200
    assert beside(response, "stage") != "The stage the pair is really in"  # an error shows
    assert not StageMove.objects.exists()


def test_a_too_long_reason_is_refused_keeping_the_text(client, coordinator, active_mentorship):
    client.force_login(coordinator)

    response = client.post(
        url("stage_correct", pk=active_mentorship.pk), {"stage": "progress", "reason": "y" * 2001}
    )

    assert "at most 2000 characters" in beside(response, "reason")
    assert not StageMove.objects.exists()


def test_a_finished_pairs_stage_cannot_be_corrected(client, coordinator, active_mentorship):
    Mentorship.objects.filter(pk=active_mentorship.pk).update(
        status=Mentorship.Status.ENDED, ended_at=timezone.now(), end_reason="Left."
    )
    client.force_login(coordinator)

    for response in (
        client.get(url("stage_correct", pk=active_mentorship.pk)),
        client.post(
            url("stage_correct", pk=active_mentorship.pk),
            {"stage": "progress", "reason": "Late."},
        ),
    ):
        assert response.status_code == 302
        assert response.url == url("scheme_pair", pk=active_mentorship.pk)
        assert "only an active mentorship's stage can be corrected" in messages_of(response)[0]
    assert not StageMove.objects.exists()


# --- concerns ----------------------------------------------------------------------------


def test_the_concerns_list_shows_open_ones_by_default_and_all_open_first(
    client, coordinator, concern, scheme, mentee
):
    other = new_pair(scheme)
    resolved = concern_raise(mentorship=other, user=other.mentor, topic="fit", text="x")
    concern_respond(concern=resolved, coordinator=coordinator, action="Talked.", resolve=True)
    newest_open = concern_raise(
        mentorship=other, user=other.mentee, topic="confidentiality", text="y"
    )
    client.force_login(coordinator)

    response = client.get(url("concerns"))
    page_of(response)
    html = response.content.decode()
    assert url("concern", pk=concern.pk) in html
    assert url("concern", pk=newest_open.pk) in html
    assert url("concern", pk=resolved.pk) not in html
    assert "2 open, 1 resolved" in visible_text(response)
    text = visible_text(response)
    assert f"The mentee, {mentee.display_name}" in text
    assert concern.text not in text

    html = client.get(url("concerns"), {"status": "all"}).content.decode()
    positions = [html.index(url("concern", pk=c.pk)) for c in (newest_open, concern, resolved)]
    assert positions == sorted(positions)

    html = client.get(url("concerns"), {"status": "resolved"}).content.decode()
    assert url("concern", pk=resolved.pk) in html
    assert url("concern", pk=concern.pk) not in html


@pytest.mark.parametrize("query", [{"status": "bogus"}, {"page": "zz"}, {"status": "\x00"}])
def test_a_bad_concern_filter_does_not_fail(client, coordinator, concern, query):
    client.force_login(coordinator)

    response = client.get(url("concerns"), query)

    page_of(response)
    assert url("concern", pk=concern.pk) in response.content.decode()


def test_no_concerns_says_what_will_appear(client, coordinator):
    client.force_login(coordinator)

    assert "No concerns" in visible_text(client.get(url("concerns")))


def test_the_concerns_list_costs_the_same_queries_for_many_concerns(
    client, coordinator, scheme, django_assert_max_num_queries
):
    def add():
        pair = new_pair(scheme)
        concern_raise(mentorship=pair, user=pair.mentee, topic="meeting", text="t")

    add()
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("concerns")).status_code == 200
    for _ in range(10):
        add()

    with django_assert_max_num_queries(len(one)):
        response = client.get(url("concerns"))
    assert "11 open" in visible_text(response)


def test_a_concern_shows_its_message_and_who_raised_it(client, coordinator, concern, mentee):
    client.force_login(coordinator)

    response = client.get(url("concern", pk=concern.pk))

    page_of(response)
    text = visible_text(response)
    assert "We have not met for two months." in text
    assert f"Raised by the mentee, {mentee.display_name}" in text
    assert url("scheme_pair", pk=concern.mentorship_id) in response.content.decode()


def test_resolving_without_a_record_is_refused_beside_the_field(client, coordinator, concern):
    client.force_login(coordinator)

    response = client.post(url("concern", pk=concern.pk), {"action": "  ", "resolved": "on"})

    page_of(response)
    assert "Say what was done before marking it resolved." in beside(response, "action")
    concern.refresh_from_db()
    assert concern.status == Concern.Status.OPEN


def test_a_coordinator_records_what_was_done_resolves_and_reopens(client, coordinator, concern):
    client.force_login(coordinator)

    saved = client.post(url("concern", pk=concern.pk), {"action": "Called the mentor."})
    assert saved.status_code == 302
    assert messages_of(saved) == ["Your record is saved; the concern stays open."]
    concern.refresh_from_db()
    assert (concern.status, concern.action) == (Concern.Status.OPEN, "Called the mentor.")

    resolved = client.post(
        url("concern", pk=concern.pk), {"action": "Called the mentor.", "resolved": "on"}
    )
    assert messages_of(resolved)[-1] == "The concern is resolved."
    concern.refresh_from_db()
    assert concern.status == Concern.Status.RESOLVED
    assert "resolved on" in visible_text(client.get(url("concern", pk=concern.pk)))

    reopened = client.post(url("concern", pk=concern.pk), {"action": "It came back."})
    assert messages_of(reopened)[-1] == "The concern is open again."
    concern.refresh_from_db()
    assert concern.status == Concern.Status.OPEN


def test_a_hostile_record_is_refused_keeping_the_form(client, coordinator, concern):
    client.force_login(coordinator)

    response = client.post(url("concern", pk=concern.pk), {"action": "a\x00b", "resolved": "on"})

    assert response.status_code == 200
    assert beside(response, "action") != ""
    concern.refresh_from_db()
    assert concern.status == Concern.Status.OPEN


def test_another_schemes_concern_is_404(client, other_coordinator, coordinator, concern):
    client.force_login(other_coordinator)
    assert client.get(url("concern", slug="another", pk=concern.pk)).status_code == 404
    client.force_login(coordinator)
    assert client.get(url("concern", pk=999999)).status_code == 404


# --- pair settings -----------------------------------------------------------------------


def test_pair_settings_show_the_default_and_save_a_new_value(client, coordinator, scheme):
    client.force_login(coordinator)

    response = client.get(url("pair_settings"))
    page_of(response)
    assert 'value="4"' in response.content.decode()
    assert "wind-up stage" in visible_text(response)
    assert not PairSettings.objects.exists()  # reading does not write

    saved = client.post(url("pair_settings"), {"wind_up_weeks": "6"})
    assert saved.status_code == 302
    assert messages_of(saved) == [
        "Pairs now move to the wind-up stage 6 weeks before their end date."
    ]
    assert PairSettings.objects.get(scheme=scheme).wind_up_weeks == 6
    assert 'value="6"' in client.get(url("pair_settings")).content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "at least 1 week"),
        ("27", "at most 26 weeks"),
        ("abc", "whole number"),
        ("99999999999999999999999", "at most 26 weeks"),
        ("", "Enter a number of weeks"),
    ],
)
def test_bad_wind_up_weeks_are_refused_beside_the_field(
    client, coordinator, scheme, value, message
):
    client.force_login(coordinator)

    response = client.post(url("pair_settings"), {"wind_up_weeks": value})

    page_of(response)
    assert message in beside(response, "wind_up_weeks")
    assert f'value="{value}"' in response.content.decode() or not value
    assert not PairSettings.objects.exists()


# --- the scheme hub ----------------------------------------------------------------------


def test_the_scheme_hub_has_a_pairs_card_with_counts_and_links(
    client, coordinator, active_mentorship, signed, concern, scheme
):
    new_pair(scheme, stage=Stage.PROGRESS)
    client.force_login(coordinator)

    response = client.get(reverse("scheme", kwargs={"slug": "council"}))

    page = page_of(response)
    assert (2, "Pairs") in page.headings
    text = visible_text(response)
    assert "All active pairs 2" in text
    assert "Goal setting 1" in text and "Progress 1" in text
    assert "1 of 2 active pairs has a signed agreement in force" in text
    assert "1 open concern waiting for you" in text
    html = response.content.decode()
    for name in ("scheme_pairs", "concerns", "pair_settings"):
        assert url(name) in html


def test_the_pairs_card_is_for_coordinators_only(client, mentee, active_mentorship):
    client.force_login(mentee)

    response = client.get(reverse("scheme", kwargs={"slug": "council"}))

    assert url("scheme_pairs") not in response.content.decode()


def test_a_pair_page_costs_the_same_queries_for_many_goals_ratings_and_concerns(
    client, coordinator, active_mentorship, goal, mentee, mentor, django_assert_max_num_queries
):
    goal_share(goal=goal, user=mentee, shared=True)
    progress_record(goal=goal, user=mentee, rating=2)
    concern_raise(mentorship=active_mentorship, user=mentee, topic="fit", text="t")
    address = url("scheme_pair", pk=active_mentorship.pk)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as one:
        assert client.get(address).status_code == 200
    for title in ("Second", "Third"):
        more = goal_create(mentorship=active_mentorship, user=mentor, data={"title": title})
        goal_share(goal=more, user=mentor, shared=True)
        for rating in range(1, 6):
            progress_record(goal=more, user=mentor, rating=rating)
        concern_raise(mentorship=active_mentorship, user=mentor, topic="meeting", text="t")

    with django_assert_max_num_queries(len(one)):
        response = client.get(address)
    assert visible_text(response).count("Rating (1 to 10)") == 3


def test_a_record_changed_by_another_coordinator_meanwhile_is_never_replaced_silently(
    client, coordinator, concern, scheme
):
    from schemes.models import Membership, Role
    from tests.factories import UserFactory

    colleague = UserFactory(name="Kim Colleague")
    Membership.objects.create(scheme=scheme, user=colleague, role=Role.COORDINATOR)
    client.force_login(coordinator)
    seen = client.get(url("concern", pk=concern.pk)).context["form"]["seen"].value()
    concern_respond(concern=concern, coordinator=colleague, action="Met them both.", resolve=True)

    refused = client.post(
        url("concern", pk=concern.pk), {"action": "Called the mentor.", "seen": seen}
    )

    assert refused.status_code == 200
    text = visible_text(refused)
    assert "Kim Colleague changed the record while you were writing" in text
    assert "Met them both." in text
    assert refused.context["form"]["action"].value() == "Called the mentor."
    concern.refresh_from_db()
    assert concern.action == "Met them both."

    again = client.post(
        url("concern", pk=concern.pk),
        {"action": "Called the mentor.", "seen": refused.context["form"]["seen"].value()},
    )
    assert again.status_code == 302
    concern.refresh_from_db()
    assert (concern.action, concern.status) == ("Called the mentor.", Concern.Status.OPEN)
