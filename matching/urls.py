from django.urls import path

from matching.views import mentorships, runs, settings

app_name = "matching"

urlpatterns = [
    # The participant's side.
    path("mentorships/", mentorships.my_mentorships, name="my_mentorships"),
    path("mentorships/<int:pk>/", mentorships.mentorship_detail, name="mentorship"),
    path("mentorships/<int:pk>/reply/", mentorships.mentorship_reply, name="mentorship_reply"),
    path("mentorships/<int:pk>/end/", mentorships.mentorship_end, name="mentorship_end"),
    path("mentorships/<int:pk>/share/", mentorships.mentorship_share, name="mentorship_share"),
    path("applications/<int:pk>/shortlist/", mentorships.shortlist, name="shortlist"),
    # The coordinator's side.
    path("schemes/<slug:slug>/matching/settings/", settings.matching_settings, name="settings"),
    path(
        "schemes/<slug:slug>/matching/settings/example/",
        settings.matching_example,
        name="settings_example",
    ),
    path("schemes/<slug:slug>/matching/", runs.run_list, name="runs"),
    path("schemes/<slug:slug>/matching/start/", runs.run_start, name="run_start"),
    path("schemes/<slug:slug>/matching/compare/", runs.run_compare, name="run_compare"),
    path("schemes/<slug:slug>/matching/runs/<int:pk>/", runs.run_detail, name="run"),
    path(
        "schemes/<slug:slug>/matching/runs/<int:pk>/progress/",
        runs.run_progress,
        name="run_progress",
    ),
    path("schemes/<slug:slug>/matching/runs/<int:pk>/rerun/", runs.run_rerun, name="run_rerun"),
    path("schemes/<slug:slug>/matching/runs/<int:pk>/cancel/", runs.run_cancel, name="run_cancel"),
    path(
        "schemes/<slug:slug>/matching/runs/<int:pk>/publish/",
        runs.run_publish,
        name="run_publish",
    ),
    path(
        "schemes/<slug:slug>/matching/proposals/<int:pk>/",
        runs.proposal_detail,
        name="proposal",
    ),
    path(
        "schemes/<slug:slug>/matching/proposals/<int:pk>/swap/",
        runs.proposal_swap,
        name="proposal_swap",
    ),
    path(
        "schemes/<slug:slug>/matching/proposals/<int:pk>/remove/",
        runs.proposal_remove,
        name="proposal_remove",
    ),
    path(
        "schemes/<slug:slug>/matching/proposals/<int:pk>/pin/",
        runs.proposal_pin,
        name="proposal_pin",
    ),
    path(
        "schemes/<slug:slug>/matching/unmatched/<int:pk>/",
        runs.unmatched_assign,
        name="unmatched",
    ),
    path(
        "schemes/<slug:slug>/mentorships/",
        mentorships.scheme_mentorships,
        name="scheme_mentorships",
    ),
]
