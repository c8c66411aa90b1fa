from django.urls import path

from agreements.views import agreement, coordinator, goals, pair

app_name = "agreements"

urlpatterns = [
    # The pair's space: for the mentee and the mentor only.
    path("pairs/<int:pk>/", pair.pair_page, name="pair"),
    path("pairs/<int:pk>/stage/", pair.stage_advance, name="stage_advance"),
    path("pairs/<int:pk>/concern/", pair.concern_raise, name="concern_raise"),
    path("pairs/<int:pk>/agreement/", agreement.agreement_page, name="agreement"),
    path("pairs/<int:pk>/agreement/edit/", agreement.agreement_edit, name="agreement_edit"),
    path("pairs/<int:pk>/agreement/sign/", agreement.agreement_sign, name="agreement_sign"),
    path(
        "pairs/<int:pk>/agreement/compare/",
        agreement.agreement_compare,
        name="agreement_compare",
    ),
    path(
        "pairs/<int:pk>/agreement/versions/<int:number>/",
        agreement.agreement_version,
        name="agreement_version",
    ),
    path(
        "pairs/<int:pk>/agreement/versions/<int:number>/print/",
        agreement.agreement_print,
        name="agreement_print",
    ),
    path("pairs/<int:pk>/goals/new/", goals.goal_create, name="goal_create"),
    path("pairs/<int:pk>/goals/<int:goal>/", goals.goal_detail, name="goal"),
    path("pairs/<int:pk>/goals/<int:goal>/edit/", goals.goal_edit, name="goal_edit"),
    path("pairs/<int:pk>/goals/<int:goal>/status/", goals.goal_status, name="goal_status"),
    path("pairs/<int:pk>/goals/<int:goal>/share/", goals.goal_share, name="goal_share"),
    path(
        "pairs/<int:pk>/goals/<int:goal>/progress/",
        goals.progress_record,
        name="progress_record",
    ),
    path(
        "pairs/<int:pk>/goals/<int:goal>/targets/new/",
        goals.target_create,
        name="target_create",
    ),
    path(
        "pairs/<int:pk>/goals/<int:goal>/targets/<int:target>/edit/",
        goals.target_edit,
        name="target_edit",
    ),
    path(
        "pairs/<int:pk>/goals/<int:goal>/targets/<int:target>/status/",
        goals.target_status,
        name="target_status",
    ),
    # The coordinator's side: no text the pair wrote, except the concerns sent to them.
    path("schemes/<slug:slug>/pairs/", coordinator.scheme_pairs, name="scheme_pairs"),
    path("schemes/<slug:slug>/pairs/settings/", coordinator.pair_settings, name="pair_settings"),
    path("schemes/<slug:slug>/pairs/<int:pk>/", coordinator.scheme_pair, name="scheme_pair"),
    path(
        "schemes/<slug:slug>/pairs/<int:pk>/stage/",
        coordinator.stage_correct,
        name="stage_correct",
    ),
    path("schemes/<slug:slug>/concerns/", coordinator.concerns, name="concerns"),
    path("schemes/<slug:slug>/concerns/<int:pk>/", coordinator.concern, name="concern"),
]
