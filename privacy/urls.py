from django.urls import path

from privacy.views import audit, erasure, privacy, yourdata

app_name = "privacy"

urlpatterns: list = [
    # What the site stores, why, who reads it and for how long: open to everyone.
    path("privacy/", privacy.privacy_page, name="privacy"),
    # Your data: a person's copies of everything the product holds about them.
    path("account/data/", yourdata.data, name="data"),
    path("account/data/<uuid:uid>/download/", yourdata.data_download, name="data_download"),
    # Erasure: a person erases their account; coordinators and administrators see it.
    path("account/erase/", erasure.erasure, name="erasure"),
    path("account/erased/", erasure.erasure_done, name="erasure_done"),
    path(
        "schemes/<slug:slug>/erasure-requests/",
        erasure.erasure_requests,
        name="erasure_requests",
    ),
    path("erasure-requests/", erasure.erasure_requests_all, name="erasure_requests_all"),
    # The audit trail, for site administrators.
    path("audit/", audit.audit_list, name="audit"),
    path("audit/export/", audit.audit_export, name="audit_export"),
]
