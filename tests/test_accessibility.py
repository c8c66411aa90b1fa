"""Every page of the project's own, as each role sees it, passes the same accessibility
and CSP checks as allauth's pages (tests/html.py)."""

import pytest
from django.urls import reverse

from tests.conftest import resolve_kwargs
from tests.html import Page, assert_accessible_page

PAGES = [
    ("anonymous", "home", {}, 200),
    ("outsider", "home", {}, 200),
    ("mentee", "home", {}, 200),
    ("coordinator", "home", {}, 200),
    ("hr_viewer", "home", {}, 200),
    ("site_admin", "home", {}, 200),
    ("mentor", "scheme", {"slug": "council"}, 200),
    ("hr_viewer", "dashboard:reports", {}, 200),
    ("site_admin", "dashboard:reports", {}, 200),
    ("hr_viewer", "dashboard:scheme_figures", {"slug": "council"}, 200),
    ("coordinator", "dashboard:reports", {}, 403),
    ("outsider", "scheme", {"slug": "council"}, 404),
    # --- scheme set-up: create, settings, open link, questions ---
    ("coordinator", "scheme", {"slug": "council"}, 200),
    ("mentee", "scheme", {"slug": "council"}, 200),
    ("coordinator", "schemes:create", {}, 200),
    ("outsider", "schemes:create", {}, 403),
    ("coordinator", "schemes:edit", {"slug": "council"}, 200),
    ("coordinator", "schemes:questions", {"slug": "council"}, 200),
    ("coordinator", "schemes:question_edit", {"slug": "council", "pk": "@question"}, 200),
    ("coordinator", "schemes:question_delete", {"slug": "council", "pk": "@question"}, 200),
    # --- invitations and the open application link ---
    ("coordinator", "schemes:invitations", {"slug": "council"}, 200),
    ("coordinator", "schemes:invitations_upload", {"slug": "council"}, 200),
    ("anonymous", "schemes:invitation", {"token": "@invitation.token"}, 200),
    ("outsider", "schemes:invitation", {"token": "@invitation.token"}, 200),
    ("anonymous", "schemes:open_apply", {"token": "@open_link"}, 200),
    ("outsider", "schemes:open_apply", {"token": "@open_link"}, 200),
    # --- the questionnaire and the participant's pages ---
    ("mentee", "schemes:my_schemes", {}, 200),
    ("outsider", "schemes:my_schemes", {}, 200),
    ("coordinator", "schemes:my_schemes", {}, 200),
    ("mentee", "schemes:application", {"pk": "@mentee_application"}, 200),
    ("mentee", "schemes:questionnaire_step", {"pk": "@mentee_application", "step": "about"}, 200),
    ("mentee", "schemes:questionnaire_step", {"pk": "@mentee_application", "step": "work"}, 200),
    (
        "mentee",
        "schemes:questionnaire_step",
        {"pk": "@mentee_application", "step": "preferences"},
        200,
    ),
    ("mentee", "schemes:questionnaire_step", {"pk": "@mentee_application", "step": "goals"}, 200),
    ("mentor", "schemes:questionnaire_step", {"pk": "@mentor_application", "step": "offer"}, 200),
    ("mentee", "schemes:application_withdraw", {"pk": "@mentee_application"}, 200),
    # --- application review ---
    ("coordinator", "schemes:applications", {"slug": "council"}, 200),
    (
        "coordinator",
        "schemes:application_detail",
        {"slug": "council", "pk": "@mentee_application"},
        200,
    ),
    (
        "coordinator",
        "schemes:application_detail",
        {"slug": "council", "pk": "@mentor_application"},
        200,
    ),
    # --- application import ---
    ("coordinator", "schemes:applications_import", {"slug": "council"}, 200),
    # --- matching ---
    ("coordinator", "matching:settings", {"slug": "council"}, 200),
    ("coordinator", "matching:settings_example", {"slug": "council"}, 200),
    ("coordinator", "matching:runs", {"slug": "council"}, 200),
    ("coordinator", "matching:run", {"slug": "council", "pk": "@match_run"}, 200),
    ("coordinator", "matching:run_publish", {"slug": "council", "pk": "@match_run"}, 200),
    ("coordinator", "matching:proposal", {"slug": "council", "pk": "@proposal"}, 200),
    ("coordinator", "matching:run_compare", {"slug": "council"}, 200),
    ("coordinator", "matching:unmatched", {"slug": "council", "pk": "@unmatched"}, 200),
    ("coordinator", "matching:scheme_mentorships", {"slug": "council"}, 200),
    # --- mentorships ---
    ("mentee", "matching:my_mentorships", {}, 200),
    ("outsider", "matching:my_mentorships", {}, 200),
    ("mentee", "matching:mentorship", {"pk": "@mentorship"}, 200),
    ("mentor", "matching:mentorship", {"pk": "@mentorship"}, 200),
    ("coordinator", "matching:mentorship", {"pk": "@mentorship"}, 200),
    ("outsider", "matching:mentorship", {"pk": "@mentorship"}, 404),
    ("mentee", "matching:mentorship_end", {"pk": "@mentorship"}, 200),
    ("coordinator", "matching:mentorship_end", {"pk": "@mentorship"}, 200),
    ("mentee", "matching:shortlist", {"pk": "@shortlist_application"}, 200),
    # --- agreements: the pair's page ---
    ("mentee", "agreements:pair", {"pk": "@active_mentorship"}, 200),
    ("mentor", "agreements:pair", {"pk": "@active_mentorship"}, 200),
    ("mentee", "agreements:pair", {"pk": "@goal.mentorship_id"}, 200),
    ("mentee", "agreements:pair", {"pk": "@concern.mentorship_id"}, 200),
    ("mentee", "agreements:concern_raise", {"pk": "@active_mentorship"}, 200),
    ("mentor", "agreements:concern_raise", {"pk": "@active_mentorship"}, 200),
    # --- agreements: the coordinator's pages ---
    ("coordinator", "agreements:scheme_pairs", {"slug": "council"}, 200),
    ("coordinator", "agreements:scheme_pairs", {"slug": "@scheme_with_pairs.slug"}, 200),
    (
        "coordinator",
        "agreements:scheme_pair",
        {"slug": "council", "pk": "@active_mentorship"},
        200,
    ),
    (
        "coordinator",
        "agreements:scheme_pair",
        {"slug": "@scheme_with_pairs.slug", "pk": "@active_mentorship"},
        200,
    ),
    (
        "coordinator",
        "agreements:stage_correct",
        {"slug": "council", "pk": "@active_mentorship"},
        200,
    ),
    ("coordinator", "agreements:concerns", {"slug": "council"}, 200),
    ("coordinator", "agreements:concerns", {"slug": "@scheme_with_pairs.slug"}, 200),
    ("coordinator", "agreements:concern", {"slug": "council", "pk": "@concern"}, 200),
    ("coordinator", "agreements:pair_settings", {"slug": "council"}, 200),
    ("coordinator", "scheme", {"slug": "@scheme_with_pairs.slug"}, 200),
    # --- agreements: the agreement ---
    ("mentee", "agreements:agreement", {"pk": "@active_mentorship"}, 200),
    ("mentee", "agreements:agreement", {"pk": "@agreement_draft.mentorship_id"}, 200),
    ("mentor", "agreements:agreement", {"pk": "@agreement_in_force_and_draft.mentorship_id"}, 200),
    ("mentee", "agreements:agreement_edit", {"pk": "@active_mentorship"}, 200),
    ("mentee", "agreements:agreement_edit", {"pk": "@agreement_draft.mentorship_id"}, 200),
    (
        "mentee",
        "agreements:agreement_compare",
        {"pk": "@agreement_in_force_and_draft.mentorship_id"},
        200,
    ),
    ("mentee", "agreements:agreement_compare", {"pk": "@agreement_draft.mentorship_id"}, 200),
    (
        "mentee",
        "agreements:agreement_version",
        {"pk": "@agreement_in_force_and_draft.mentorship_id", "number": 1},
        200,
    ),
    (
        "mentee",
        "agreements:agreement_print",
        {"pk": "@agreement_in_force_and_draft.mentorship_id", "number": 1},
        200,
    ),
    # --- agreements: goals and targets ---
    ("mentee", "agreements:goal_create", {"pk": "@agreement_draft.mentorship_id"}, 200),
    (
        "mentee",
        "agreements:goal",
        {"pk": "@active_mentorship", "goal": "@progress_entry.goal_id"},
        200,
    ),
    ("mentor", "agreements:goal", {"pk": "@active_mentorship", "goal": "@goal"}, 200),
    ("mentee", "agreements:goal_edit", {"pk": "@active_mentorship", "goal": "@goal"}, 200),
    ("mentee", "agreements:target_create", {"pk": "@active_mentorship", "goal": "@goal"}, 200),
    (
        "mentee",
        "agreements:target_edit",
        {"pk": "@active_mentorship", "goal": "@goal", "target": "@target"},
        200,
    ),
    # --- sessions: reflections ---
    (
        "mentee",
        "sessions:reflection",
        {"pk": "@active_mentorship", "session": "@held_session", "kind": "mentee_after"},
        200,
    ),
    (
        "mentee",
        "sessions:reflection",
        {"pk": "@active_mentorship", "session": "@planned_session", "kind": "mentee_before"},
        200,
    ),
    (
        "mentor",
        "sessions:reflection",
        {"pk": "@active_mentorship", "session": "@reflections_shared", "kind": "mentor_checklist"},
        200,
    ),
    (
        "mentee",
        "sessions:reflection",
        {"pk": "@active_mentorship", "session": "@planned_session", "kind": "mentee_after"},
        200,
    ),
    ("mentee", "sessions:pairing_check", {"pk": "@active_mentorship"}, 200),
    ("mentor", "sessions:pairing_check", {"pk": "@pairing_no"}, 200),
    # The pages the panels join: the steps and the early check on the pair's page, the
    # early check and the average pulse on the coordinators'.
    ("mentor", "agreements:pair", {"pk": "@pairing_no"}, 200),
    ("mentee", "agreements:pair", {"pk": "@pairing_no"}, 200),
    ("coordinator", "agreements:scheme_pair", {"slug": "council", "pk": "@pairing_no"}, 200),
    # --- sessions: evaluations ---
    ("mentee", "sessions:evaluations", {"pk": "@active_mentorship"}, 200),
    ("mentee", "sessions:evaluations", {"pk": "@evaluated_pair"}, 200),
    ("mentor", "sessions:evaluations", {"pk": "@evaluated_pair"}, 200),
    ("mentee", "sessions:evaluation", {"pk": "@active_mentorship", "milestone": "baseline"}, 200),
    ("mentor", "sessions:evaluation", {"pk": "@active_mentorship", "milestone": "baseline"}, 200),
    ("mentor", "sessions:evaluation", {"pk": "@active_mentorship", "milestone": "mid"}, 200),
    ("mentee", "sessions:evaluation", {"pk": "@wind_up_pair", "milestone": "end"}, 200),
    ("mentee", "sessions:evaluation", {"pk": "@evaluated_pair", "milestone": "end"}, 200),
    ("mentor", "sessions:evaluation", {"pk": "@evaluated_pair", "milestone": "end"}, 200),
    ("mentee", "sessions:final_review", {"pk": "@wind_up_pair"}, 200),
    ("mentor", "sessions:final_review", {"pk": "@final_review.mentorship_id"}, 200),
    ("mentee", "sessions:final_review", {"pk": "@active_mentorship"}, 200),
    ("coordinator", "sessions:session_settings", {"slug": "council"}, 200),
    ("coordinator", "agreements:scheme_pair", {"slug": "council", "pk": "@evaluated_pair"}, 200),
    # --- sessions: sessions ---
    ("mentee", "sessions:session_list", {"pk": "@active_mentorship"}, 200),
    ("mentor", "sessions:session_list", {"pk": "@held_session.mentorship_id"}, 200),
    ("mentee", "sessions:session_plan", {"pk": "@active_mentorship"}, 200),
    ("mentee", "sessions:session_log", {"pk": "@active_mentorship"}, 200),
    (
        "mentee",
        "sessions:session",
        {"pk": "@active_mentorship", "session": "@planned_session"},
        200,
    ),
    ("mentor", "sessions:session", {"pk": "@active_mentorship", "session": "@held_session"}, 200),
    (
        "mentee",
        "sessions:session",
        {"pk": "@active_mentorship", "session": "@session_action.session_id"},
        200,
    ),
    (
        "mentee",
        "sessions:session_edit",
        {"pk": "@active_mentorship", "session": "@planned_session"},
        200,
    ),
    (
        "mentor",
        "sessions:session_cancel",
        {"pk": "@active_mentorship", "session": "@planned_session"},
        200,
    ),
    (
        "mentee",
        "sessions:session_agenda",
        {"pk": "@active_mentorship", "session": "@planned_session"},
        200,
    ),
    (
        "mentor",
        "sessions:session_summary",
        {"pk": "@active_mentorship", "session": "@held_session"},
        200,
    ),
    ("mentee", "agreements:pair", {"pk": "@planned_session.mentorship_id"}, 200),
    # --- reminders: the coordinators' reminder settings and at-risk queue ---
    ("coordinator", "sessions:reminder_settings", {"slug": "council"}, 200),
    ("coordinator", "sessions:reminder_settings", {"slug": "@failed_reminder_scheme.slug"}, 200),
    ("coordinator", "sessions:at_risk", {"slug": "council"}, 200),
    ("coordinator", "sessions:at_risk", {"slug": "@scheme_with_pairs.slug"}, 200),
    ("coordinator", "sessions:at_risk", {"slug": "@handled_risk_scheme.slug"}, 200),
    ("coordinator", "scheme", {"slug": "@scheme_with_pairs.slug"}, 200),
    # --- reminders: notifications ---
    ("mentee", "sessions:notifications", {}, 200),
    ("coordinator", "sessions:notifications", {}, 200),
    ("mentee", "sessions:notification_settings", {}, 200),
    ("coordinator", "sessions:notification_settings", {}, 200),
    ("outsider", "sessions:notification_settings", {}, 200),
    ("anonymous", "sessions:unsubscribe", {"token": "@unsubscribe_token_value"}, 200),
    ("mentee", "sessions:unsubscribe", {"token": "@unsubscribe_token_value"}, 200),
    ("anonymous", "sessions:unsubscribe", {"token": "not-a-token"}, 400),
    # --- reports: impact report and HR overview ---
    ("coordinator", "dashboard:scheme_impact", {"slug": "council"}, 200),
    ("hr_viewer", "dashboard:scheme_impact", {"slug": "council"}, 200),
    ("coordinator", "dashboard:impact", {}, 200),
    ("hr_viewer", "dashboard:impact", {}, 200),
    ("site_admin", "dashboard:impact", {}, 200),
    ("outsider", "dashboard:impact", {}, 403),
    # --- reports: the coordinator's dashboard ---
    ("coordinator", "dashboard:scheme_dashboard", {"slug": "council"}, 200),
    ("coordinator", "dashboard:scheme_dashboard", {"slug": "@scheme_with_pairs.slug"}, 200),
    # --- reports: exports ---
    ("coordinator", "dashboard:export", {"report": "no-such-report"}, 404),
    ("mentee", "dashboard:export", {"report": "participants"}, 403),
    ("hr_viewer", "dashboard:export_job", {"uid": "@hr_export_job.uid"}, 200),
    ("hr_viewer", "dashboard:export_job", {"uid": "@expired_export_job.uid"}, 200),
    ("hr_viewer", "dashboard:export_download", {"uid": "@expired_export_job.uid"}, 410),
    # --- your data (issue 18) ---
    ("outsider", "privacy:data", {}, 200),
    ("mentee", "privacy:data_download", {"uid": "@expired_mentee_data_export.uid"}, 410),
    # --- the audit trail (issue 18) ---
    ("site_admin", "privacy:audit", {}, 200),
    ("coordinator", "privacy:audit", {}, 403),
    # --- retention and the privacy page (issue 18)
    ("anonymous", "privacy:privacy", {}, 200),
    ("mentee", "privacy:privacy", {}, 200),
    ("coordinator", "privacy:privacy", {}, 200),
    ("hr_viewer", "privacy:privacy", {}, 200),
    ("site_admin", "privacy:privacy", {}, 200),
    # --- erasure (issue 18) ---
    ("mentee", "privacy:erasure", {}, 200),
    ("coordinator", "privacy:erasure", {}, 200),
    ("anonymous", "privacy:erasure_done", {}, 200),
    ("coordinator", "privacy:erasure_requests", {"slug": "council"}, 200),
    ("site_admin", "privacy:erasure_requests_all", {}, 200),
]


