from django.contrib import admin

from matching.models import MatchProposal, MatchRun, PairRule, Suggestion


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ("pk", "program", "algorithm", "status", "progress", "created_at", "published_at")
    list_filter = ("status", "algorithm")
    raw_id_fields = ("program", "created_by")


@admin.register(MatchProposal)
class MatchProposalAdmin(admin.ModelAdmin):
    list_display = ("pk", "run", "mentee", "mentor", "score", "pinned")
    raw_id_fields = ("run", "mentee", "mentor", "mentorship")


@admin.register(PairRule)
class PairRuleAdmin(admin.ModelAdmin):
    list_display = ("pk", "program", "mentee", "mentor", "kind")
    raw_id_fields = ("program", "mentee", "mentor", "created_by")


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("pk", "program", "mentee", "rank", "mentor", "score")
    raw_id_fields = ("program", "mentee", "mentor")
