"""API shapes of goals, notes and closing. Input serializers only validate; services decide."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from journal.markdown import render_note
from journal.models import Goal, Note, ProgramClosure
from journal.services.goals import TITLE_MAX
from journal.services.notes import BODY_MAX


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = ["id", "mentorship", "title", "status", "target_date", "done_at", "created_at", "updated_at"]
        read_only_fields = fields


class GoalInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    status = serializers.ChoiceField(choices=Goal.Status.choices, default=Goal.Status.OPEN)
    target_date = serializers.DateField(required=False, allow_null=True, default=None)


class GoalPatchSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX, required=False)
    status = serializers.ChoiceField(choices=Goal.Status.choices, required=False)
    target_date = serializers.DateField(required=False, allow_null=True)


class NoteAuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class NoteSerializer(serializers.ModelSerializer):
    author = NoteAuthorSerializer(read_only=True)
    body_html = serializers.SerializerMethodField(help_text="The body rendered safely (markdown-light, no raw HTML).")
    mine = serializers.SerializerMethodField(help_text="True when you wrote it (only then can you change it).")

    class Meta:
        model = Note
        fields = [
            "id", "mentorship", "session", "author", "visibility", "body", "body_html", "mine",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_body_html(self, note: Note) -> str:
        return str(render_note(note.body))

    @extend_schema_field(serializers.BooleanField())
    def get_mine(self, note: Note) -> bool:
        request = self.context.get("request")
        return bool(request and note.author_id == request.user.pk)


class NoteInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX, trim_whitespace=True)
    visibility = serializers.ChoiceField(choices=Note.Visibility.choices, default=Note.Visibility.SHARED)
    session = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, help_text="A session of this mentorship."
    )


class NotePatchSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX, required=False)
    visibility = serializers.ChoiceField(choices=Note.Visibility.choices, required=False)


class ClosureSerializer(serializers.ModelSerializer):
    program = serializers.IntegerField(source="program_id", read_only=True)
    closed_at = serializers.DateTimeField(source="created_at", read_only=True)
    already_closed = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = ProgramClosure
        fields = [
            "program", "closed_at", "closed_by", "mentorships_ended", "sessions_cancelled",
            "reminders_stopped", "surveys_sent", "already_closed",
        ]  # fmt: skip
        read_only_fields = fields


class GoalProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    done = serializers.IntegerField()
    mentorships_with_goals = serializers.IntegerField()
    done_percent = serializers.IntegerField()


class SurveySummarySerializer(serializers.Serializer):
    sent = serializers.IntegerField()
    answered = serializers.IntegerField()
    average_rating = serializers.FloatField(allow_null=True)
    distribution = serializers.DictField(child=serializers.IntegerField(), help_text="Rating (1–5) → answers.")


class JournalSummarySerializer(serializers.Serializer):
    goals = GoalProgressSerializer()
    survey = SurveySummarySerializer()
