"""Scheduling API: availability, free slots, sessions (book, reschedule, cancel, no-show),
feedback and a program's scheduling rules. The same services and errors as the pages:
a taken slot is 409 with ``next_slots``; anything not yours is 404."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentoring.models import Program
from mentoring.services.profiles import get_participant_for_profile
from scheduling import selectors
from scheduling.models import Availability, Feedback, SchedulingPolicy, Session
from scheduling.services import availability as availability_services
from scheduling.services import feedback as feedback_services
from scheduling.services import sessions as session_services
from scheduling.services.free_time import free_slots_between
from scheduling.services.policy import policy_for, policy_update
from turazo.core.api import IsOrganizationAdmin, LocalTimeField, TenantViewSetMixin
from turazo.core.errors import ValidationFailed
from turazo.core.tenancy import get_for_org

MAX_SLOT_WINDOW = timedelta(days=62)

# --- Serializers ------------------------------------------------------------------------------


def _hm(t: time) -> str:
    return f"{t:%H:%M}"


class IntervalField(serializers.ListField):
    """["09:00", "12:30"]: a wall-clock interval; an end not after the start runs past midnight."""

    child = LocalTimeField()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_length=2, max_length=2, **kwargs)


class AvailabilitySerializer(serializers.Serializer):
    participant = serializers.IntegerField(read_only=True, source="participant_id")
    timezone = serializers.CharField(help_text="IANA zone the hours are in, e.g. Europe/Berlin.")
    applies = serializers.BooleanField(
        required=False, help_text="Mentees: only offer times inside this availability. Always true for mentors."
    )
    video_room_url = serializers.CharField(
        required=False, allow_blank=True, help_text="Mentors: their own https:// video room, used for their sessions."
    )
    weekly = serializers.DictField(
        child=serializers.ListField(child=IntervalField()),
        help_text='Weekday "0" (Monday) to "6" (Sunday) -> list of ["HH:MM", "HH:MM"]. Missing weekdays: unavailable.',
    )
    overrides = serializers.DictField(
        child=serializers.ListField(child=IntervalField()),
        required=False,
        help_text='"YYYY-MM-DD" -> intervals that replace that date\'s weekly hours; [] is a day off. '
        "When sent, replaces every override from today on.",
    )

    def to_representation(self, availability: Availability) -> dict:
        weekly = availability_services.weekly_intervals(availability)
        today = timezone.now().date() - timedelta(days=1)
        return {
            "participant": availability.participant_id,
            "timezone": availability.timezone,
            "applies": availability.applies,
            "video_room_url": availability.video_room_url,
            "weekly": {str(d): [[_hm(s), _hm(e)] for s, e in ivs] for d, ivs in weekly.items()},
            "overrides": {
                d.isoformat(): [[_hm(s), _hm(e)] for s, e in ivs]
                for d, ivs in availability_services.date_overrides(availability, since=today).items()
            },
        }


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class SessionPersonSerializer(serializers.Serializer):
    participant = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")
    email = serializers.SerializerMethodField()

    def get_email(self, participant) -> str:
        return participant.user.email if participant.user_id else participant.email


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ["id", "role", "rating", "comment", "private_note", "shared", "created_at", "updated_at"]
        read_only_fields = ["id", "role", "created_at", "updated_at"]


class SessionSerializer(serializers.ModelSerializer):
    mentor = SessionPersonSerializer(read_only=True)
    mentee = SessionPersonSerializer(read_only=True)
    my_role = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id", "mentorship", "program", "mentor", "mentee", "my_role", "start", "end", "status", "agenda",
            "video_url", "calendar_uid", "sequence", "reschedule_count", "cancelled_at", "cancel_reason",
            "late_cancellation", "no_show_role", "feedback", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_my_role(self, session: Session) -> str | None:
        return session.role_of(self.context["request"].user)

    @extend_schema_field(FeedbackSerializer(many=True))
    def get_feedback(self, session: Session) -> list[dict]:
        """The caller's own feedback; the other person's only when they shared it (rating and
        comment, never the private note); everything for the program's HR admins."""
        user = self.context["request"].user
        role = session.role_of(user)
        out = []
        for f in session.feedback.all():
            if role is None or f.author_id == user.pk:
                out.append(FeedbackSerializer(f).data)
            elif f.shared:
                out.append({"id": f.id, "role": f.role, "rating": f.rating, "comment": f.comment, "shared": True})
        return out


