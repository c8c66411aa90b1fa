from django.contrib import admin

from schemes.models import Membership, Scheme


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
