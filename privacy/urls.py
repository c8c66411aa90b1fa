from django.urls import path

from privacy import views_privacy

app_name = "privacy"

urlpatterns: list = [
    # What the site stores, why, who reads it and for how long: open to everyone.
    path("privacy/", views_privacy.privacy_page, name="privacy"),
]
