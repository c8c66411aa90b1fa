"""Each person's notifications: the in-app list (their own only, newest first, a page at
a time, in a fixed number of queries), opening one, marking all read, the unread count
in the navigation, the notification settings, and the one-click unsubscribe link."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring.models import User
from sessions.models import (
    NotificationPreference,
    Reminder,
    ReminderRule,
    SessionSettings,
)
from sessions.services.reminders import UNSUBSCRIBE_SALT, unsubscribe_token
from tests.html import Page, assert_accessible_page, visible_text

pytestmark = pytest.mark.django_db

LIST = reverse("sessions:notifications")
SETTINGS = reverse("sessions:notification_settings")
READ_ALL = reverse("sessions:notifications_read")
ONE_CLICK = "List-Unsubscribe=One-Click"


def _reminder(user, *, kind="gap", mentorship=None, scheme=None, **fields):
    """A notification of ``user``, e-mailed: about ``mentorship`` unless other subject
    fields are given."""
    mentorship_fields = (
        {"subject_type": "mentorship", "subject_id": mentorship.pk} if mentorship else {}
    )
    values = {
        "kind": kind,
        "scheme": scheme or mentorship.scheme,
        "recipient": f"user:{user.pk}",
        "user": user,
        "mentorship": mentorship,
        "occasion": "2025-01-06",
        "status": "sent",
        **mentorship_fields,
        **fields,
    }
    return Reminder.objects.create(**values)


def _open_url(reminder):
    return reverse("sessions:notification_open", kwargs={"pk": reminder.pk})


def _unsubscribe_url(token):
    return reverse("sessions:unsubscribe", kwargs={"token": token})


def _one_click(client, token):
    """What a mail client sends by itself for RFC 8058's one-click unsubscribe."""
    return client.post(
        _unsubscribe_url(token), ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )


def _nav_unread(response) -> str:
    """The navigation's Notifications link, as a screen reader reads it."""
    page = Page(response.content.decode())
    return next(text for attrs, text in page.links if attrs.get("href") == LIST)


# --- the list ---


def test_the_list_shows_only_the_persons_own_notifications_newest_first(
    client, mentee, mentor, active_mentorship
):
    older = _reminder(
        mentee,
        mentorship=active_mentorship,
        occasion="2025-01-06",
        created_at=timezone.now() - timedelta(days=3),
    )
    newer = _reminder(mentee, kind="agreement_unsigned", mentorship=active_mentorship, occasion="")
    _reminder(mentor, kind="evaluation_due", mentorship=active_mentorship, occasion="mid")
    _reminder(
        mentee,
        kind="evaluation_due",
        mentorship=active_mentorship,
        occasion="baseline",
        status="skipped",
    )
    client.force_login(mentee)
    response = client.get(LIST)
    text = visible_text(response)
    html = response.content.decode()
    assert html.index(_open_url(newer)) < html.index(_open_url(older))
    assert "The agreement is not signed" in text and "Time to meet again" in text
    # The mentor's notification and the mentee's skipped one are not hers to see.
    assert "An evaluation is due" not in text
    assert text.count("New ") == 2


def test_each_row_says_what_it_was_about_and_when_in_the_schemes_time_zone(
    client, mentee, mentee_reminder, planned_session
):
    zone = ZoneInfo("Pacific/Auckland")
    SessionSettings.objects.create(scheme=planned_session.mentorship.scheme, time_zone=str(zone))
    User.objects.filter(pk=planned_session.mentorship.mentor_id).update(name="Tom Reid")
    client.force_login(mentee)
    text = visible_text(client.get(LIST))
    starts = timezone.localtime(planned_session.starts_at, zone)
    sent = timezone.localtime(mentee_reminder.created_at, zone)
    assert f"No agenda yet {sent:%-d %B %Y, %H:%M}" in text
    assert f"Your session with Tom Reid on {starts:%-d %B %Y at %H:%M}." in text


@pytest.mark.parametrize(
    ("kind", "occasion", "expected"),
    [
        ("gap", "2025-01-06", "no session held or planned since 6 January 2025 when this"),
        ("evaluation_due", "mid", "Your mid-point evaluation of your mentorship with"),
        ("evaluation_due", "end:again", "Your end evaluation of your mentorship with"),
        ("agreement_unsigned", "", "Your agreement with"),
        ("match_unanswered", "", "to answer by"),
    ],
)
def test_a_pair_reminder_is_described_in_plain_words(
    client, mentee, active_mentorship, kind, occasion, expected
):
    _reminder(mentee, kind=kind, mentorship=active_mentorship, occasion=occasion)
    client.force_login(mentee)
    text = visible_text(client.get(LIST))
    assert expected in text
    assert active_mentorship.mentor.display_name in text
    assert ("(asked again)" in text) == occasion.endswith(":again")


