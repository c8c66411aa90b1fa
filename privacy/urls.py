from django.urls import path

from privacy import views_audit

app_name = "privacy"

urlpatterns: list = [
    path("audit/", views_audit.audit_list, name="audit"),
    path("audit/export/", views_audit.audit_export, name="audit_export"),
]
