from django.urls import path

from schemes.views import emails, imports, invitations, questionnaire, review, setup

app_name = "schemes"

urlpatterns = [
    # The participant's side.
    path("my-schemes/", questionnaire.my_schemes, name="my_schemes"),
    # A token is URL-safe base64 (a slug), so anything else (a NUL) is a 404 at once.
    path("invitations/<slug:token>/", invitations.invitation_landing, name="invitation"),
    path("apply/<slug:token>/", invitations.open_apply, name="open_apply"),
    path("applications/<int:pk>/", questionnaire.application_overview, name="application"),
    path(
        "applications/<int:pk>/steps/<slug:step>/",
        questionnaire.questionnaire_step,
        name="questionnaire_step",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        questionnaire.application_withdraw,
        name="application_withdraw",
    ),
    # The coordinator's side.
    # Before the roof's "schemes/<slug>/" (the scheme's hub), which "new" would match.
    path("schemes/new/", setup.scheme_create, name="create"),
    path("schemes/<slug:slug>/settings/", setup.scheme_edit, name="edit"),
    path("schemes/<slug:slug>/open-link/", setup.open_link, name="open_link"),
    path("schemes/<slug:slug>/questions/", setup.questions, name="questions"),
    path("schemes/<slug:slug>/questions/<int:pk>/", setup.question_edit, name="question_edit"),
    path(
        "schemes/<slug:slug>/questions/<int:pk>/delete/",
        setup.question_delete,
        name="question_delete",
    ),
    path(
        "schemes/<slug:slug>/questions/<int:pk>/move/",
        setup.question_move,
        name="question_move",
    ),
    path("schemes/<slug:slug>/invitations/", invitations.invitation_list, name="invitations"),
    path(
        "schemes/<slug:slug>/invitations/upload/",
        invitations.invitation_upload,
        name="invitations_upload",
    ),
    path(
        "schemes/<slug:slug>/invitations/<int:pk>/resend/",
        invitations.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "schemes/<slug:slug>/invitations/<int:pk>/revoke/",
        invitations.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "schemes/<slug:slug>/emails/<int:pk>/send-again/",
        emails.email_resend,
        name="email_resend",
    ),
    path("schemes/<slug:slug>/applications/", review.application_list, name="applications"),
    path(
        "schemes/<slug:slug>/applications/decide/",
        review.applications_decide,
        name="applications_decide",
    ),
    path(
        "schemes/<slug:slug>/applications/export.csv",
        review.applications_export,
        name="applications_export",
    ),
    path(
        "schemes/<slug:slug>/applications/import/",
        imports.application_import,
        name="applications_import",
    ),
    path(
        "schemes/<slug:slug>/applications/import/not-imported.csv",
        imports.application_import_rejected,
        name="applications_import_rejected",
    ),
    path(
        "schemes/<slug:slug>/applications/import/template.csv",
        imports.application_import_template,
        name="applications_import_template",
    ),
    path(
        "schemes/<slug:slug>/applications/<int:pk>/",
        review.application_detail,
        name="application_detail",
    ),
]