def test_the_digest_and_a_closing_window_are_described_with_the_scheme(client, coordinator, scheme):
    _reminder(
        coordinator,
        kind="digest",
        scheme=scheme,
        subject_type="scheme",
        subject_id=scheme.pk,
        occasion="2025-03-03",
    )
    _reminder(
        coordinator,
        kind="window_closing",
        scheme=scheme,
        subject_type="invitation",
        subject_id=1,
        occasion="2025-03-10",
    )
    client.force_login(coordinator)
    text = visible_text(client.get(LIST))
    assert f"The pairs at risk in {scheme.name}, as listed on 3 March 2025." in text
    assert f"Applications to {scheme.name} close on 10 March 2025." in text


def test_an_empty_list_says_what_will_appear(client, outsider):
    client.force_login(outsider)
    response = client.get(LIST)
    text = visible_text(response)
    assert "No notifications yet" in text
    assert "Reminders about your sessions, agreement and evaluations will appear here." in text
    assert "Mark all as read" not in text
    assert_accessible_page(Page(response.content.decode()))


def test_a_long_list_comes_a_page_at_a_time(client, mentee, active_mentorship):
    now = timezone.now()
    for day in range(30):
        _reminder(
            mentee,
            mentorship=active_mentorship,
            occasion=f"2025-01-{day + 1:02d}",
            created_at=now - timedelta(days=day),
        )
    client.force_login(mentee)
    first = visible_text(client.get(LIST))
    second = visible_text(client.get(LIST, {"page": 2}))
    assert first.count("Time to meet again") == 25
    assert second.count("Time to meet again") == 5
    assert "Page 1 of 2" in first
    assert "since 1 January 2025" in first and "since 30 January 2025" in second
    # Nonsense for a page is the first page, never an error.
    assert client.get(LIST, {"page": "\x00x"}).status_code == 200


def test_the_list_reads_in_a_fixed_number_of_queries(
    client, mentee, active_mentorship, planned_session, django_assert_max_num_queries
):
    client.force_login(mentee)

    def add(count, start):
        for n in range(start, start + count):
            _reminder(mentee, mentorship=active_mentorship, occasion=f"gap-{n}")
            _reminder(
                mentee,
                kind="session_tomorrow",
                mentorship=active_mentorship,
                subject_type="session",
                subject_id=planned_session.pk,
                occasion=f"session-{n}",
            )

    add(1, 0)
    with django_assert_max_num_queries(9) as few:
        assert client.get(LIST).status_code == 200
    add(40, 1)
    with django_assert_max_num_queries(len(few)) as many:
        response = client.get(LIST)
    assert visible_text(response).count("Your session with") > 10
    assert len(many) == len(few)


# --- opening one, marking all read ---


def test_opening_a_notification_marks_it_read_and_leads_to_what_it_asks(
    client, mentee, mentee_reminder, planned_session
):
    client.force_login(mentee)
    response = client.get(_open_url(mentee_reminder))
    assert response.status_code == 302
    assert response.url == reverse(
        "sessions:session_agenda",
        kwargs={"pk": planned_session.mentorship_id, "session": planned_session.pk},
    )
    mentee_reminder.refresh_from_db()
    assert mentee_reminder.read_at is not None
    assert "New " not in visible_text(client.get(LIST))


def test_anyone_elses_notification_is_404_and_stays_unread(
    client, mentor, coordinator, mentee_reminder
):
    for person in (mentor, coordinator):
        client.force_login(person)
        assert client.get(_open_url(mentee_reminder)).status_code == 404
    mentee_reminder.refresh_from_db()
    assert mentee_reminder.read_at is None


def test_a_skipped_reminder_is_no_notification(client, mentee, mentee_reminder):
    Reminder.objects.filter(pk=mentee_reminder.pk).update(status="skipped")
    client.force_login(mentee)
    assert client.get(_open_url(mentee_reminder)).status_code == 404


