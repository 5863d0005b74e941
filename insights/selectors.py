"""The figures of a program's dashboard, each computed by the database in a fixed number of
queries whatever the cohort size: conditional counts, GROUP BY week, correlated subqueries;
never a loop over rows in Python. tests/insights/test_figures.py recounts every figure in
plain Python over a generated program; test_query_count.py holds the number of queries.

Weeks start on Monday at 00:00 on the viewer's clock (``TruncWeek`` with the viewer's zone,
so a week across a daylight-saving change is still one week of 167 or 169 hours)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    Exists,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncWeek
from django.utils import timezone

from insights.models import Nudge, iso_week
from matching.models import MentorshipRequest
from mentoring.models import Invitation, Mentorship, Organization, Participant, Program
from scheduling.models import Feedback, Session

QUIET_FACTOR = 2  # a pair is quiet after twice the program's cadence without a session
QUIET_PAGE = 50  # quiet pairs listed on the dashboard (the count covers all)
LATEST_COMMENTS = 8
OLDEST_PENDING = 8
SCORE_BUCKETS = [(lo, lo + 10) for lo in range(0, 100, 10)]
ANSWERED = (MentorshipRequest.Status.ACCEPTED, MentorshipRequest.Status.DECLINED, MentorshipRequest.Status.EXPIRED)
HELD = Session.Status.COMPLETED


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end`` (both dates included) on the viewer's clock ``zone``."""

    start: date
    end: date
    zone: ZoneInfo

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), tzinfo=self.zone)

    @property
    def end_at(self) -> datetime:
        """The first instant after the period (midnight after ``end``)."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=self.zone)

    def weeks(self) -> list[date]:
        """The Monday of every week the period touches."""
        monday = self.start - timedelta(days=self.start.weekday())
        out = []
        while monday <= self.end:
            out.append(monday)
            monday += timedelta(days=7)
        return out

    @classmethod
    def default_for(cls, program: Program, zone: ZoneInfo, today: date | None = None) -> Period:
        """A closed program: its whole span. Otherwise the last 12 weeks up to today (never
        before the program's start)."""
        today = today or timezone.localdate(timezone=zone)
        if program.status == Program.Status.CLOSED:
            return cls(start=program.start_date, end=max(program.end_date, program.start_date), zone=zone)
        start = max(program.start_date, today - timedelta(weeks=12) + timedelta(days=1))
        return cls(start=min(start, today), end=today, zone=zone)


# --- Funnel ------------------------------------------------------------------------------------

FUNNEL_STEPS = [
    ("invited", "Invited"),
    ("joined", "Joined"),
    ("complete", "Profile complete"),
    ("matched", "Matched"),
    ("first_session", "First session held"),
    ("three_sessions", "3+ sessions held"),
]


@dataclass
class FunnelStep:
    key: str
    label: str
    mentors: int
    mentees: int
    total: int
    conversion: float | None  # percent of the previous step's total; None for the first step


def _held_count(role: str) -> Subquery:
    held = (
        Session.objects.filter(**{role: OuterRef("pk")}, status=HELD)
        .order_by()
        .values(role)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(held, output_field=IntegerField()), 0)


def funnel_people(program: Program) -> QuerySet[Participant]:
    """The program's current participants (not removed), each annotated with the booleans
    and counts the funnel steps test. Each step includes the previous one."""
    invited = Q(status__in=[Participant.Status.ACTIVE, Participant.Status.DECLINED]) | Q(has_invitation=True)
    return (
        Participant.objects.filter(program=program)
        .exclude(status=Participant.Status.REMOVED)
        .annotate(
            has_invitation=Exists(Invitation.objects.filter(participant=OuterRef("pk"))),
            matched=Exists(Mentorship.objects.filter(Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk")))),
            held=Case(
                When(role=Participant.Role.MENTOR, then=_held_count("mentor")),
                default=_held_count("mentee"),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            step_invited=Case(When(invited, then=Value(1)), default=Value(0)),
        )
    )


def funnel(program: Program) -> list[FunnelStep]:
    """invited → joined → profile complete → matched → first session held → 3+ sessions, for
    mentors, mentees and both, as of now (one query)."""
    joined = Q(step_invited=1, status=Participant.Status.ACTIVE)
    conditions = {
        "invited": Q(step_invited=1),
        "joined": joined,
        "complete": joined & Q(completeness=100),
        "matched": joined & Q(completeness=100, matched=True),
        "first_session": joined & Q(completeness=100, matched=True, held__gte=1),
        "three_sessions": joined & Q(completeness=100, matched=True, held__gte=3),
    }
    aggregates = {}
    for key, condition in conditions.items():
        aggregates[f"{key}__mentor"] = Count("pk", filter=condition & Q(role=Participant.Role.MENTOR))
        aggregates[f"{key}__mentee"] = Count("pk", filter=condition & Q(role=Participant.Role.MENTEE))
    row = funnel_people(program).aggregate(**aggregates)
    steps: list[FunnelStep] = []
    for key, label in FUNNEL_STEPS:
        mentors, mentees = row[f"{key}__mentor"], row[f"{key}__mentee"]
        total = mentors + mentees
        previous = steps[-1].total if steps else None
        conversion = None if previous is None else (round(100 * total / previous, 1) if previous else 0.0)
        steps.append(FunnelStep(key, label, mentors, mentees, total, conversion))
    return steps


def profile_incomplete(program: Program) -> QuerySet[Participant]:
    """Joined but profile incomplete: the people a "complete your profile" nudge is for."""
    return (
        Participant.objects.filter(program=program, status=Participant.Status.ACTIVE, completeness__lt=100)
        .select_related("user")
        .order_by("completeness", "full_name", "pk")
    )


def matched_no_session(program: Program) -> QuerySet[Mentorship]:
    """Active pairs that have never had a session held or booked (cancelled ones don't count)."""
    return (
        Mentorship.objects.filter(program=program, status=Mentorship.Status.ACTIVE)
        .exclude(Exists(Session.objects.filter(mentorship=OuterRef("pk")).exclude(status=Session.Status.CANCELLED)))
        .select_related("mentor__user", "mentee__user")
        .order_by("created_at", "pk")
    )


# --- Sessions per week, scores, feedback -----------------------------------------------------


@dataclass
class WeekRow:
    week: date
    held: int = 0
    cancelled: int = 0
    no_show: int = 0
    scheduled: int = 0


def sessions_per_week(program: Program, period: Period) -> list[WeekRow]:
    """Sessions starting in the period, by week of their start on the viewer's clock and by
    status; every week of the period has a row (one query)."""
    rows = (
        Session.objects.filter(program=program, start__gte=period.start_at, start__lt=period.end_at)
        .annotate(week=TruncWeek("start", tzinfo=period.zone))
        .order_by()
        .values("week")
        .annotate(
            held=Count("pk", filter=Q(status=HELD)),
            cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
            no_show=Count("pk", filter=Q(status=Session.Status.NO_SHOW)),
            scheduled=Count("pk", filter=Q(status=Session.Status.SCHEDULED)),
        )
    )
    by_week = {_week_date(r["week"], period.zone): r for r in rows}
    out = []
    for monday in period.weeks():
        r = by_week.get(monday)
        out.append(WeekRow(monday, r["held"], r["cancelled"], r["no_show"], r["scheduled"]) if r else WeekRow(monday))
    return out


def _week_date(value: datetime | date, zone: ZoneInfo) -> date:
    if isinstance(value, datetime):
        return (timezone.localtime(value, zone) if timezone.is_aware(value) else value).date()
    return value


@dataclass
class ScoreBucket:
    low: int
    high: int
    count: int

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}"


def score_distribution(program: Program, period: Period | None = None) -> list[ScoreBucket]:
    """Match scores of the program's pairs (active and ended) in steps of 10 (one query).
    With a period: the pairs that started in it."""
    qs = Mentorship.objects.filter(program=program, score__isnull=False)
    if period is not None:
        qs = qs.filter(created_at__gte=period.start_at, created_at__lt=period.end_at)
    aggregates = {}
    for low, high in SCORE_BUCKETS:
        upper = Q(score__lte=high) if high == 100 else Q(score__lt=high)
        aggregates[f"b{low}"] = Count("pk", filter=Q(score__gte=low) & upper)
    row = qs.aggregate(**aggregates)
    return [ScoreBucket(low, high, row[f"b{low}"]) for low, high in SCORE_BUCKETS]


@dataclass
class RatingWeek:
    week: date
    average: float | None
    count: int


def ratings_per_week(program: Program, period: Period) -> list[RatingWeek]:
    """Average feedback rating by week of the session's start (viewer's clock; one query)."""
    rows = (
        Feedback.objects.filter(
            session__program=program, session__start__gte=period.start_at, session__start__lt=period.end_at
        )
        .annotate(week=TruncWeek("session__start", tzinfo=period.zone))
        .order_by()
        .values("week")
        .annotate(average=Avg("rating"), count=Count("pk"))
    )
    by_week = {_week_date(r["week"], period.zone): r for r in rows}
    return [
        RatingWeek(m, round(by_week[m]["average"], 2), by_week[m]["count"]) if m in by_week else RatingWeek(m, None, 0)
        for m in period.weeks()
    ]


def ratings_summary(program: Program, period: Period) -> dict:
    return Feedback.objects.filter(
        session__program=program, session__start__gte=period.start_at, session__start__lt=period.end_at
    ).aggregate(average=Avg("rating"), count=Count("pk"))


def latest_comments(program: Program, period: Period, limit: int = LATEST_COMMENTS) -> list[Feedback]:
    """The newest feedback comments of the period. Admins may read every rating and comment
    (the private note too, but that is the sessions page's business, not a dashboard's)."""
    return list(
        Feedback.objects.filter(
            session__program=program,
            session__start__gte=period.start_at,
            session__start__lt=period.end_at,
        )
        .exclude(comment="")
        .select_related("session__mentor", "session__mentee")
        .order_by("-created_at", "-pk")[:limit]
    )


# --- Requests ----------------------------------------------------------------------------------


@dataclass
class RequestFigures:
    pending: int
    oldest_pending_at: datetime | None
    accepted: int
    declined: int
    expired: int
    acceptance_rate: float | None  # percent of answered (accepted, declined, expired)
    median_answer_hours: float | None  # accepted or declined, created to answered
    oldest: list[MentorshipRequest] = field(default_factory=list)


class _Median(Avg):
    """PostgreSQL's exact median of seconds; SQLite has no percentile, see ``_answer_median``."""

    function = "PERCENTILE_CONT"
    name = "median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def request_figures(program: Program, period: Period) -> RequestFigures:
    """Pending requests (now) with their age; acceptance rate and median time to answer of the
    requests answered in the period (three queries)."""
    qs = MentorshipRequest.objects.filter(program=program)
    in_period = Q(answered_at__gte=period.start_at, answered_at__lt=period.end_at)
    row = qs.aggregate(
        pending=Count("pk", filter=Q(status=MentorshipRequest.Status.PENDING)),
        oldest=Min("created_at", filter=Q(status=MentorshipRequest.Status.PENDING)),
        accepted=Count("pk", filter=in_period & Q(status=MentorshipRequest.Status.ACCEPTED)),
        declined=Count("pk", filter=in_period & Q(status=MentorshipRequest.Status.DECLINED)),
        expired=Count("pk", filter=in_period & Q(status=MentorshipRequest.Status.EXPIRED)),
    )
    answered = row["accepted"] + row["declined"] + row["expired"]
    oldest = list(
        qs.filter(status=MentorshipRequest.Status.PENDING)
        .select_related("mentee", "mentor")
        .order_by("created_at", "pk")[:OLDEST_PENDING]
    )
    return RequestFigures(
        pending=row["pending"],
        oldest_pending_at=row["oldest"],
        accepted=row["accepted"],
        declined=row["declined"],
        expired=row["expired"],
        acceptance_rate=round(100 * row["accepted"] / answered, 1) if answered else None,
        median_answer_hours=_answer_median(
            qs.filter(in_period, status__in=[MentorshipRequest.Status.ACCEPTED, MentorshipRequest.Status.DECLINED])
        ),
        oldest=oldest,
    )


def _answer_median(qs: QuerySet[MentorshipRequest]) -> float | None:
    if connection.vendor == "postgresql":
        from django.db.models.expressions import RawSQL

        seconds = RawSQL('EXTRACT(EPOCH FROM ("answered_at" - "created_at"))', ())
        value = qs.aggregate(m=_Median(seconds, output_field=FloatField()))["m"]
        return None if value is None else round(value / 3600, 1)
    # SQLite (make run): one query too, the median taken in Python over the answered rows.
    spans = [(a - c).total_seconds() for c, a in qs.values_list("created_at", "answered_at")]
    return round(median(spans) / 3600, 1) if spans else None


# --- Quiet pairs -------------------------------------------------------------------------------


def with_activity(mentorships: QuerySet[Mentorship], now: datetime) -> QuerySet[Mentorship]:
    """Each pair with ``last_held`` (start of its latest held session), ``last_booked`` (when
    its latest live session was booked), ``last_activity`` (the latest of those and the
    pair's start) and ``has_upcoming`` (a scheduled session still to come)."""
    sessions = Session.objects.filter(mentorship=OuterRef("pk")).order_by()
    last_held = sessions.filter(status=HELD).values("mentorship").annotate(m=Max("start")).values("m")
    last_booked = (
        sessions.exclude(status=Session.Status.CANCELLED).values("mentorship").annotate(m=Max("created_at")).values("m")
    )
    return mentorships.annotate(
        last_held=Subquery(last_held, output_field=DateTimeField()),
        last_booked=Subquery(last_booked, output_field=DateTimeField()),
        has_upcoming=Exists(sessions.filter(status=Session.Status.SCHEDULED, end__gt=now)),
    ).annotate(
        last_activity=Greatest(
            "created_at", Coalesce("last_held", "created_at"), Coalesce("last_booked", "created_at"),
            output_field=DateTimeField(),
        )
    )  # fmt: skip


def quiet_threshold(program: Program, now: datetime) -> datetime:
    return now - timedelta(days=QUIET_FACTOR * program.cadence_days)


def quiet_pairs(program: Program, now: datetime | None = None) -> QuerySet[Mentorship]:
    """Active pairs with no session held or booked for twice the program's cadence and
    nothing coming up, the quietest first, each with its last activity and whether each
    person was already nudged about it this week."""
    now = now or timezone.now()
    week = iso_week(now)
    nudged = Nudge.objects.filter(kind=Nudge.Kind.QUIET_PAIR, week=week)
    return (
        with_activity(Mentorship.objects.filter(program=program, status=Mentorship.Status.ACTIVE), now)
        .filter(has_upcoming=False, last_activity__lt=quiet_threshold(program, now))
        .annotate(
            mentor_nudged=Exists(nudged.filter(participant=OuterRef("mentor"))),
            mentee_nudged=Exists(nudged.filter(participant=OuterRef("mentee"))),
        )
        .select_related("mentor", "mentee")
        .order_by("last_activity", "pk")
    )


# --- Nudges ------------------------------------------------------------------------------------


def nudged_this_week(program: Program, kind: str, now: datetime | None = None) -> set[int]:
    """Ids of the program's people already nudged about ``kind`` this ISO week."""
    week = iso_week(now or timezone.now())
    return set(Nudge.objects.filter(program=program, kind=kind, week=week).values_list("participant_id", flat=True))


def recent_nudges(program: Program, limit: int = 20) -> list[Nudge]:
    return list(
        Nudge.objects.filter(program=program)
        .select_related("participant", "sent_by")
        .order_by("-created_at", "-pk")[:limit]
    )


# --- Organization overview ---------------------------------------------------------------------


def organization_overview(organization: Organization, now: datetime | None = None) -> list[Program]:
    """Every program of the organization with its health, in two queries: the programs with
    their counts (correlated subqueries), then the quiet pairs of all of them at once (each
    program's own cadence is part of the one WHERE clause)."""
    now = now or timezone.now()
    participants = Participant.objects.filter(program=OuterRef("pk")).exclude(status=Participant.Status.REMOVED)

    def count(qs: QuerySet) -> Coalesce:
        return Coalesce(
            Subquery(qs.order_by().values("program").annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            0,
        )

    mentees = participants.filter(role=Participant.Role.MENTEE)
    matched_mentees = mentees.filter(
        Exists(Mentorship.objects.filter(mentee=OuterRef("pk"), status=Mentorship.Status.ACTIVE))
    )
    recent = Session.objects.filter(
        program=OuterRef("pk"), status=HELD, start__gte=now - timedelta(days=30), start__lt=now
    )
    rating = (
        Feedback.objects.filter(session__program=OuterRef("pk"))
        .order_by()
        .values("session__program")
        .annotate(a=Avg("rating"))
        .values("a")
    )
    programs = list(
        Program.objects.for_organization(organization)
        .annotate(
            participant_count=count(participants),
            mentee_count=count(mentees),
            matched_mentee_count=count(matched_mentees),
            sessions_30d=count(recent),
            average_rating=Subquery(rating, output_field=FloatField()),
        )
        .order_by("-start_date", "name", "pk")
    )
    live = [p for p in programs if p.status != Program.Status.CLOSED]
    quiet: dict[int, int] = {}
    if live:
        condition = Q()
        for p in live:
            condition |= Q(program=p, last_activity__lt=quiet_threshold(p, now))
        quiet = dict(
            with_activity(Mentorship.objects.filter(program__in=live, status=Mentorship.Status.ACTIVE), now)
            .filter(condition, has_upcoming=False)
            .order_by()
            .values("program")
            .annotate(n=Count("pk"))
            .values_list("program", "n")
        )
    for p in programs:
        p.quiet_pairs = quiet.get(p.pk, 0) if p.status != Program.Status.CLOSED else None
        p.matched_percent = round(100 * p.matched_mentee_count / p.mentee_count) if p.mentee_count else None
    return programs


# --- Everything at once ------------------------------------------------------------------------


@dataclass
class Dashboard:
    program: Program
    period: Period
    now: datetime
    funnel: list[FunnelStep]
    weeks: list[WeekRow]
    scores: list[ScoreBucket]
    ratings: list[RatingWeek]
    rating_summary: dict
    comments: list[Feedback]
    requests: RequestFigures
    quiet: list[Mentorship]
    quiet_count: int
    nudges: list[Nudge]

    @property
    def session_totals(self) -> dict[str, int]:
        return {
            "held": sum(w.held for w in self.weeks),
            "cancelled": sum(w.cancelled for w in self.weeks),
            "no_show": sum(w.no_show for w in self.weeks),
            "scheduled": sum(w.scheduled for w in self.weeks),
        }


def dashboard(program: Program, period: Period, now: datetime | None = None) -> Dashboard:
    """All the figures of the dashboard: a fixed number of queries (see the module docstring)."""
    now = now or timezone.now()
    closed = program.status == Program.Status.CLOSED
    quiet_qs = quiet_pairs(program, now)
    quiet = [] if closed else list(quiet_qs[:QUIET_PAGE])
    for m in quiet:
        m.quiet_days = (now - m.last_activity).days
    return Dashboard(
        program=program,
        period=period,
        now=now,
        funnel=funnel(program),
        weeks=sessions_per_week(program, period),
        scores=score_distribution(program, period),
        ratings=ratings_per_week(program, period),
        rating_summary=ratings_summary(program, period),
        comments=latest_comments(program, period),
        requests=request_figures(program, period),
        quiet=quiet,
        quiet_count=0 if closed else quiet_qs.count(),
        nudges=recent_nudges(program),
    )