@pytest.fixture
def agreement_in_force_and_draft(agreement_draft, mentee, mentor):
    """Version 1 signed by both and in force, and version 2, a draft changing it that the
    mentor has signed: every part of the agreement's pages has something to show."""
    from agreements.services.agreement import agreement_draft_save, agreement_sign

    for user in (mentee, mentor):
        agreement_sign(
            mentorship=agreement_draft.mentorship,
            user=user,
            typed_name=user.display_name,
            content_hash=agreement_draft.content_hash,
        )
    agreement_draft.refresh_from_db()
    draft = agreement_draft_save(
        mentorship=agreement_draft.mentorship,
        user=mentor,
        content={"purpose": "Grow into a department leader role.", "review": "Monthly"},
        base_number=agreement_draft.number,
        base_revision=agreement_draft.revision,
    ).version
    agreement_sign(
        mentorship=draft.mentorship,
        user=mentor,
        typed_name=mentor.display_name,
        content_hash=draft.content_hash,
    )
    return draft


@pytest.fixture
def reflections_shared(held_session, mentee, mentor):
    """Both have written on the held session and shared it: the mentor's checklist
    page shows its form and the mentee's shared reflection."""
    from sessions.services.reflections import reflection_save

    reflection_save(
        session=held_session,
        user=mentee,
        kind="mentee_after",
        answers={"useful": "The role play", "focus_more": "Budgets"},
        shared=True,
    )
    reflection_save(
        session=held_session,
        user=mentor,
        kind="mentor_checklist",
        answers={"rapport": "yes", "note": "A good start"},
        shared=False,
    )
    return held_session