def test_marking_all_read_is_a_post_and_touches_only_ones_own(
    client, mentee, mentor, active_mentorship
):
    mine = [
        _reminder(mentee, mentorship=active_mentorship, occasion=f"2025-01-0{n}") for n in (1, 2)
    ]
    theirs = _reminder(mentor, mentorship=active_mentorship)
    client.force_login(mentee)
    assert client.get(READ_ALL).status_code == 405
    assert Reminder.objects.filter(read_at__isnull=False).count() == 0
    response = client.post(READ_ALL, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert "Your notifications are all marked read." in visible_text(response)
    assert Reminder.objects.filter(pk__in=[r.pk for r in mine], read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- the unread count in the navigation ---


def test_the_navigation_counts_the_unread_for_screen_readers_too(
    client, mentee, mentee_reminder, active_mentorship
):
    _reminder(mentee, mentorship=active_mentorship)
    _reminder(mentee, kind="agreement_unsigned", mentorship=active_mentorship, status="skipped")
    client.force_login(mentee)
    assert _nav_unread(client.get(reverse("home"))) == "Notifications 2 unread"
    client.get(_open_url(mentee_reminder))
    assert _nav_unread(client.get(reverse("home"))) == "Notifications 1 unread"
    client.post(READ_ALL)
    assert _nav_unread(client.get(reverse("home"))) == "Notifications"


def test_the_count_is_one_query_and_only_for_people_signed_in(
    client, rf, mentee, mentee_reminder, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    from dashboard.context_processors import navigation
    from sessions.selectors.notifications import unread_count

    with django_assert_num_queries(1):
        assert unread_count(mentee) == 1
    request = rf.get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert navigation(request) == {}
    assert LIST not in client.get(reverse("home")).content.decode()


# --- the notification settings ---


def test_a_participant_chooses_the_optional_reminders_but_not_the_digest(client, mentee):
    client.force_login(mentee)
    response = client.get(SETTINGS)
    page = Page(response.content.decode())
    boxes = {attrs["name"] for tag, attrs in page.controls() if attrs.get("type") == "checkbox"}
    assert boxes == {
        "session_tomorrow",
        "agenda_missing",
        "summary_missing",
        "gap",
        "evaluation_due",
        "window_closing",
    }
    text = visible_text(response)
    assert "Weekly digest of pairs at risk" not in text
    assert "also appears in your notifications here, whatever you choose" in text
    # The essential ones are listed, with why, and have no box.
    assert "A match to answer" in text and "The agreement is not signed" in text
    assert "A match that is not answered by its deadline lapses." in text
    assert "Until both of you sign it, your agreement is not in force" in text
    assert_accessible_page(page)


def test_a_coordinator_may_switch_off_the_digest(client, coordinator):
    client.force_login(coordinator)
    response = client.get(SETTINGS)
    assert 'name="digest"' in response.content.decode()
    assert "Every Monday at 09:00" in visible_text(response)
    client.post(SETTINGS, {"session_tomorrow": "on"})
    assert NotificationPreference.objects.get(user=coordinator, kind="digest").by_email is False


def test_saving_keeps_the_choice_and_says_so(client, mentee):
    client.force_login(mentee)
    data = {kind: "on" for kind in ("session_tomorrow", "summary_missing", "gap")}
    response = client.post(SETTINGS, data, follow=True)
    assert "Your notification settings are saved." in visible_text(response)
    chosen = dict(
        NotificationPreference.objects.filter(user=mentee).values_list("kind", "by_email")
    )
    assert chosen == {
        "session_tomorrow": True,
        "agenda_missing": False,
        "summary_missing": True,
        "gap": True,
        "evaluation_due": False,
        "window_closing": False,
    }
    page = Page(response.content.decode())
    checked = {attrs["name"] for _, attrs in page.controls() if "checked" in attrs}
    assert checked == {"session_tomorrow", "summary_missing", "gap"}


def test_the_essential_reminders_and_the_digest_cannot_be_switched_off_by_a_participant(
    client, mentee
):
    client.force_login(mentee)
    client.post(
        SETTINGS,
        {"match_unanswered": "", "agreement_unsigned": "", "digest": "", "gap": "on"},
    )
    kinds = set(NotificationPreference.objects.filter(user=mentee).values_list("kind", flat=True))
    assert not kinds & {"match_unanswered", "agreement_unsigned", "digest"}


def test_the_rules_are_said_with_the_schemes_own_numbers(client, mentee, scheme, coordinator):
    ReminderRule.objects.create(scheme=scheme, kind="agenda_missing", enabled=True, days=5)
    ReminderRule.objects.create(scheme=scheme, kind="summary_missing", enabled=False, days=3)
    client.force_login(mentee)
    text = visible_text(client.get(SETTINGS))
    assert "5 days before a planned session that has no agenda" in text
    assert "Switched off by the coordinators of your scheme, so it is not sent." in text


def test_someone_in_no_scheme_reads_the_defaults(client, outsider):
    client.force_login(outsider)
    text = visible_text(client.get(SETTINGS))
    assert "Unless a scheme changes it: 2 days before a planned session" in text


# --- unsubscribe ---


def test_opening_the_link_changes_nothing_and_says_what_it_stops(
    client, unsubscribe_token_value, mentee
):
    response = client.get(_unsubscribe_url(unsubscribe_token_value))
    assert response.status_code == 200
    text = visible_text(response)
    assert "No agenda yet" in text
    assert "You will still see these reminders in your notifications" in text
    assert client.head(_unsubscribe_url(unsubscribe_token_value)).status_code == 200
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("signed_in", [False, True])
def test_one_click_stops_the_e_mails_once_whoever_posts_it(
    mentee, unsubscribe_token_value, signed_in
):
    client = Client(enforce_csrf_checks=True)  # a mail client has no CSRF token
    if signed_in:
        client.force_login(mentee)
    for _ in range(2):
        response = _one_click(client, unsubscribe_token_value)
        assert response.status_code == 200
    choice = NotificationPreference.objects.get(user=mentee)
    assert (choice.kind, choice.by_email) == ("agenda_missing", False)
    text = visible_text(response)
    assert "You will no longer get “No agenda yet” reminders by e-mail." in text
    link = "in your notification settings" if signed_in else "sign in and open your notification"
    assert link in text
    assert SETTINGS in response.content.decode()


def test_after_unsubscribing_the_settings_show_the_box_unticked(
    client, mentee, unsubscribe_token_value
):
    _one_click(client, unsubscribe_token_value)
    client.force_login(mentee)
    page = Page(client.get(SETTINGS).content.decode())
    checked = {attrs["name"] for _, attrs in page.controls() if "checked" in attrs}
    assert "agenda_missing" not in checked and "gap" in checked
    assert "It is already stopped" in visible_text(
        client.get(_unsubscribe_url(unsubscribe_token_value))
    )


def test_an_invitee_without_an_account_is_unsubscribed_by_address(client, scheme):
    reminder = Reminder(kind="window_closing", email="Invited@Example.org", user=None)
    token = unsubscribe_token(reminder=reminder)
    text = visible_text(client.get(_unsubscribe_url(token)))
    assert "Applications are closing" in text and "notifications" not in text
    assert _one_click(client, token).status_code == 200
    choice = NotificationPreference.objects.get(user=None)
    assert (choice.email, choice.kind, choice.by_email) == (
        "invited@example.org",
        "window_closing",
        False,
    )


def _tampered(token):
    return token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")


@pytest.mark.parametrize(
    "make",
    [
        lambda token: "not-a-token",
        _tampered,
        # Another signing salt: a token made for something else.
        lambda token: signing.dumps({"u": 1, "k": "gap"}),
        # Signed right but for an essential reminder, or a kind that does not exist.
        lambda token: signing.dumps({"u": 1, "k": "match_unanswered"}, salt=UNSUBSCRIBE_SALT),
        lambda token: signing.dumps({"u": 1, "k": "nonsense"}, salt=UNSUBSCRIBE_SALT),
        lambda token: signing.dumps(["gap"], salt=UNSUBSCRIBE_SALT),
        # An account that no longer exists.
        lambda token: signing.dumps({"u": 999999, "k": "gap"}, salt=UNSUBSCRIBE_SALT),
        lambda token: "\u202e%00" + token,
    ],
)
def test_a_link_that_is_not_valid_is_a_kind_page_and_changes_nothing(
    client, unsubscribe_token_value, make
):
    url = _unsubscribe_url(make(unsubscribe_token_value))
    for response in (client.get(url), _one_click(client, make(unsubscribe_token_value))):
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in visible_text(response)
        assert_accessible_page(Page(response.content.decode()))
    assert not NotificationPreference.objects.exists()


def test_the_pages_with_notifications_are_accessible(
    client, coordinator, mentee, mentee_reminder, active_mentorship
):
    _reminder(mentee, mentorship=active_mentorship)
    client.force_login(mentee)
    client.get(_open_url(mentee_reminder))
    assert_accessible_page(Page(client.get(LIST).content.decode()))
    client.force_login(coordinator)
    assert_accessible_page(Page(client.get(SETTINGS).content.decode()))
