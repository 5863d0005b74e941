"""Program health API (HR admins): a program's dashboard figures, its nudges (list and send),
and the organization's overview. The same selectors and services as the pages; a program of
another organization is 404."""

from __future__ import annotations

import zoneinfo

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from insights import selectors
from insights.models import Nudge
from insights.services import nudges as nudge_services
from mentoring.models import Program
from turazo.core.api import IsOrganizationAdmin, TenantViewSetMixin
from turazo.core.tenancy import get_for_org

# --- Serializers ---------------------------------------------------------------------------------


class PeriodQuerySerializer(serializers.Serializer):
    start = serializers.DateField(
        required=False, help_text="First day (inclusive). Default: 12 weeks ago, or the program's start when closed."
    )
    end = serializers.DateField(
        required=False, help_text="Last day (inclusive). Default: today, or the program's end when closed."
    )
    timezone = serializers.CharField(
        required=False,
        max_length=64,
        help_text="IANA zone whose Mondays start the weeks, e.g. Europe/Berlin. Default: yours.",
    )

    def validate_timezone(self, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as e:
            raise serializers.ValidationError(_("Unknown time zone; use an IANA name such as Europe/Berlin.")) from e
        return value

    def validate(self, data: dict) -> dict:
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None):
            raise serializers.ValidationError(_("Give both start and end, or neither."))
        if start and end and end < start:
            raise serializers.ValidationError({"end": [_("The end is before the start.")]})
        if start and end and (end - start).days > 3 * 366:
            raise serializers.ValidationError({"end": [_("Choose at most three years.")]})
        return data


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    timezone = serializers.CharField()


class FunnelStepSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    mentors = serializers.IntegerField()
    mentees = serializers.IntegerField()
    total = serializers.IntegerField()
    conversion = serializers.FloatField(allow_null=True, help_text="Percent of the previous step; null for the first.")


class WeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday starting the week, on the requested zone's clock.")
    held = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    no_show = serializers.IntegerField()
    scheduled = serializers.IntegerField()


class ScoreBucketSerializer(serializers.Serializer):
    low = serializers.IntegerField()
    high = serializers.IntegerField()
    count = serializers.IntegerField()


class RatingWeekSerializer(serializers.Serializer):
    week = serializers.DateField()
    average = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField()


class CommentSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session_id")
    role = serializers.CharField()
    rating = serializers.IntegerField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class PendingRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    mentee = serializers.IntegerField(source="mentee_id")
    mentor = serializers.IntegerField(source="mentor_id")
    created_at = serializers.DateTimeField()


class RequestFiguresSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    oldest_pending_at = serializers.DateTimeField(allow_null=True)
    accepted = serializers.IntegerField()
    declined = serializers.IntegerField()
    expired = serializers.IntegerField()
    acceptance_rate = serializers.FloatField(allow_null=True, help_text="Percent of answered requests accepted.")
    median_answer_hours = serializers.FloatField(allow_null=True)
    oldest = PendingRequestSerializer(many=True)


class QuietPairSerializer(serializers.Serializer):
    mentorship = serializers.IntegerField(source="pk")
    mentor = serializers.IntegerField(source="mentor_id")
    mentee = serializers.IntegerField(source="mentee_id")
    last_activity = serializers.DateTimeField()
    last_held = serializers.DateTimeField(allow_null=True)
    mentor_nudged = serializers.BooleanField(help_text="Nudged about this pair this week.")
    mentee_nudged = serializers.BooleanField()


class RatingSummarySerializer(serializers.Serializer):
    average = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    program = serializers.IntegerField(source="program.pk")
    period = serializers.SerializerMethodField()
    funnel = FunnelStepSerializer(many=True)
    weeks = WeekSerializer(many=True)
    scores = ScoreBucketSerializer(many=True)
    ratings = RatingWeekSerializer(many=True)
    rating_summary = RatingSummarySerializer()
    comments = CommentSerializer(many=True)
    requests = RequestFiguresSerializer()
    quiet = QuietPairSerializer(many=True, help_text="The quietest pairs first (at most 50).")
    quiet_count = serializers.IntegerField()

    @extend_schema_field(PeriodSerializer)
    def get_period(self, d: selectors.Dashboard) -> dict:
        return PeriodSerializer({"start": d.period.start, "end": d.period.end, "timezone": str(d.period.zone)}).data


class NudgeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Nudge
        fields = [
            "id", "program", "participant", "mentorship", "kind", "week", "message", "sent_by", "automatic",
            "status", "sent_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class NudgeSendSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Nudge.Kind.choices)
    message = serializers.CharField(
        required=False, allow_blank=True, max_length=nudge_services.MESSAGE_MAX, help_text="Empty: the standard one."
    )
    participants = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=nudge_services.BULK_MAX,
        help_text="kind=profile: the people to nudge (joined, profile incomplete).",
    )  # fmt: skip
    mentorships = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=nudge_services.BULK_MAX,
        help_text="kind=no_session or quiet_pair: the pairs whose two people to nudge.",
    )  # fmt: skip


class NudgeSentSerializer(serializers.Serializer):
    sent = NudgeSerializer(many=True)
    already_nudged = serializers.ListField(
        child=serializers.IntegerField(), help_text="Participants skipped: already nudged about this kind this week."
    )


class ProgramHealthSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    participant_count = serializers.IntegerField()
    mentee_count = serializers.IntegerField()
    matched_percent = serializers.IntegerField(allow_null=True, help_text="Mentees with an active mentor.")
    sessions_30d = serializers.IntegerField(help_text="Sessions held in the last 30 days.")
    quiet_pairs = serializers.IntegerField(allow_null=True, help_text="Null for closed programs.")
    average_rating = serializers.FloatField(allow_null=True)


# --- Views ---------------------------------------------------------------------------------------


class _ProgramView(TenantViewSetMixin, generics.GenericAPIView):
    queryset = Program.objects.all()
    permission_classes = [IsOrganizationAdmin]

    def check_parent_objects(self) -> None:
        if not getattr(self, "swagger_fake_view", False):
            self.program = get_for_org(Program, self.request.organization, pk=self.kwargs["pk"])


class DashboardView(_ProgramView):
    """A program's dashboard figures for a period (weeks on the given zone's clock)."""

    serializer_class = DashboardSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, description="YYYY-MM-DD"),
            OpenApiParameter("end", str, description="YYYY-MM-DD"),
            OpenApiParameter("timezone", str, description="IANA zone, e.g. Europe/Berlin"),
        ],
        responses=DashboardSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        zone_name = query.validated_data.get("timezone") or getattr(request._request, "timezone_name", "") or "UTC"
        try:
            zone = zoneinfo.ZoneInfo(zone_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        if "start" in query.validated_data:
            period = selectors.Period(query.validated_data["start"], query.validated_data["end"], zone)
        else:
            period = selectors.Period.default_for(self.program, zone)
        return Response(DashboardSerializer(selectors.dashboard(self.program, period)).data)


class NudgeListView(_ProgramView):
    """A program's nudges, newest first (GET); nudge people or pairs (POST). One nudge per
    person, kind and ISO week: those already nudged are skipped and listed."""

    serializer_class = NudgeSerializer
    parser_classes = [JSONParser]  # lists of ids: a form body of 500 ids would hit the field limit

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Nudge.objects.none()
        return Nudge.objects.filter(program=self.program).order_by("-created_at", "-pk")

    @extend_schema(responses=NudgeSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(NudgeSerializer(page, many=True).data)

    @extend_schema(request=NudgeSendSerializer, responses={201: NudgeSentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        body = NudgeSendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = nudge_services.nudges_send(
            program=self.program,
            kind=data["kind"],
            actor=request.user,
            message=data.get("message", ""),
            participant_ids=data.get("participants") or [],
            mentorship_ids=data.get("mentorships") or [],
        )
        out = {"sent": NudgeSerializer(result.sent, many=True).data, "already_nudged": [p.pk for p in result.already]}
        return Response(out, status=status.HTTP_201_CREATED)


class OverviewView(TenantViewSetMixin, generics.GenericAPIView):
    """Every program of your organization with its health."""

    queryset = Program.objects.all()
    permission_classes = [IsOrganizationAdmin]
    serializer_class = ProgramHealthSerializer
    pagination_class = None

    @extend_schema(responses=ProgramHealthSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ProgramHealthSerializer(selectors.organization_overview(request.organization), many=True).data)
