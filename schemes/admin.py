from django.contrib import admin

from schemes.models import Application, CustomQuestion, Invitation, Membership, Scheme


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "scheme", "created_at"]
    list_filter = ["role", "scheme"]
    search_fields = ["user__email", "user__name", "scheme__name"]
    list_select_related = ["user", "scheme"]
    autocomplete_fields = ["user", "scheme"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "role", "scheme", "status", "sent_at", "expires_at"]
    list_filter = ["status", "role", "scheme"]
    search_fields = ["email", "name", "scheme__name"]
    list_select_related = ["scheme"]
    autocomplete_fields = ["scheme", "invited_by", "accepted_by"]
    readonly_fields = ["sent_at", "send_count", "accepted_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"


@admin.register(CustomQuestion)
class CustomQuestionAdmin(admin.ModelAdmin):
    list_display = [
        "text",
        "scheme",
        "kind",
        "audience",
        "required",
        "is_matching_criterion",
        "weight",
        "position",
    ]
    list_filter = ["kind", "audience", "required", "is_matching_criterion", "scheme"]
    search_fields = ["text", "scheme__name"]
    list_select_related = ["scheme"]
    autocomplete_fields = ["scheme"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    # The list names people and their place in the scheme only: their answers, above all
    # the goal-setting ones, are confidential and stay on the change page.
    list_display = [
        "user",
        "scheme",
        "role",
        "status",
        "department",
        "grade",
        "submitted_at",
        "imported",
    ]
    list_filter = ["status", "role", "imported", "scheme"]
    search_fields = ["user__email", "user__name", "scheme__name", "department"]
    list_select_related = ["user", "scheme"]
    autocomplete_fields = ["scheme", "user", "decided_by"]
    raw_id_fields = ["invitation"]
    readonly_fields = [
        "submitted_at",
        "decided_at",
        "consent_text",
        "consented_at",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "submitted_at"
