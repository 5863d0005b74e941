"""Matching for HRIS integrations (HR admins only): settings, runs, proposals, publish."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from matching import selectors, services
from matching.models import MatchProposal, MatchRun, UnmatchedMentee
from matching.serializers import (
    AlternativeSerializer,
    MatchingSettingsSerializer,
    MatchRunCreateSerializer,
    MatchRunSerializer,
    ProposalSerializer,
    PublishResultSerializer,
    SwapSerializer,
    UnmatchedSerializer,
)
from mentoring.models import Program
from turazo.core.api import IsOrganizationAdmin, TenantViewSetMixin


class _ProgramScoped(TenantViewSetMixin):
    permission_classes = [IsOrganizationAdmin]

    def get_program(self) -> Program:
        return get_object_or_404(
            Program.objects.for_organization(self.request.organization), pk=self.kwargs["program_id"]
        )


class ProgramMatchRunsView(_ProgramScoped, generics.ListCreateAPIView):
    """Runs of one program, newest first; POST queues a new run with the program's current settings."""

    queryset = MatchRun.objects.select_related("created_by")
    serializer_class = MatchRunSerializer

    def get_tenant_queryset(self):
        return selectors.match_runs_for_program(self.get_program())

    @extend_schema(request=MatchRunCreateSerializer, responses={201: MatchRunSerializer})
    def post(self, request: Request, program_id: int) -> Response:
        body = MatchRunCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = services.match_run_create(
            program=self.get_program(), actor=request.user, algorithm=body.validated_data["algorithm"]
        )
        run.refresh_from_db()
        return Response(MatchRunSerializer(run).data, status=status.HTTP_201_CREATED)


class MatchingSettingsView(_ProgramScoped, generics.GenericAPIView):
    """The weights and rules the program's next runs and its suggestions use."""

    queryset = Program.objects.all()
    serializer_class = MatchingSettingsSerializer

    def get_object(self) -> Program:
        # DRF's OPTIONS (metadata for PUT) asks for the object too.
        return self.get_program()

    def _body(self, program: Program) -> dict:
        return {"weights": selectors.program_weights(program), "rules": selectors.program_rules(program)}

    def get(self, request: Request, program_id: int) -> Response:
        return Response(self._body(self.get_object()))

    def put(self, request: Request, program_id: int) -> Response:
        program = self.get_object()
        body = MatchingSettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.matching_settings_update(program=program, **body.validated_data)
        return Response(self._body(program))


class MatchRunViewSet(TenantViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One run: its status, progress and statistics; cancel, re-run and publish it."""

    queryset = selectors.match_run_queryset()
    serializer_class = MatchRunSerializer
    permission_classes = [IsOrganizationAdmin]

    @extend_schema(request=None, responses=MatchRunSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: int | None = None) -> Response:
        """Cancel a queued or running run (409 once it has finished)."""
        run = services.match_run_cancel(run=self.get_object())
        return Response(MatchRunSerializer(run).data)

    @extend_schema(request=None, responses={202: MatchRunSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Queue a failed run again, as it is (409 unless it failed; a run already queued again is returned)."""
        run = services.match_run_retry(run=self.get_object(), actor=request.user)
        return Response(MatchRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={201: MatchRunSerializer})
    @action(detail=True, methods=["post"])
    def rerun(self, request: Request, pk: int | None = None) -> Response:
        """A new run with this run's algorithm and settings; current pins and forbids apply."""
        run = services.match_run_rerun(run=self.get_object(), actor=request.user)
        run.refresh_from_db()
        return Response(MatchRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PublishResultSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: int | None = None) -> Response:
        """Create the mentorships (once) and email both people; 409 unless the run is done."""
        result = services.match_run_publish(run=self.get_object(), actor=request.user)
        return Response(
            {
                "created": result.created,
                "already_published": result.already_published,
                "skipped": result.skipped,
                "offered": result.offered,
                "message": result.message,
            }
        )

    @extend_schema(responses=UnmatchedSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def unmatched(self, request: Request, pk: int | None = None) -> Response:
        """Mentees left without a mentor, each with the reason."""
        rows = selectors.unmatched_for_run(self.get_object())
        return Response(UnmatchedSerializer(rows, many=True).data)


class ProposalViewSet(TenantViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Proposed pairs of a run (paginated, best first); pin, unpin, forbid and swap them."""

    queryset = MatchProposal.objects.select_related("mentee", "mentor", "run__program")
    serializer_class = ProposalSerializer
    permission_classes = [IsOrganizationAdmin]

    def get_run(self) -> MatchRun:
        return get_object_or_404(
            MatchRun.objects.for_organization(self.request.organization).select_related("program"),
            pk=self.kwargs["run_id"],
        )

    def get_tenant_queryset(self):
        return selectors.proposals_for_run(self.get_run())

    def get_object(self) -> MatchProposal:
        return get_object_or_404(
            self.queryset.for_organization(self.request.organization),
            pk=self.kwargs["pk"],
            run_id=self.kwargs["run_id"],
        )

    @extend_schema(request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def pin(self, request: Request, run_id: int, pk: int) -> Response:
        """Keep this pair in every re-run of the program."""
        return Response(ProposalSerializer(services.proposal_pin(proposal=self.get_object(), actor=request.user)).data)

    @extend_schema(request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def unpin(self, request: Request, run_id: int, pk: int) -> Response:
        return Response(ProposalSerializer(services.proposal_unpin(proposal=self.get_object())).data)

    @extend_schema(request=None, responses=UnmatchedSerializer)
    @action(detail=True, methods=["post"])
    def forbid(self, request: Request, run_id: int, pk: int) -> Response:
        """Never pair these two again; the mentee becomes unmatched in this run."""
        row: UnmatchedMentee = services.proposal_forbid(proposal=self.get_object(), actor=request.user)
        return Response(UnmatchedSerializer(row).data)

    @extend_schema(responses=AlternativeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def alternatives(self, request: Request, run_id: int, pk: int) -> Response:
        """The mentee's next-best valid mentors with a free place, with the score change."""
        return Response(
            AlternativeSerializer(services.proposal_alternatives(proposal=self.get_object()), many=True).data
        )

    @extend_schema(request=SwapSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def swap(self, request: Request, run_id: int, pk: int) -> Response:
        """Give the mentee another mentor and pin the pair, so re-runs keep it (400 if a hard rule
        forbids it, 409 if the mentor is full). Below the minimum score or shared hours it is kept
        and its explanation says so."""
        proposal = self.get_object()  # 404 across organizations before any 400 about the body
        body = SwapSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = services.proposal_swap(
            proposal=proposal, mentor_id=body.validated_data["mentor"], actor=request.user
        )
        return Response(ProposalSerializer(proposal).data)