class BookSerializer(serializers.Serializer):
    mentorship = serializers.IntegerField(help_text="The id of the mentorship (pair) to book for.")
    start = serializers.DateTimeField(help_text="A free slot's start, with its zone (e.g. 2027-03-01T09:00:00Z).")
    agenda = serializers.CharField(required=False, allow_blank=True, max_length=session_services.MAX_AGENDA)


class RescheduleSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=session_services.MAX_NOTE)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=session_services.MAX_NOTE)


class FeedbackInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    private_note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    shared = serializers.BooleanField(required=False, default=False)


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = SchedulingPolicy
        fields = [
            "buffer_before_minutes", "buffer_after_minutes", "min_notice_hours", "horizon_days", "grid_minutes",
            "max_sessions_per_week", "remind_24h", "remind_1h", "feedback_requests",
        ]  # fmt: skip
        extra_kwargs = {"max_sessions_per_week": {"required": False}}


# --- Views --------------------------------------------------------------------------------------


class AvailabilityView(TenantViewSetMixin, generics.GenericAPIView):
    """A participant's availability: the participant themself or an HR admin (404 for anyone else)."""

    queryset = Availability.objects.all()
    serializer_class = AvailabilitySerializer

    def get_object(self) -> Availability:
        participant = get_participant_for_profile(membership=self.request.membership, pk=self.kwargs["pk"])
        return availability_services.availability_get_or_create(participant=participant)

    def get(self, request: Request, pk: int) -> Response:
        return Response(AvailabilitySerializer(self.get_object()).data)

    def put(self, request: Request, pk: int) -> Response:
        availability = self.get_object()
        body = AvailabilitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        weekly: dict[int, list] = {}
        for key, intervals in data["weekly"].items():
            if not str(key).isdigit():
                raise ValidationFailed(
                    _("Weekly availability is keyed by weekday numbers 0 (Monday) to 6 (Sunday)."),
                    fields={"weekly": [_("%(key)s is not a weekday number.") % {"key": repr(key)}]},
                )
            weekly[int(key)] = [tuple(iv) for iv in intervals]
        overrides: dict[date, list] = {}
        for key, intervals in (data.get("overrides") or {}).items():
            try:
                overrides[date.fromisoformat(key)] = [tuple(iv) for iv in intervals]
            except ValueError:
                raise ValidationFailed(
                    _("Overrides are keyed by dates as YYYY-MM-DD."),
                    fields={"overrides": [_("%(key)s is not a date.") % {"key": repr(key)}]},
                )
        with transaction.atomic():
            availability_services.availability_update_settings(
                availability=availability,
                timezone=data["timezone"],
                applies=data.get("applies"),
                video_room_url=data.get("video_room_url"),
            )
            availability_services.availability_set_week(availability=availability, weekly=weekly)
            if "overrides" in data:
                today = timezone.now().date() - timedelta(days=1)
                availability.overrides.filter(date__gte=today).delete()
                for day, intervals in sorted(overrides.items()):
                    availability_services.availability_set_date(availability=availability, day=day, intervals=intervals)
        availability = Availability.objects.prefetch_related("rules", "overrides").get(pk=availability.pk)
        return Response(AvailabilitySerializer(availability).data)


class FreeSlotsView(TenantViewSetMixin, generics.GenericAPIView):
    """Free slots of a pair (the caller must be its mentor or mentee), in UTC, earliest first."""

    queryset = Session.objects.all()
    serializer_class = SlotSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="ISO datetime; default now."),
            OpenApiParameter("to", str, description="ISO datetime; default from + 7 days; at most 62 days after from."),
            OpenApiParameter("limit", int, description="At most this many slots (default 500)."),
        ],
        responses=SlotSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        mentorship = selectors.mentorship_for_booking(user=request.user, membership=request.membership, pk=pk)
        now = timezone.now()
        after = _parse_dt(request.query_params.get("from"), "from") or now
        before = _parse_dt(request.query_params.get("to"), "to") or after + timedelta(days=7)
        if before <= after:
            raise ValidationFailed(_("“to” must be after “from”."), fields={"to": [_("Must be after from.")]})
        if before - after > MAX_SLOT_WINDOW:
            raise ValidationFailed(
                _("Ask for at most 62 days at a time."), fields={"to": [_("At most 62 days after from.")]}
            )
        limit = request.query_params.get("limit", "500")
        if not limit.isdigit() or not 1 <= int(limit) <= 2000:
            raise ValidationFailed(_("limit is a whole number from 1 to 2000."), fields={"limit": [_("1 to 2000.")]})
        _complete, found = free_slots_between(
            mentorship=mentorship, after=after, before=before, now=now, limit=int(limit)
        )
        return Response([{"start": s.start.isoformat(), "end": s.end.isoformat()} for s in found])