@pytest.fixture
def pairing_no(held_session, mentor):
    """The mentor answered "no" after the first session: the page offers the ending."""
    from sessions.services.reflections import pairing_check_answer

    pairing_check_answer(mentorship=held_session.mentorship, user=mentor, working=False)
    return held_session.mentorship


# --- reminders: the coordinators' reminder settings and at-risk queue ---


@pytest.fixture
def failed_reminder_scheme(active_mentorship, mentee):
    """``scheme`` with a reminder e-mail the outbox gave up sending."""
    from mentoring.models import OutboxMessage
    from sessions.models import Reminder

    reminder = Reminder.objects.create(
        kind="evaluation_due",
        scheme=active_mentorship.scheme,
        recipient=f"user:{mentee.pk}",
        user=mentee,
        subject_type="mentorship",
        subject_id=active_mentorship.pk,
        mentorship=active_mentorship,
        occasion="baseline",
    )
    OutboxMessage.objects.create(
        handler="sessions.reminder",
        payload={"reminder_id": reminder.pk},
        subject_type="reminder",
        subject_id=reminder.pk,
        scheme_id=active_mentorship.scheme_id,
        status=OutboxMessage.Status.FAILED,
        attempts=7,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    return active_mentorship.scheme


@pytest.fixture
def handled_risk_scheme(concern, coordinator):
    """``scheme`` with a concern's flag handled and noted, and a new concern open."""
    from agreements.services.concerns import concern_raise
    from sessions.services.reminders import risk_handle

    risk_handle(
        coordinator=coordinator,
        mentorship=concern.mentorship,
        reason="concern_open",
        situation=str(concern.pk),
        note="Called the mentee.",
        handled=True,
    )
    concern_raise(
        mentorship=concern.mentorship,
        user=concern.mentorship.mentor,
        topic="fit",
        text="Not helping.",
    )
    return concern.mentorship.scheme


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "name", "kwargs", "status"),
    PAGES,
    ids=[f"{name}-{role}-{status}" for role, name, _, status in PAGES],
)
def test_page_is_accessible_and_csp_clean(
    client, request, scheme, coordinator, mentor, mentee, role, name, kwargs, status
):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(name, kwargs=resolve_kwargs(request, kwargs)))
    assert response.status_code == status
    assert_accessible_page(Page(response.content.decode()))
