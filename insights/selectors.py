"""The figures of a program's dashboard, each computed by the database in a fixed number of
queries whatever the cohort size: conditional counts, GROUP BY week, correlated subqueries;
never a loop over rows in Python. tests/insights/test_figures.py recounts every figure in
plain Python over a generated program; test_query_count.py holds the number of queries.

Weeks start on Monday at 00:00 on the viewer's clock (``week_index``: each Monday's midnight
in the viewer's zone, so a week across a daylight-saving change is one week of 167 or 169
hours). Per-pair figures (sessions held, last activity) come from ``PairActivity``, which the
session services keep up to date, not from a pass over the sessions."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Organization
from insights.models import Nudge, iso_week
from matching.models import MentorshipRequest
from mentoring.models import Invitation, Mentorship, Participant, Program
from scheduling.models import Feedback, PairActivity, Session

QUIET_FACTOR = 2  # a pair is quiet after twice the program's cadence without a session
QUIET_PAGE = 50  # quiet pairs listed on the dashboard (the count covers all)
LATEST_COMMENTS = 8
OLDEST_PENDING = 8
SCORE_BUCKETS = [(lo, lo + 10) for lo in range(0, 100, 10)]
ANSWERED = (MentorshipRequest.Status.ACCEPTED, MentorshipRequest.Status.DECLINED, MentorshipRequest.Status.EXPIRED)
HELD = Session.Status.COMPLETED
LIVE = (Session.Status.SCHEDULED, Session.Status.COMPLETED, Session.Status.NO_SHOW)


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
    ("invited", gettext_lazy("Invited")),
    ("joined", gettext_lazy("Joined")),
    ("complete", gettext_lazy("Profile complete")),
    ("matched", gettext_lazy("Matched")),
    ("first_session", gettext_lazy("First session held")),
    ("three_sessions", gettext_lazy("3+ sessions held")),
]


@dataclass
class FunnelStep:
    key: str
    label: str
    mentors: int
    mentees: int
    total: int
    conversion: float | None  # percent of the previous step's total; None for the first step


_FUNNEL_SQL = """
WITH invited AS (
    SELECT DISTINCT i.participant_id AS pid FROM {invitation} i
    JOIN {participant} p ON p.id = i.participant_id WHERE p.program_id = %s
), matched AS (
    SELECT mentor_id AS pid FROM {mentorship} WHERE program_id = %s
    UNION SELECT mentee_id FROM {mentorship} WHERE program_id = %s
), pairs AS (
    SELECT m.mentor_id, m.mentee_id, a.held_count FROM {mentorship} m
    JOIN {activity} a ON a.mentorship_id = m.id WHERE m.program_id = %s AND a.held_count > 0
), held AS (
    SELECT pid, SUM(n) AS n FROM (
        SELECT mentor_id AS pid, held_count AS n FROM pairs UNION ALL SELECT mentee_id, held_count FROM pairs
    ) x GROUP BY pid
), steps AS (
    SELECT p.role,
        CASE WHEN p.status IN (%s, %s) OR inv.pid IS NOT NULL THEN 1 ELSE 0 END AS invited,
        CASE WHEN p.status = %s THEN 1 ELSE 0 END AS joined,
        CASE WHEN p.status = %s AND p.completeness = 100 THEN 1 ELSE 0 END AS complete,
        CASE WHEN p.status = %s AND p.completeness = 100 AND m.pid IS NOT NULL THEN 1 ELSE 0 END AS matched,
        COALESCE(h.n, 0) AS held
    FROM {participant} p
    LEFT JOIN invited inv ON inv.pid = p.id
    LEFT JOIN matched m ON m.pid = p.id
    LEFT JOIN held h ON h.pid = p.id
    WHERE p.program_id = %s AND p.status <> %s
)
SELECT role, SUM(invited), SUM(joined), SUM(complete), SUM(matched),
    SUM(CASE WHEN matched = 1 AND held >= 1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN matched = 1 AND held >= 3 THEN 1 ELSE 0 END)