def _parse_dt(value: str | None, field: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise ValidationFailed(
            _("“%(field)s” must be an ISO date and time with a zone, e.g. 2027-03-01T00:00:00Z.") % {"field": field},
            fields={field: [_("An ISO datetime with a zone is required.")]},
        )
    return parsed.astimezone(UTC)


class SessionViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your sessions (an HR admin sees every session of the organization). Book with POST;
    reschedule, cancel and report a no-show with the actions; feedback under /feedback/."""

    queryset = Session.objects.all()
    serializer_class = SessionSerializer

    def get_queryset(self):
        qs = selectors.sessions_visible(self.request.user, self.request.membership).prefetch_related("feedback")
        params = self.request.query_params
        if params.get("mine") in ("1", "true"):
            qs = qs.involving(self.request.user)
        if params.get("status") in Session.Status.values:
            qs = qs.filter(status=params["status"])
        if params.get("program", "").isdigit():
            qs = qs.filter(program_id=int(params["program"]))
        return qs.order_by("start", "pk")

    def _mine(self, verb: str) -> Session:
        return selectors.session_for_participant(
            user=self.request.user, membership=self.request.membership, pk=self.kwargs["pk"], verb=verb
        )

    def _out(self, session: Session, code: int = status.HTTP_200_OK) -> Response:
        session = selectors.session_for_viewer(
            user=self.request.user, membership=self.request.membership, pk=session.pk
        )
        return Response(SessionSerializer(session, context={"request": self.request}).data, status=code)

    @extend_schema(request=BookSerializer, responses={201: SessionSerializer})
    def create(self, request: Request) -> Response:
        body = BookSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            mentorship = selectors.mentorship_for_booking(
                user=request.user, membership=request.membership, pk=data["mentorship"]
            )
        except Http404:
            raise ValidationFailed(
                _("No such mentorship of yours."), fields={"mentorship": [_("Give the id of a pair you are part of.")]}
            )
        session = session_services.session_book(
            mentorship=mentorship, start=data["start"], actor=request.user, agenda=data.get("agenda", "")
        )
        return self._out(session, status.HTTP_201_CREATED)

    @extend_schema(request=RescheduleSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: int) -> Response:
        session = self._mine("reschedule")
        body = RescheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        session = session_services.session_reschedule(
            session=session,
            start=body.validated_data["start"],
            actor=request.user,
            note=body.validated_data.get("note", ""),
        )
        return self._out(session)

    @extend_schema(request=CancelSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: int) -> Response:
        session = self._mine("cancel")
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        session = session_services.session_cancel(
            session=session, actor=request.user, reason=body.validated_data.get("reason", "")
        )
        return self._out(session)

    @extend_schema(request=None, responses=SessionSerializer)
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request: Request, pk: int) -> Response:
        session = session_services.session_report_no_show(
            session=self._mine("report a no-show for"), actor=request.user
        )
        return self._out(session)

    @extend_schema(methods=["GET"], responses=FeedbackSerializer)
    @extend_schema(methods=["PUT"], request=FeedbackInputSerializer, responses=FeedbackSerializer)
    @action(detail=True, methods=["get", "put"])
    def feedback(self, request: Request, pk: int) -> Response:
        """Your feedback on the session (GET 404 until you gave it; PUT creates or changes it)."""
        session = self._mine("give feedback on")
        if request.method == "GET":
            mine = Feedback.objects.filter(session=session, author=request.user).first()
            if mine is None:
                raise Http404("You have not given feedback on this session yet.")
            return Response(FeedbackSerializer(mine).data)
        body = FeedbackInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        feedback = feedback_services.feedback_submit(session=session, actor=request.user, **body.validated_data)
        return Response(FeedbackSerializer(feedback).data)


class PolicyView(TenantViewSetMixin, generics.GenericAPIView):
    """A program's scheduling rules (HR admins)."""

    queryset = SchedulingPolicy.objects.all()
    serializer_class = PolicySerializer
    permission_classes = [IsOrganizationAdmin]

    def check_parent_objects(self) -> None:
        if not getattr(self, "swagger_fake_view", False):
            self.program = get_for_org(Program, self.request.organization, pk=self.kwargs["pk"])

    def get(self, request: Request, pk: int) -> Response:
        return Response(PolicySerializer(policy_for(self.program)).data)

    def patch(self, request: Request, pk: int) -> Response:
        body = PolicySerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        policy = policy_update(policy=policy_for(self.program), data=dict(body.validated_data))
        return Response(PolicySerializer(policy).data)
