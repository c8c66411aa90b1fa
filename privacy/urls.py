from django.urls import path

from privacy import views_erasure

app_name = "privacy"

urlpatterns: list = [
    # --- erasure (issue 18) ---
    path("account/erase/", views_erasure.erasure, name="erasure"),
    path("account/erased/", views_erasure.erasure_done, name="erasure_done"),
    path(
        "schemes/<slug:slug>/erasure-requests/",
        views_erasure.erasure_requests,
        name="erasure_requests",
    ),
    path("erasure-requests/", views_erasure.erasure_requests_all, name="erasure_requests_all"),
]