FROM steps GROUP BY role
"""


def funnel_counts(program: Program) -> dict[str, dict[str, int]]:
    """{step: {"mentor": n, "mentee": n}} in one query. A person is *invited* when they have an
    invitation or joined/declined anyway (an admin linked them); each later step includes the
    one before: joined, profile complete (100 %), matched (any pair, active or ended), first
    session held, three sessions held (completed sessions where they are the mentor or the
    mentee, counted from each pair's ``PairActivity``, one narrow row per pair rather than
    every session). Raw SQL with CTEs: hash joins over pre-aggregated rows, where correlated
    subqueries per person cost seconds at 10,000 people."""
    sql = _FUNNEL_SQL.format(
        invitation=Invitation._meta.db_table,
        participant=Participant._meta.db_table,
        mentorship=Mentorship._meta.db_table,
        activity=PairActivity._meta.db_table,
    )
    active, removed = Participant.Status.ACTIVE, Participant.Status.REMOVED
    params = [
        program.pk, program.pk, program.pk, program.pk,
        active, Participant.Status.DECLINED, active, active, active, program.pk, removed,
    ]  # fmt: skip
    counts = {key: {"mentor": 0, "mentee": 0} for key, _ in FUNNEL_STEPS}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for role, *values in cursor.fetchall():
            for (key, _), value in zip(FUNNEL_STEPS, values, strict=True):
                counts[key][role] = int(value or 0)
    return counts


def funnel(program: Program) -> list[FunnelStep]:
    """invited → joined → profile complete → matched → first session held → 3+ sessions, for
    mentors, mentees and both, as of now (one query, see ``funnel_counts``)."""
    counts = funnel_counts(program)
    steps: list[FunnelStep] = []
    for key, label in FUNNEL_STEPS:
        mentors, mentees = counts[key]["mentor"], counts[key]["mentee"]
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
        .annotate(week=week_index("start", period))
        .order_by()
        .values("week")
        .annotate(
            held=Count("pk", filter=Q(status=HELD)),
            cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
            no_show=Count("pk", filter=Q(status=Session.Status.NO_SHOW)),
            scheduled=Count("pk", filter=Q(status=Session.Status.SCHEDULED)),
        )
    )
    by_week = {r["week"]: r for r in rows}
    out = []
    for i, monday in enumerate(period.weeks()):
        r = by_week.get(i)
        out.append(WeekRow(monday, r["held"], r["cancelled"], r["no_show"], r["scheduled"]) if r else WeekRow(monday))
    return out


def week_index(field: str, period: Period) -> Case:
    """The index in ``period.weeks()`` of the week ``field`` falls in: comparisons with each
    Monday's midnight on the viewer's clock, computed here by zoneinfo (so a week across a
    daylight-saving change is 167 or 169 hours), instead of converting every row's time to
    the viewer's zone in SQL (``TruncWeek``), which costs more than reading the row."""
    mondays = period.weeks()
    return Case(
        *(
            When(**{f"{field}__lt": datetime.combine(monday, time(), tzinfo=period.zone)}, then=Value(i - 1))
            for i, monday in enumerate(mondays[1:], start=1)
        ),
        default=Value(len(mondays) - 1),
        output_field=IntegerField(),
    )


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
    total: int = 0  # sum of the ratings, so the period's average needs no other query


def ratings_per_week(program: Program, period: Period) -> list[RatingWeek]:
    """Average feedback rating by week of the session's start (viewer's clock; one query)."""
    rows = (
        Feedback.objects.filter(
            session__program=program, session__start__gte=period.start_at, session__start__lt=period.end_at
        )
        .annotate(week=week_index("session__start", period))
        .order_by()
        .values("week")
        .annotate(average=Avg("rating"), count=Count("pk"), total=Sum("rating"))
    )
    # (A one-week period groups by a constant: an empty period is then one row of NULLs.)
    by_week = {r["week"]: r for r in rows if r["count"]}
    return [
        RatingWeek(m, round(by_week[i]["average"], 2), by_week[i]["count"], by_week[i]["total"])
        if i in by_week
        else RatingWeek(m, None, 0)
        for i, m in enumerate(period.weeks())
    ]


def ratings_summary(weeks: list[RatingWeek]) -> dict:
    """The period's average rating and count, from its weeks (exact: sums, not averages)."""
    count = sum(w.count for w in weeks)
    return {"average": sum(w.total for w in weeks) / count if count else None, "count": count}


