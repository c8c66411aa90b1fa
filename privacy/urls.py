from django.urls import path  # noqa: F401 - the pages' modules add their paths below

app_name = "privacy"

urlpatterns: list = []
