"""API representations of matching runs, proposals and settings. No writes happen here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from matching.models import MatchProposal, MatchRun, Suggestion, UnmatchedMentee
from mentoring.models import Participant


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = Participant
        fields = ["id", "name", "email"]


class MatchRunSerializer(serializers.ModelSerializer):
    created_by = serializers.EmailField(source="created_by.email", default=None, read_only=True, allow_null=True)
    can_retry = serializers.BooleanField(read_only=True, help_text="POST to /retry/ to queue this failed run again.")

    class Meta:
        model = MatchRun
        fields = [
            "id", "program", "algorithm", "weights", "rules", "status", "stage", "progress", "cancel_requested",
            "error", "can_retry", "timings", "stats", "created_by", "created_at", "queued_at", "started_at",
            "finished_at", "published_at",
        ]  # fmt: skip
        read_only_fields = fields


class MatchRunCreateSerializer(serializers.Serializer):
    algorithm = serializers.ChoiceField(choices=MatchRun.Algorithm.choices, default=MatchRun.Algorithm.OPTIMAL)


class ProposalSerializer(serializers.ModelSerializer):
    mentee = PersonSerializer(read_only=True)
    mentor = PersonSerializer(read_only=True)

    class Meta:
        model = MatchProposal
        fields = ["id", "mentee", "mentor", "score", "components", "explanation", "pinned", "mentorship"]
        read_only_fields = fields


class UnmatchedSerializer(serializers.ModelSerializer):
    mentee = PersonSerializer(read_only=True)

    class Meta:
        model = UnmatchedMentee
        fields = ["mentee", "code", "reason"]
        read_only_fields = fields


class SwapSerializer(serializers.Serializer):
    mentor = serializers.IntegerField(
        help_text="Participant id of the new mentor (see the alternatives). The new pair is pinned, so re-runs keep it."
    )


class AlternativeSerializer(serializers.Serializer):
    mentor = PersonSerializer()
    score = serializers.FloatField()
    delta = serializers.FloatField(help_text="Score change against the current mentor.")
    explanation = serializers.CharField()
    free = serializers.IntegerField(help_text="Free places the mentor has left in this run.")


class PublishResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    already_published = serializers.IntegerField()
    skipped = serializers.ListField(child=serializers.CharField())
    offered = serializers.IntegerField(
        help_text="Match offers sent instead of mentorships (the program has mentors_confirm_matches on)."
    )
    message = serializers.CharField()


class MatchingSettingsSerializer(serializers.Serializer):
    weights = serializers.DictField(
        child=serializers.FloatField(
            min_value=0,
            max_value=10,
            error_messages={
                "min_value": gettext_lazy("Use a weight from 0 to 10."),
                "max_value": gettext_lazy("Use a weight from 0 to 10."),
            },
        ),
        help_text="0–10 per component: goals, skills, hours, languages, seniority, department, and "
        "q:<question key> (a question without a weight counts 0).",
    )
    rules = serializers.DictField(
        help_text="min_score (0–100), min_shared_hours (0–12), seniority_gap (0–5), "
        "department (different|same|ignore), q:<question key> (same|different)."
    )


class SuggestionSerializer(serializers.ModelSerializer):
    mentor = PersonSerializer(read_only=True)

    class Meta:
        model = Suggestion
        fields = ["rank", "mentor", "score", "explanation", "components"]
        read_only_fields = fields
