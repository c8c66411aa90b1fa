from django.contrib import admin

from matching.models import MatchRun, Mentorship, Proposal, Unmatched


class ProposalInline(admin.TabularInline):
    model = Proposal
    extra = 0
    fields = ["mentee", "mentor", "score", "pinned", "source", "override_reason"]
    raw_id_fields = ["mentee", "mentor", "changed_by"]
    show_change_link = True


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "scheme",
        "status",
        "trigger",
        "started_by",
        "matched_count",
        "unmatched_count",
        "total_score",
        "created_at",
    ]
    list_filter = ["status", "trigger", "scheme"]
    list_select_related = ["scheme", "started_by"]
    raw_id_fields = ["started_by", "published_by", "based_on"]
    inlines = [ProposalInline]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["pk", "run", "mentee", "mentor", "score", "pinned", "source"]
    list_filter = ["source", "pinned"]
    list_select_related = ["run__scheme", "mentee__user", "mentor__user"]
    raw_id_fields = ["run", "mentee", "mentor", "changed_by"]


@admin.register(Unmatched)
class UnmatchedAdmin(admin.ModelAdmin):
    list_display = ["pk", "run", "mentee", "reason"]
    list_filter = ["reason"]
    list_select_related = ["run__scheme", "mentee__user"]
    raw_id_fields = ["run", "mentee"]


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["pk", "scheme", "mentee", "mentor", "status", "stage", "source", "created_at"]
    list_filter = ["status", "stage", "source", "scheme"]
    list_select_related = ["scheme", "mentee", "mentor"]
    search_fields = ["mentee__email", "mentee__name", "mentor__email", "mentor__name"]
    # The mentee's own choice of what their mentor reads: not the administration's.
    exclude = ["shared_answers"]
    raw_id_fields = [
        "mentee",
        "mentor",
        "mentee_application",
        "mentor_application",
        "run",
        "declined_by",
        "ended_by",
    ]
