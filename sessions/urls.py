from django.urls import path

from sessions.views import evaluations, notifications, reflections, reminders, sessions, settings

app_name = "sessions"

urlpatterns = [
    # The pair's sessions: for the mentee and the mentor only.
    path("pairs/<int:pk>/sessions/", sessions.session_list, name="session_list"),
    path("pairs/<int:pk>/sessions/plan/", sessions.session_plan, name="session_plan"),
    path("pairs/<int:pk>/sessions/log/", sessions.session_log, name="session_log"),
    path("pairs/<int:pk>/sessions/<int:session>/", sessions.session_detail, name="session"),
    path("pairs/<int:pk>/sessions/<int:session>/edit/", sessions.session_edit, name="session_edit"),
    path(
        "pairs/<int:pk>/sessions/<int:session>/cancel/",
        sessions.session_cancel,
        name="session_cancel",
    ),
    path(
        "pairs/<int:pk>/sessions/<int:session>/status/",
        sessions.session_status,
        name="session_status",
    ),
    path(
        "pairs/<int:pk>/sessions/<int:session>/agenda/",
        sessions.session_agenda,
        name="session_agenda",
    ),
    path(
        "pairs/<int:pk>/sessions/<int:session>/summary/",
        sessions.session_summary,
        name="session_summary",
    ),
    path(
        "pairs/<int:pk>/sessions/<int:session>/calendar.ics",
        sessions.session_calendar,
        name="session_calendar",
    ),
    path(
        "pairs/<int:pk>/actions/<int:action>/status/",
        sessions.action_status,
        name="action_status",
    ),
    # Reflections, the pulse and the early check: each person's own.
    path(
        "pairs/<int:pk>/sessions/<int:session>/reflections/<slug:kind>/",
        reflections.reflection,
        name="reflection",
    ),
    path("pairs/<int:pk>/sessions/<int:session>/pulse/", reflections.pulse, name="pulse"),
    path("pairs/<int:pk>/pairing-check/", reflections.pairing_check, name="pairing_check"),
    # Evaluations and the final review.
    path("pairs/<int:pk>/evaluations/", evaluations.evaluation_list, name="evaluations"),
    path(
        "pairs/<int:pk>/evaluations/<slug:milestone>/",
        evaluations.evaluation,
        name="evaluation",
    ),
    path("pairs/<int:pk>/final-review/", evaluations.final_review, name="final_review"),
    # The coordinators' settings.
    path(
        "schemes/<slug:slug>/sessions/settings/",
        settings.session_settings,
        name="session_settings",
    ),
    # Reminders: the scheme's rules and its at-risk queue, for its coordinators.
    path("schemes/<slug:slug>/reminders/", reminders.reminder_settings, name="reminder_settings"),
    path("schemes/<slug:slug>/at-risk/", reminders.at_risk, name="at_risk"),
    path(
        "schemes/<slug:slug>/at-risk/<int:pk>/handle/",
        reminders.at_risk_handle,
        name="at_risk_handle",
    ),
    # Each person's notifications: theirs alone.
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("notifications/read/", notifications.notifications_read, name="notifications_read"),
    path(
        "notifications/settings/",
        notifications.notification_settings,
        name="notification_settings",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.unsubscribe,
        name="unsubscribe",
    ),
]
