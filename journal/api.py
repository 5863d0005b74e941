"""Goals, notes and closing over the API, with the pages' rules.

Goals and notes belong to a pair: only the mentor and the mentee reach them (anyone else,
HR admins included, gets 404); shared notes are read by both, private notes only by their
author (404 for everyone else). HR admins get counts and goal progress
(``/programs/{id}/journal/``) and close a program (``/programs/{id}/close/``)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from journal import selectors
from journal.models import Goal, Note
from journal.serializers import (
    ClosureSerializer,
    GoalInputSerializer,
    GoalPatchSerializer,
    GoalSerializer,
    JournalSummarySerializer,
    NoteInputSerializer,
    NotePatchSerializer,
    NoteSerializer,
)
from journal.services import closing, goals, notes
from mentoring.models import Program
from scheduling.models import Session
from turazo.core.api import IsOrganizationAdmin, TenantViewSetMixin
from turazo.core.errors import ValidationFailed
from turazo.core.tenancy import get_for_org


class MentorshipGoalsView(TenantViewSetMixin, generics.GenericAPIView):
    """The goals of one of your mentorships (the mentee adds them; the mentor reads them)."""

    queryset = Goal.objects.all()
    serializer_class = GoalSerializer
    pagination_class = None  # a few goals at most (MAX_GOALS)

    def check_parent_objects(self) -> None:
        self.mentorship = selectors.mentorship_for_member(
            user=self.request.user, membership=self.request.membership, pk=self.kwargs["pk"]
        )

    @extend_schema(responses=GoalSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        return Response(GoalSerializer(selectors.goals_of(self.mentorship), many=True).data)

    @extend_schema(request=GoalInputSerializer, responses={201: GoalSerializer})
    def post(self, request: Request, pk: int) -> Response:
        body = GoalInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        goal = goals.goal_create(mentorship=self.mentorship, actor=request.user, **body.validated_data)
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)


class GoalView(TenantViewSetMixin, generics.GenericAPIView):
    """One goal of one of your mentorships; the mentee changes or deletes it."""

    queryset = Goal.objects.all()
    serializer_class = GoalSerializer

    def check_parent_objects(self) -> None:
        self.goal = selectors.goal_for_viewer(
            user=self.request.user, membership=self.request.membership, pk=self.kwargs["pk"]
        )

    def get(self, request: Request, pk: int) -> Response:
        return Response(GoalSerializer(self.goal).data)

    @extend_schema(request=GoalPatchSerializer, responses=GoalSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        body = GoalPatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "target_date" not in data:
            data["target_date"] = "keep"
        goal = goals.goal_update(goal=self.goal, actor=request.user, **data)
        return Response(GoalSerializer(goal).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        goals.goal_delete(goal=self.goal, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MentorshipNotesView(TenantViewSetMixin, generics.GenericAPIView):
    """Notes of one of your mentorships: the shared ones and your own private ones."""

    queryset = Note.objects.all()
    serializer_class = NoteSerializer

    def check_parent_objects(self) -> None:
        self.mentorship = selectors.mentorship_for_member(
            user=self.request.user, membership=self.request.membership, pk=self.kwargs["pk"]
        )

    @extend_schema(responses=NoteSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        """Newest first, paginated like every list of the API."""
        page = self.paginate_queryset(selectors.notes_visible(mentorship=self.mentorship, user=request.user))
        return self.get_paginated_response(NoteSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(request=NoteInputSerializer, responses={201: NoteSerializer})
    def post(self, request: Request, pk: int) -> Response:
        body = NoteInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        session = None
        if data.get("session"):
            session = Session.objects.filter(pk=data["session"], mentorship=self.mentorship).first()
            if session is None:
                raise ValidationFailed(
                    _("No such session of this mentorship."), fields={"session": [_("Give a session of this pair.")]}
                )
        note = notes.note_create(
            mentorship=self.mentorship,
            actor=request.user,
            body=data["body"],
            visibility=data["visibility"],
            session=session,
        )
        return Response(NoteSerializer(note, context={"request": request}).data, status=status.HTTP_201_CREATED)


class NoteView(TenantViewSetMixin, generics.GenericAPIView):
    """One note you may read (shared in your pair, or your own); its author changes or deletes it."""

    queryset = Note.objects.all()
    serializer_class = NoteSerializer

    def check_parent_objects(self) -> None:
        self.note = selectors.note_for_viewer(
            user=self.request.user, membership=self.request.membership, pk=self.kwargs["pk"]
        )

    def get(self, request: Request, pk: int) -> Response:
        return Response(NoteSerializer(self.note, context={"request": request}).data)

    @extend_schema(request=NotePatchSerializer, responses=NoteSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        body = NotePatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = notes.note_update(note=self.note, actor=request.user, **body.validated_data)
        return Response(NoteSerializer(note, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        notes.note_delete(note=self.note, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _ProgramAdminView(TenantViewSetMixin, generics.GenericAPIView):
    queryset = Program.objects.all()
    permission_classes = [IsOrganizationAdmin]

    def check_parent_objects(self) -> None:
        if self.request.organization is None:
            raise Http404
        self.program = get_for_org(Program, self.request.organization, pk=self.kwargs["pk"])


class ProgramJournalView(_ProgramAdminView):
    """Goal progress and the closing survey's figures of a program (HR admins; never note contents)."""

    serializer_class = JournalSummarySerializer

    def get(self, request: Request, pk: int) -> Response:
        progress = selectors.program_goal_progress(program=self.program)
        survey = selectors.survey_summary(program=self.program)
        data = {
            "goals": {**progress.__dict__, "done_percent": progress.done_percent},
            "survey": {**survey.__dict__},
        }
        return Response(JournalSummarySerializer(data).data)


class ProgramCloseView(_ProgramAdminView):
    """Close the program (HR admins): ends mentorships, cancels future sessions, stops
    reminders, emails the closing survey, and makes the program read-only. Idempotent: a
    second call changes nothing and answers ``already_closed: true``."""

    serializer_class = ClosureSerializer

    @extend_schema(request=None, responses=ClosureSerializer)
    def post(self, request: Request, pk: int) -> Response:
        result = closing.program_close(program=self.program, actor=request.user)
        closure = result.closure
        closure.already_closed = result.already_closed
        return Response(ClosureSerializer(closure).data)
