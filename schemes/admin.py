from django.contrib import admin
from django.db import transaction

from schemes.models import Application, CustomQuestion, Invitation, Membership, Scheme
from schemes.services.schemes import role_change_record, scheme_closing_note


def _memberships_record(request, saved, before, deleted) -> None:
    """Record in the audit trail the roles given, changed and taken away in the admin:
    ``saved`` memberships (``before``: their (user, role, scheme) as they were, by pk;
    absent for a new one) and ``deleted`` ones."""
    for membership in saved:
        was = before.get(membership.pk)
        if was is None:
            role_change_record(by=request.user, membership=membership, change="added")
        elif was != (membership.user_id, membership.role, membership.scheme_id):
            role_change_record(
                by=request.user,
                membership=membership,
                change="changed",
                role_before=was[1],
                user_before=was[0],
                scheme_before=was[2],
            )
    for membership in deleted:
        role_change_record(by=request.user, membership=membership, change="removed")


def _as_was(memberships) -> dict:
    return {m.pk: (m.user_id, m.role, m.scheme_id) for m in memberships if m.pk}


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

    def save_model(self, request, obj, form, change):
        # Closing or reopening here dates it as the settings page does: the retention
        # schedule counts each scheme's period from its closing.
        was_closed = (
            change and Scheme.objects.filter(pk=obj.pk, status=Scheme.Status.CLOSED).exists()
        )
        scheme_closing_note(obj, was_closed=was_closed)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        # As stored: the forms' instances already hold what was typed.
        stored = Membership.objects.in_bulk([f.instance.pk for f in formset.initial_forms])
        before = _as_was(stored.values())
        # Recorded before they go: a deleted object has no pk afterwards.
        doomed = [stored[f.instance.pk] for f in formset.deleted_forms if f.instance.pk in stored]
        _memberships_record(request, [], {}, doomed)
        super().save_formset(request, form, formset, change)
        saved = list(formset.new_objects) + [obj for obj, _ in formset.changed_objects]
        _memberships_record(request, saved, before, [])


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "scheme", "created_at"]
    list_filter = ["role", "scheme"]
    search_fields = ["user__email", "user__name", "scheme__name"]
    list_select_related = ["user", "scheme"]
    autocomplete_fields = ["user", "scheme"]

    # Each change of a role is recorded in the audit trail, in the admin's transaction.
    def save_model(self, request, obj, form, change):
        before = _as_was(Membership.objects.filter(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        _memberships_record(request, [obj], before, [])

    def delete_model(self, request, obj):
        _memberships_record(request, [], {}, [obj])
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        # The list's "delete selected" is not in a transaction of the admin's own.
        _memberships_record(request, [], {}, list(queryset))
        super().delete_queryset(request, queryset)


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