def latest_comments(program: Program, period: Period, limit: int = LATEST_COMMENTS) -> list[Feedback]:
    """The newest feedback comments of the period. Admins may read every rating and comment
    (the private note too, but that is the sessions page's business, not a dashboard's)."""
    return list(
        Feedback.objects.filter(
            organization_id=program.organization_id,  # the newest first by an index: see Feedback
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
        .select_related("mentee__user", "mentor__user")
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
    pair's start) and ``upcoming`` (1 when a scheduled session is still to come, else 0),
    read from the pair's ``PairActivity`` (kept by the session services): one LEFT JOIN of
    narrow rows, never a pass over the sessions."""
    return mentorships.annotate(
        last_held=F("activity__last_held_start"),
        last_booked=F("activity__last_booked_at"),
        upcoming=Case(When(activity__upcoming_until__gt=now, then=Value(1)), default=Value(0)),
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
    nothing coming up, the quietest first, each with its last activity."""
    now = now or timezone.now()
    return (
        with_activity(Mentorship.objects.filter(program=program, status=Mentorship.Status.ACTIVE), now)
        .filter(upcoming=0, last_activity__lt=quiet_threshold(program, now))
        .select_related("mentor__user", "mentee__user")
        .order_by("last_activity", "pk")
    )


def quiet_pairs_page(program: Program, now: datetime, limit: int = QUIET_PAGE) -> tuple[list[Mentorship], int]:
    """The ``limit`` quietest pairs with their two people, and how many pairs are quiet, in two
    queries: one pass over the sessions for every quiet pair (narrow rows, so counting them
    costs no second pass), then the people of the listed ones."""
    everyone = list(quiet_pairs(program, now).select_related(None))
    page = everyone[:limit]
    people = Participant.objects.select_related("user").in_bulk([pk for m in page for pk in (m.mentor_id, m.mentee_id)])
    for m in page:
        m.mentor, m.mentee = people[m.mentor_id], people[m.mentee_id]
        m.quiet_days = (now - m.last_activity).days
    return page, len(everyone)


def mark_nudged(pairs: list[Mentorship], nudged: set[int]) -> list[Mentorship]:
    """Set ``mentor_nudged`` / ``mentee_nudged`` on each pair from the ids nudged this week."""
    for m in pairs:
        m.mentor_nudged = m.mentor_id in nudged
        m.mentee_nudged = m.mentee_id in nudged
    return pairs


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
    with fast_reads():
        return _organization_overview(organization, now)


def _organization_overview(organization: Organization, now: datetime | None = None) -> list[Program]:
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
    quiet: Counter[int] = Counter()
    if live:
        condition = Q()
        for p in live:
            condition |= Q(program=p, last_activity__lt=quiet_threshold(p, now))
        quiet.update(
            with_activity(Mentorship.objects.filter(program__in=live, status=Mentorship.Status.ACTIVE), now)
            .filter(condition, upcoming=0)
            .order_by()
            .values_list("program_id", flat=True)
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
    """All the figures of the dashboard in a fixed number of queries (see the module docstring)."""
    now = now or timezone.now()
    closed = program.status == Program.Status.CLOSED
    with fast_reads():
        quiet, quiet_count = ([], 0) if closed else quiet_pairs_page(program, now)
        mark_nudged(quiet, nudged_this_week(program, Nudge.Kind.QUIET_PAIR, now))
        ratings = ratings_per_week(program, period)
        return Dashboard(
            program=program,
            period=period,
            now=now,
            funnel=funnel(program),
            weeks=sessions_per_week(program, period),
            scores=score_distribution(program, period),
            ratings=ratings,
            rating_summary=ratings_summary(ratings),
            comments=latest_comments(program, period),
            requests=request_figures(program, period),
            quiet=quiet,
            quiet_count=quiet_count,
            nudges=recent_nudges(program),
        )


@contextlib.contextmanager
def fast_reads() -> Iterator[None]:
    """PostgreSQL: no JIT compilation for these reads. Their cost estimates cross
    ``jit_above_cost`` on big cohorts, and compiling then takes seconds for queries that run in
    milliseconds. SET LOCAL lasts until the end of this transaction only."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield
