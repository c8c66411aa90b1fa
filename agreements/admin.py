"""The admin shows a pair's agreement only by its dates, numbers and signatures' times:
the pair's text is theirs, so the administrator reads the records, not what they wrote."""

from django.contrib import admin

from agreements.models import Concern, PairSettings, StageMove


@admin.register(StageMove)
class StageMoveAdmin(admin.ModelAdmin):
    list_display = ("mentorship", "from_stage", "to_stage", "kind", "moved_by", "moved_at")
    list_filter = ("kind", "to_stage")
    readonly_fields = ("mentorship", "from_stage", "to_stage", "kind", "moved_by", "moved_at")
    fields = (*readonly_fields, "reason")

    # The record of moves is written by the product only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    # The concern's text is for the scheme's coordinators, who read it in the product.
    list_display = ("mentorship", "role", "topic", "status", "created_at", "resolved_at")
    list_filter = ("status", "topic")
    fields = ("mentorship", "role", "topic", "status", "created_at", "resolved_at")
    readonly_fields = fields

    # Only the pair raises a concern, in the product.
    def has_add_permission(self, request):
        return False


@admin.register(PairSettings)
class PairSettingsAdmin(admin.ModelAdmin):
    list_display = ("scheme", "wind_up_weeks")
