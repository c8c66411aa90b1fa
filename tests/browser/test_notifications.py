"""Notifications in a real browser: the mentee sees the unread count in the navigation,
opens her notifications, follows the one about a missing agenda to the session's agenda
page, and sees the count drop; then she turns a reminder off in her notification
settings and sees it saved."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import NotificationPreference, Reminder
from tests.browser.people import sign_in


def test_the_mentee_opens_a_notification_and_turns_a_reminder_off(
    page, live_server, mentee, mentee_reminder, planned_session
):
    mentorship = planned_session.mentorship
    Reminder.objects.create(
        kind="gap",
        scheme=mentorship.scheme,
        recipient=f"user:{mentee.pk}",
        user=mentee,
        subject_type="mentorship",
        subject_id=mentorship.pk,
        mentorship=mentorship,
        occasion="2025-01-06",
        status="in_app",
        created_at=timezone.now() - timedelta(days=2),
    )
    sign_in(page, live_server, "mentee@example.org")

    navigation = page.get_by_role("navigation", name="Main")
    notifications = navigation.get_by_role("link", name=re.compile("^Notifications"))
    expect(notifications).to_have_text(re.compile(r"Notifications\s*2"))
    expect(notifications).to_have_accessible_name("Notifications 2 unread")
    notifications.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_text("2 unread.")).to_be_visible()
    expect(page.get_by_text(f"Your session with {mentorship.mentor.display_name}")).to_be_visible()
    page.get_by_role("link", name="New No agenda yet").click()

    expect(page).to_have_url(
        re.compile(rf"/pairs/{mentorship.pk}/sessions/{planned_session.pk}/agenda/$")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("The agenda of the session")
    expect(notifications).to_have_accessible_name("Notifications 1 unread")

    notifications.click()
    expect(page.get_by_role("link", name="No agenda yet", exact=True)).to_be_visible()
    page.get_by_role("link", name="Choose which reminders you get by e-mail").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    gap = page.get_by_role("group", name="Time to meet again").get_by_label("By e-mail")
    expect(gap).to_be_checked()
    gap.uncheck()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert")).to_contain_text("Your notification settings are saved.")
    gap = page.get_by_role("group", name="Time to meet again").get_by_label("By e-mail")
    expect(gap).not_to_be_checked()
    expect(
        page.get_by_role("group", name="No agenda yet").get_by_label("By e-mail")
    ).to_be_checked()
    assert NotificationPreference.objects.get(user=mentee, kind="gap").by_email is False
