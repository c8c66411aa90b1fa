"""Who gets what, for every URL: the URL x role x status matrix.

A new view is not done until it has its rows here. ``test_every_url_is_in_the_matrix``
fails when one of the project's own URL names has no row.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import resolve_kwargs

ROLES = [
    "anonymous",
    "outsider",
    "mentee",
    "mentor",
    "coordinator",
    "other_coordinator",
    "hr_viewer",
    "site_admin",
]

LOGIN = "login"  # a redirect to the sign-in page

# url name, kwargs, {role: expected status}; roles left out expect the "*" entry.
# A kwarg value "@fixture" or "@fixture.attribute" is read from that fixture (its pk when
# no attribute is named), e.g. {"pk": "@mentee_application"}; see tests/conftest.py.
MATRIX = [
    ("home", {}, {"*": 200}),
    ("health", {}, {"*": 200}),
    (
        "scheme",
        {"slug": "council"},
        {
            "anonymous": LOGIN,
            "outsider": 404,
            "mentee": 200,
            "mentor": 200,
            "coordinator": 200,
            "other_coordinator": 404,
            "hr_viewer": 404,
            "site_admin": 404,
        },
    ),
    ("scheme", {"slug": "no-such-scheme"}, {"anonymous": LOGIN, "*": 404}),
    (
        "dashboard:reports",
        {},
        {"anonymous": LOGIN, "hr_viewer": 200, "site_admin": 200, "*": 403},
    ),
    (
        "dashboard:scheme_figures",
        {"slug": "council"},
        {"anonymous": LOGIN, "hr_viewer": 200, "site_admin": 200, "*": 403},
    ),
    (
        "dashboard:scheme_figures",
        {"slug": "no-such-scheme"},
        {"anonymous": LOGIN, "hr_viewer": 404, "site_admin": 404, "*": 403},
    ),
    ("account_login", {}, {"anonymous": 200, "*": 302}),
    ("account_signup", {}, {"anonymous": 200, "*": 302}),
    ("account_reset_password", {}, {"*": 200}),
    ("account_logout", {}, {"anonymous": 302, "*": 200}),
    ("account_email", {}, {"anonymous": LOGIN, "*": 200}),
    ("account_change_password", {}, {"anonymous": LOGIN, "*": 200}),
    ("mfa_index", {}, {"anonymous": LOGIN, "*": 200}),
    ("socialaccount_connections", {}, {"anonymous": LOGIN, "*": 200}),
    ("admin:index", {}, {"site_admin": 200, "*": 302}),
    # Signed in through allauth; staff go on to the admin, anyone else is refused.
    ("admin:login", {}, {"anonymous": LOGIN, "site_admin": 302, "*": 200}),
    # --- scheme set-up: create, settings, open link, questions ---
    (
        "schemes:create",
        {},
        {
            "anonymous": LOGIN,
            "coordinator": 200,
            "other_coordinator": 200,
            "site_admin": 200,
            "*": 403,
        },
    ),
    ("schemes:edit", {"slug": "council"}, {"anonymous": LOGIN, "coordinator": 200, "*": 404}),
    ("schemes:edit", {"slug": "no-such-scheme"}, {"anonymous": LOGIN, "*": 404}),
    # POST only: the scheme is loaded first, so only its coordinators learn the method.
    ("schemes:open_link", {"slug": "council"}, {"anonymous": LOGIN, "coordinator": 405, "*": 404}),
    ("schemes:questions", {"slug": "council"}, {"anonymous": LOGIN, "coordinator": 200, "*": 404}),
    (
        "schemes:question_edit",
        {"slug": "council", "pk": "@question"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "schemes:question_edit",
        {"slug": "council", "pk": 999999},
        {"anonymous": LOGIN, "*": 404},
    ),
    (
        "schemes:question_delete",
        {"slug": "council", "pk": "@question"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "schemes:question_move",
        {"slug": "council", "pk": "@question"},
        {"anonymous": LOGIN, "coordinator": 405, "*": 404},
    ),
    # --- invitations and the open application link ---
    *[
        (
            name,
            kwargs,
            {
                "anonymous": LOGIN,
                "coordinator": status,
                "*": 404,
            },
        )
        for name, kwargs, status in [
            ("schemes:invitations", {"slug": "council"}, 200),
            ("schemes:invitations_upload", {"slug": "council"}, 200),
            # POST only: the scheme and the invitation are checked before the method.
            ("schemes:invitation_resend", {"slug": "council", "pk": "@invitation"}, 405),
            ("schemes:invitation_revoke", {"slug": "council", "pk": "@invitation"}, 405),
            ("schemes:invitation_resend", {"slug": "council", "pk": 999999}, 404),
            ("schemes:invitation_revoke", {"slug": "council", "pk": 999999}, 404),
            # "Send again" on a failed e-mail: POST only, for the scheme's coordinators.
            ("schemes:email_resend", {"slug": "council", "pk": "@failed_email"}, 405),
            ("schemes:email_resend", {"slug": "council", "pk": 999999}, 404),
        ]
    ],
    ("schemes:invitations", {"slug": "no-such-scheme"}, {"anonymous": LOGIN, "*": 404}),
    # Another scheme's coordinator cannot reach this scheme's e-mail through their own.
    (
        "schemes:email_resend",
        {"slug": "another", "pk": "@failed_email"},
        {"anonymous": LOGIN, "*": 404},
    ),
    # The link in the e-mail and the open link are for anyone who has them.
    ("schemes:invitation", {"token": "@invitation.token"}, {"*": 200}),
    ("schemes:invitation", {"token": "no-such-token"}, {"*": 404}),
    ("schemes:open_apply", {"token": "@open_link"}, {"*": 200}),
    ("schemes:open_apply", {"token": "no-such-link"}, {"*": 404}),
    # --- the questionnaire and the participant's pages ---
    ("schemes:my_schemes", {}, {"anonymous": LOGIN, "*": 200}),
    (
        "schemes:application",
        {"pk": "@mentee_application"},
        {"anonymous": LOGIN, "mentee": 200, "*": 404},
    ),
    (
        "schemes:questionnaire_step",
        {"pk": "@mentee_application", "step": "about"},
        {"anonymous": LOGIN, "mentee": 200, "*": 404},
    ),
    (
        "schemes:questionnaire_step",
        {"pk": "@mentee_application", "step": "offer"},  # a mentor's step
        {"anonymous": LOGIN, "*": 404},
    ),
    (
        "schemes:questionnaire_step",
        {"pk": "@mentor_application", "step": "offer"},
        {"anonymous": LOGIN, "mentor": 200, "*": 404},
    ),
    (
        "schemes:application_withdraw",
        {"pk": "@mentee_application"},
        {"anonymous": LOGIN, "mentee": 200, "*": 404},
    ),
    # --- application review ---
    (
        "schemes:applications",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    # POST only: the scheme is loaded first, so only its coordinators learn the method.
    (
        "schemes:applications_decide",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 405, "*": 404},
    ),
    (
        "schemes:applications_export",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "schemes:application_detail",
        {"slug": "council", "pk": "@mentee_application"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "schemes:application_detail",
        {"slug": "another", "pk": "@mentee_application"},
        {"anonymous": LOGIN, "*": 404},
    ),
    # --- application import ---
    (
        "schemes:applications_import",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "schemes:applications_import_template",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    # Nothing kept from an import in this session: the coordinator is sent to the import.
    (
        "schemes:applications_import_rejected",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 302, "*": 404},
    ),
    # --- matching: settings, runs and proposals (coordinators of the scheme only) ---
    # POST only: the scheme is loaded first, so only its coordinators learn the method.
    (
        "matching:settings",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "matching:settings_example",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "matching:runs",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "matching:runs",
        {"slug": "another"},
        {"anonymous": LOGIN, "other_coordinator": 200, "*": 404},
    ),
    (
        "matching:run_start",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 405, "*": 404},
    ),
    (
        "matching:run_compare",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "matching:run",
        {"slug": "council", "pk": "@match_run"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "matching:run",
        {"slug": "another", "pk": "@match_run"},
        {"anonymous": LOGIN, "*": 404},
    ),
    (
        "matching:run_progress",
        {"slug": "council", "pk": "@match_run"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "matching:run_rerun",
        {"slug": "council", "pk": "@match_run"},
        {"anonymous": LOGIN, "coordinator": 405, "*": 404},
    ),
    (
        "matching:run_cancel",
        {"slug": "council", "pk": "@match_run"},
        {"anonymous": LOGIN, "coordinator": 405, "*": 404},
    ),
    (
        "matching:run_cancel",
        {"slug": "another", "pk": "@match_run"},
        {"anonymous": LOGIN, "*": 404},
    ),
    (
        "matching:run_publish",
        {"slug": "council", "pk": "@match_run"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "matching:proposal",
        {"slug": "council", "pk": "@proposal"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "matching:proposal",
        {"slug": "another", "pk": "@proposal"},
        {"anonymous": LOGIN, "*": 404},
    ),
    (
        "matching:proposal_swap",
        {"slug": "council", "pk": "@proposal"},
        {"anonymous": LOGIN, "coordinator": 405, "*": 404},
    ),
    (
        "matching:proposal_remove",
        {"slug": "council", "pk": "@proposal"},
        {"anonymous": LOGIN, "coordinator": 405, "*": 404},
    ),
    (
        "matching:proposal_pin",
        {"slug": "council", "pk": "@proposal"},
        {"anonymous": LOGIN, "coordinator": 405, "*": 404},
    ),
    (
        "matching:unmatched",
        {"slug": "council", "pk": "@unmatched"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "matching:unmatched",
        {"slug": "another", "pk": "@unmatched"},
        {"anonymous": LOGIN, "*": 404},
    ),
    # --- mentorships: the pair, and the coordinators of its scheme ---
    (
        "matching:my_mentorships",
        {},
        {"anonymous": LOGIN, "*": 200},
    ),
    (
        "matching:mentorship",
        {"pk": "@mentorship"},
        {"anonymous": LOGIN, "mentee": 200, "mentor": 200, "coordinator": 200, "*": 404},
    ),
    (
        "matching:mentorship_reply",
        {"pk": "@mentorship"},
        {"anonymous": LOGIN, "mentee": 405, "mentor": 405, "coordinator": 405, "*": 404},
    ),
    (
        "matching:mentorship_share",
        {"pk": "@mentorship"},
        {"anonymous": LOGIN, "mentee": 405, "mentor": 405, "coordinator": 405, "*": 404},
    ),
    (
        "matching:mentorship_end",
        {"pk": "@mentorship"},
        {"anonymous": LOGIN, "mentee": 200, "mentor": 200, "coordinator": 200, "*": 404},
    ),
    (
        "matching:shortlist",
        {"pk": "@shortlist_application"},
        {"anonymous": LOGIN, "mentee": 200, "*": 404},
    ),
    (
        "matching:shortlist",
        {"pk": "@mentee_application"},
        {"anonymous": LOGIN, "*": 404},
    ),
    (
        "matching:scheme_mentorships",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "matching:scheme_mentorships",
        {"slug": "another"},
        {"anonymous": LOGIN, "other_coordinator": 200, "*": 404},
    ),
    # --- agreements: the pair's page ---
    (
        "agreements:pair",
        {"pk": "@active_mentorship"},
        {"anonymous": LOGIN, "mentee": 200, "mentor": 200, "*": 404},
    ),
    # Before the mentorship starts there is no pair's page, even for the pair.
    ("agreements:pair", {"pk": "@mentorship"}, {"anonymous": LOGIN, "*": 404}),
    ("agreements:pair", {"pk": 999999}, {"anonymous": LOGIN, "*": 404}),
    # POST only: the pair is resolved first, so only the pair learns the method.
    (
        "agreements:stage_advance",
        {"pk": "@active_mentorship"},
        {"anonymous": LOGIN, "mentee": 405, "mentor": 405, "*": 404},
    ),
    (
        "agreements:concern_raise",
        {"pk": "@active_mentorship"},
        {"anonymous": LOGIN, "mentee": 200, "mentor": 200, "*": 404},
    ),
    ("agreements:concern_raise", {"pk": "@mentorship"}, {"anonymous": LOGIN, "*": 404}),
    # --- agreements: the agreement ---
    # The pair only: their coordinators, HR and admins get 404 like anyone else.
    *[
        (
            name,
            kwargs,
            {"anonymous": LOGIN, "mentee": status, "mentor": status, "*": 404},
        )
        for name, kwargs, status in [
            ("agreements:agreement", {"pk": "@active_mentorship"}, 200),
            ("agreements:agreement_edit", {"pk": "@active_mentorship"}, 200),
            # POST only: the pair is resolved first, so only its members learn the method.
            ("agreements:agreement_sign", {"pk": "@active_mentorship"}, 405),
            ("agreements:agreement_compare", {"pk": "@active_mentorship"}, 200),
            (
                "agreements:agreement_version",
                {"pk": "@active_mentorship", "number": "@agreement_draft.number"},
                200,
            ),
            (
                "agreements:agreement_print",
                {"pk": "@active_mentorship", "number": "@agreement_draft.number"},
                200,
            ),
            # A proposed mentorship has no pair's space yet.
            ("agreements:agreement", {"pk": "@mentorship"}, 404),
            # A version the pair does not have.
            (
                "agreements:agreement_version",
                {"pk": "@active_mentorship", "number": 999},
                404,
            ),
        ]
    ],
    # --- agreements: goals and targets ---
    (
        "agreements:goal_create",
        {"pk": "@active_mentorship"},
        {"anonymous": LOGIN, "mentee": 200, "mentor": 200, "*": 404},
    ),
    (
        "agreements:goal",
        {"pk": "@active_mentorship", "goal": "@goal"},
        {"anonymous": LOGIN, "mentee": 200, "mentor": 200, "*": 404},
    ),
    (
        "agreements:goal_edit",
        {"pk": "@active_mentorship", "goal": "@goal"},
        {"anonymous": LOGIN, "mentee": 200, "mentor": 200, "*": 404},
    ),
    (
        "agreements:goal_status",
        {"pk": "@active_mentorship", "goal": "@goal"},
        {"anonymous": LOGIN, "mentee": 405, "mentor": 405, "*": 404},
    ),
    (
        "agreements:goal_share",
        {"pk": "@active_mentorship", "goal": "@goal"},
        {"anonymous": LOGIN, "mentee": 405, "mentor": 405, "*": 404},
    ),
    (
        "agreements:progress_record",
        {"pk": "@active_mentorship", "goal": "@goal"},
        {"anonymous": LOGIN, "mentee": 405, "mentor": 405, "*": 404},
    ),
    (
        "agreements:target_create",
        {"pk": "@active_mentorship", "goal": "@goal"},
        {"anonymous": LOGIN, "mentee": 200, "mentor": 200, "*": 404},
    ),
    (
        "agreements:target_edit",
        {"pk": "@active_mentorship", "goal": "@goal", "target": "@target"},
        {"anonymous": LOGIN, "mentee": 200, "mentor": 200, "*": 404},
    ),
    (
        "agreements:target_status",
        {"pk": "@active_mentorship", "goal": "@goal", "target": "@target"},
        {"anonymous": LOGIN, "mentee": 405, "mentor": 405, "*": 404},
    ),
    # A goal that does not exist, and a target of no goal of the pair: 404 for everyone.
    (
        "agreements:goal",
        {"pk": "@active_mentorship", "goal": 999999},
        {"anonymous": LOGIN, "*": 404},
    ),
    (
        "agreements:target_edit",
        {"pk": "@active_mentorship", "goal": "@goal", "target": 999999},
        {"anonymous": LOGIN, "*": 404},
    ),
    # --- agreements: the coordinator's pages ---
    (
        "agreements:scheme_pairs",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "agreements:scheme_pairs",
        {"slug": "another"},
        {"anonymous": LOGIN, "other_coordinator": 200, "*": 404},
    ),
    (
        "agreements:scheme_pair",
        {"slug": "council", "pk": "@active_mentorship"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    # Another scheme's pair, through that scheme's own address: still 404.
    (
        "agreements:scheme_pair",
        {"slug": "another", "pk": "@active_mentorship"},
        {"anonymous": LOGIN, "*": 404},
    ),
    # Not started yet: no pair to see.
    (
        "agreements:scheme_pair",
        {"slug": "council", "pk": "@mentorship"},
        {"anonymous": LOGIN, "*": 404},
    ),
    (
        "agreements:stage_correct",
        {"slug": "council", "pk": "@active_mentorship"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "agreements:stage_correct",
        {"slug": "another", "pk": "@active_mentorship"},
        {"anonymous": LOGIN, "*": 404},
    ),
    (
        "agreements:concerns",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "agreements:concerns",
        {"slug": "another"},
        {"anonymous": LOGIN, "other_coordinator": 200, "*": 404},
    ),
    (
        "agreements:concern",
        {"slug": "council", "pk": "@concern"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "agreements:concern",
        {"slug": "another", "pk": "@concern"},
        {"anonymous": LOGIN, "*": 404},
    ),
    (
        "agreements:pair_settings",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "agreements:pair_settings",
        {"slug": "another"},
        {"anonymous": LOGIN, "other_coordinator": 200, "*": 404},
    ),
    # --- sessions: reflections ---
    # Each person's own: the pair only, and a kind the viewer does not write is 404.
    (
        "sessions:reflection",
        {"pk": "@active_mentorship", "session": "@held_session", "kind": "mentee_after"},
        {"anonymous": LOGIN, "mentee": 200, "*": 404},
    ),
    (
        "sessions:reflection",
        {"pk": "@active_mentorship", "session": "@held_session", "kind": "mentor_checklist"},
        {"anonymous": LOGIN, "mentor": 200, "*": 404},
    ),
    (
        "sessions:reflection",
        {"pk": "@active_mentorship", "session": "@planned_session", "kind": "mentee_before"},
        {"anonymous": LOGIN, "mentee": 200, "*": 404},
    ),
    (
        "sessions:reflection",
        {"pk": "@active_mentorship", "session": "@held_session", "kind": "no-such-kind"},
        {"anonymous": LOGIN, "*": 404},
    ),
    (
        "sessions:reflection",
        {"pk": "@active_mentorship", "session": 999999, "kind": "mentee_after"},
        {"anonymous": LOGIN, "*": 404},
    ),
    # POST only: the pair is resolved first, so only the pair learns the method.
    (
        "sessions:pulse",
        {"pk": "@active_mentorship", "session": "@held_session"},
        {"anonymous": LOGIN, "mentee": 405, "mentor": 405, "*": 404},
    ),
    (
        "sessions:pairing_check",
        {"pk": "@active_mentorship"},
        {"anonymous": LOGIN, "mentee": 200, "mentor": 200, "*": 404},
    ),
    ("sessions:pairing_check", {"pk": "@mentorship"}, {"anonymous": LOGIN, "*": 404}),
    # --- sessions: evaluations ---
    # The pair only: their coordinators, HR and admins get 404 like anyone else.
    *[
        (name, kwargs, {"anonymous": LOGIN, "mentee": status, "mentor": status, "*": 404})
        for name, kwargs, status in [
            ("sessions:evaluations", {"pk": "@active_mentorship"}, 200),
            ("sessions:evaluations", {"pk": "@evaluated_pair"}, 200),
            ("sessions:evaluation", {"pk": "@active_mentorship", "milestone": "baseline"}, 200),
            ("sessions:evaluation", {"pk": "@active_mentorship", "milestone": "mid"}, 200),
            ("sessions:evaluation", {"pk": "@wind_up_pair", "milestone": "end"}, 200),
            ("sessions:evaluation", {"pk": "@active_mentorship", "milestone": "later"}, 404),
            ("sessions:final_review", {"pk": "@wind_up_pair"}, 200),
            ("sessions:final_review", {"pk": "@final_review.mentorship_id"}, 200),
            # A proposed mentorship has no pair's space yet.
            ("sessions:evaluations", {"pk": "@mentorship"}, 404),
            ("sessions:final_review", {"pk": 999999}, 404),
        ]
    ],
    (
        "sessions:session_settings",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "sessions:session_settings",
        {"slug": "another"},
        {"anonymous": LOGIN, "other_coordinator": 200, "*": 404},
    ),
    ("sessions:session_settings", {"slug": "no-such-scheme"}, {"anonymous": LOGIN, "*": 404}),
    # --- sessions: sessions ---
    # The pair only: their coordinators, HR and admins get 404 like anyone else; the
    # POST-only ones answer 405 to the pair's GET (the pair is resolved first).
    *[
        (
            name,
            kwargs,
            {"anonymous": LOGIN, "mentee": status, "mentor": status, "*": 404},
        )
        for name, kwargs, status in [
            ("sessions:session_list", {"pk": "@active_mentorship"}, 200),
            ("sessions:session_plan", {"pk": "@active_mentorship"}, 200),
            ("sessions:session_log", {"pk": "@active_mentorship"}, 200),
            ("sessions:session", {"pk": "@active_mentorship", "session": "@planned_session"}, 200),
            ("sessions:session", {"pk": "@active_mentorship", "session": "@held_session"}, 200),
            (
                "sessions:session_edit",
                {"pk": "@active_mentorship", "session": "@planned_session"},
                200,
            ),
            (
                "sessions:session_cancel",
                {"pk": "@active_mentorship", "session": "@planned_session"},
                200,
            ),
            (
                "sessions:session_status",
                {"pk": "@active_mentorship", "session": "@planned_session"},
                405,
            ),
            (
                "sessions:session_agenda",
                {"pk": "@active_mentorship", "session": "@planned_session"},
                200,
            ),
            (
                "sessions:session_summary",
                {"pk": "@active_mentorship", "session": "@held_session"},
                200,
            ),
            (
                "sessions:session_calendar",
                {"pk": "@active_mentorship", "session": "@planned_session"},
                200,
            ),
            (
                "sessions:action_status",
                {"pk": "@active_mentorship", "action": "@session_action"},
                405,
            ),
            # A proposed mentorship has no sessions; a session that does not exist.
            ("sessions:session_list", {"pk": "@mentorship"}, 404),
            ("sessions:session", {"pk": "@active_mentorship", "session": 999999}, 404),
            # POST only: the method is answered before the action is looked up.
            ("sessions:action_status", {"pk": "@active_mentorship", "action": 999999}, 405),
        ]
    ],
    # --- reminders: the coordinators' reminder settings and at-risk queue ---
    # The scheme's coordinators only, as the session settings: everyone else, the other
    # scheme's coordinator, HR, admins and the pair included, gets 404.
    *[
        (name, {"slug": "council"}, {"anonymous": LOGIN, "coordinator": 200, "*": 404})
        for name in ("sessions:reminder_settings", "sessions:at_risk")
    ],
    *[
        (name, {"slug": "another"}, {"anonymous": LOGIN, "other_coordinator": 200, "*": 404})
        for name in ("sessions:reminder_settings", "sessions:at_risk")
    ],
    *[
        (name, {"slug": "no-such-scheme"}, {"anonymous": LOGIN, "*": 404})
        for name in ("sessions:reminder_settings", "sessions:at_risk")
    ],
    # POST only: the pair is loaded within the scheme first, so only its coordinators
    # learn the method; another scheme's pair, or none, is 404 to everyone.
    (
        "sessions:at_risk_handle",
        {"slug": "council", "pk": "@concern.mentorship_id"},
        {"anonymous": LOGIN, "coordinator": 405, "*": 404},
    ),
    (
        "sessions:at_risk_handle",
        {"slug": "council", "pk": "@mentorship"},
        {"anonymous": LOGIN, "coordinator": 405, "*": 404},
    ),
    (
        "sessions:at_risk_handle",
        {"slug": "another", "pk": "@concern.mentorship_id"},
        {"anonymous": LOGIN, "*": 404},
    ),
    (
        "sessions:at_risk_handle",
        {"slug": "council", "pk": 999999},
        {"anonymous": LOGIN, "*": 404},
    ),
    # --- reminders: notifications ---
    # Each person's own: the list, the settings, marking all read (POST only).
    ("sessions:notifications", {}, {"anonymous": LOGIN, "*": 200}),
    ("sessions:notification_settings", {}, {"anonymous": LOGIN, "*": 200}),
    ("sessions:notifications_read", {}, {"anonymous": LOGIN, "*": 405}),
    # The mentee's notification: hers alone; opening it leads to the session's agenda.
    (
        "sessions:notification_open",
        {"pk": "@mentee_reminder"},
        {"anonymous": LOGIN, "mentee": 302, "*": 404},
    ),
    ("sessions:notification_open", {"pk": 999999}, {"anonymous": LOGIN, "*": 404}),
    # The link in the e-mail works for whoever holds it; a GET changes nothing.
    ("sessions:unsubscribe", {"token": "@unsubscribe_token_value"}, {"*": 200}),
    ("sessions:unsubscribe", {"token": "not-a-token"}, {"*": 400}),
    # --- reports: impact report and HR overview ---
    # One scheme's impact: its coordinators and HR (superusers too); 404 for anyone else.
    (
        "dashboard:scheme_impact",
        {"slug": "council"},
        {
            "anonymous": LOGIN,
            "coordinator": 200,
            "hr_viewer": 200,
            "site_admin": 200,
            "*": 404,
        },
    ),
    # The other scheme (made with its coordinator): theirs, not council's coordinator's.
    (
        "dashboard:scheme_impact",
        {"slug": "another"},
        {"anonymous": LOGIN, "other_coordinator": 200, "*": 404},
    ),
    ("dashboard:scheme_impact", {"slug": "no-such-scheme"}, {"anonymous": LOGIN, "*": 404}),
    # Across schemes: HR and superusers all, a coordinator theirs; anyone else 403.
    (
        "dashboard:impact",
        {},
        {
            "anonymous": LOGIN,
            "coordinator": 200,
            "other_coordinator": 200,
            "hr_viewer": 200,
            "site_admin": 200,
            "*": 403,
        },
    ),
    # HR's overview with its impact figures: report viewers only.
    (
        "dashboard:reports",
        {},
        {"anonymous": LOGIN, "hr_viewer": 200, "site_admin": 200, "*": 403},
    ),
    # --- reports: the coordinator's dashboard ---
    # The scheme's coordinators only (as the at-risk page): the pair, HR, admins and the
    # other scheme's coordinator get 404.
    (
        "dashboard:scheme_dashboard",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "dashboard:scheme_dashboard",
        {"slug": "another"},
        {"anonymous": LOGIN, "other_coordinator": 200, "*": 404},
    ),
    ("dashboard:scheme_dashboard", {"slug": "no-such-scheme"}, {"anonymous": LOGIN, "*": 404}),
    # --- reports: exports ---
    # CSV of every scheme the reader may read: HR and superusers all, a coordinator
    # theirs; anyone else has no scheme to export.
    (
        "dashboard:export",
        {"report": "participants"},
        {
            "anonymous": LOGIN,
            "coordinator": 200,
            "other_coordinator": 200,
            "hr_viewer": 200,
            "site_admin": 200,
            "*": 403,
        },
    ),
    ("dashboard:export", {"report": "no-such-report"}, {"anonymous": LOGIN, "*": 404}),
    # A large export's page and file: for the person who asked (HR here), no one else.
    (
        "dashboard:export_job",
        {"uid": "@hr_export_job.uid"},
        {"anonymous": LOGIN, "hr_viewer": 200, "*": 404},
    ),
    (
        "dashboard:export_download",
        {"uid": "@hr_export_job.uid"},
        {"anonymous": LOGIN, "hr_viewer": 200, "*": 404},
    ),
    (
        "dashboard:export_download",
        {"uid": "@expired_export_job.uid"},
        {"anonymous": LOGIN, "hr_viewer": 410, "*": 404},
    ),
    # --- your data (issue 18) ---
    # Every person's own page; a copy is downloaded by its person alone (the mentee's
    # here), and once its time is over answers 410 to them, 404 to everyone else.
    ("privacy:data", {}, {"anonymous": LOGIN, "*": 200}),
    (
        "privacy:data_download",
        {"uid": "@mentee_data_export.uid"},
        {"anonymous": LOGIN, "mentee": 200, "*": 404},
    ),
    (
        "privacy:data_download",
        {"uid": "@expired_mentee_data_export.uid"},
        {"anonymous": LOGIN, "mentee": 410, "*": 404},
    ),
    (
        "privacy:data_download",
        {"uid": "00000000-0000-0000-0000-000000000000"},
        {"anonymous": LOGIN, "*": 404},
    ),
    # --- sessions and two-factor (issue 18)
    # allauth's address, answered by the ground's view: each person's own sessions only.
    ("usersessions_list", {}, {"anonymous": LOGIN, "*": 200}),
    # --- the audit trail (issue 18) ---
    # Site administrators (superusers) only; anyone else signed in is refused, as the
    # reports refuse people who are not report viewers.
    ("privacy:audit", {}, {"anonymous": LOGIN, "site_admin": 200, "*": 403}),
    ("privacy:audit_export", {}, {"anonymous": LOGIN, "site_admin": 200, "*": 403}),
    # --- retention and the privacy page (issue 18)
    # What the site stores, why, who reads it and for how long: open to everyone.
    ("privacy:privacy", {}, {"*": 200}),
    # --- erasure (issue 18) ---
    # Everyone signed in may erase their own account; the page after it is open to all
    # (the person is signed out by then).
    ("privacy:erasure", {}, {"anonymous": LOGIN, "*": 200}),
    ("privacy:erasure_done", {}, {"*": 200}),
    # The erasures of a scheme's people: its coordinators only.
    (
        "privacy:erasure_requests",
        {"slug": "council"},
        {"anonymous": LOGIN, "coordinator": 200, "*": 404},
    ),
    (
        "privacy:erasure_requests",
        {"slug": "another"},
        {"anonymous": LOGIN, "other_coordinator": 200, "*": 404},
    ),
    ("privacy:erasure_requests", {"slug": "no-such-scheme"}, {"anonymous": LOGIN, "*": 404}),
    # Every erasure: the site's administrators only.
    (
        "privacy:erasure_requests_all",
        {},
        {"anonymous": LOGIN, "site_admin": 200, "*": 403},
    ),
]

# URL names owned by the project (not allauth's or the admin's) that must have rows.
PROJECT_NAMESPACES = {"schemes", "matching", "agreements", "sessions", "privacy", "dashboard"}
PROJECT_NAMES = {"home", "health"}


def _cases():
    for name, kwargs, expected in MATRIX:
        for role in ROLES:
            status = expected.get(role, expected.get("*"))
            yield pytest.param(name, kwargs, role, status, id=f"{name}-{kwargs}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "role", "expected"), list(_cases()))
def test_url_role_status(
    client, request, scheme, coordinator, mentor, mentee, name, kwargs, role, expected
):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = reverse(name, kwargs=resolve_kwargs(request, kwargs))
    response = client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, f"{role} on {url}"


def _project_url_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _project_url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            if namespace in PROJECT_NAMESPACES:
                yield f"{namespace}:{entry.name}"
            elif namespace is None and entry.name in PROJECT_NAMES:
                yield entry.name


def test_every_url_is_in_the_matrix():
    covered = {name for name, _, _ in MATRIX}
    missing = set(_project_url_names()) - covered
    assert not missing, f"URLs without rows in the permission matrix: {sorted(missing)}"
