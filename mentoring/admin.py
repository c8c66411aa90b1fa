from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from mentoring.forms import CleanTextMixin
from mentoring.models import OutboxMessage, User
from mentoring.services import SITE_ROLES, site_roles_record


class UserCreationAdminForm(CleanTextMixin, UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserChangeAdminForm(CleanTextMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = ["email", "name", "is_report_viewer", "is_staff", "is_active", "last_login"]
    list_filter = ["is_report_viewer", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal details", {"fields": ["name"]}),
        ("Site-wide role", {"fields": ["is_report_viewer"]}),
        (
            "Administration",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]

    def save_model(self, request, obj, form, change):
        """Save, and record in the audit trail any site-wide role given or taken (the
        admin's change page runs in one transaction: both are saved or neither)."""
        if change:
            before = {role: form.initial.get(role, False) for role in SITE_ROLES}
        else:
            before = dict.fromkeys(SITE_ROLES, False)
        super().save_model(request, obj, form, change)
        site_roles_record(by=request.user, user=obj, before=before)

    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "name", "usable_password", "password1", "password2"],
            },
        ),
    ]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: rows change only through the outbox's services (a coordinator's "Send
    again" resends a failed e-mail)."""

    list_display = ["pk", "kind", "handler", "subject_type", "subject_id", "status", "attempts"]
    # An account e-mail waiting to go holds its confirmation or reset link.
    exclude = ["payload"]
    list_filter = ["status", "kind", "handler"]
    search_fields = ["last_error"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
