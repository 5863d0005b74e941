"""Every figure of the dashboard equals a plain-Python count over the rows of a generated
program (people in every state, pairs, sessions in every status across the spring DST
changes, feedback, requests), for viewers in several zones."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

import pytest

from insights import selectors
from matching.models import MentorshipRequest
from mentoring.models import Invitation, Mentorship, Participant
from scheduling.models import Feedback, Session
from tests.insights.cohort import build_cohort

NOW = datetime(2027, 4, 12, 12, 0, tzinfo=UTC)  # the period below spans the US (14 Mar) and EU (28 Mar) changes


@pytest.fixture
def cohort(organization):
    return build_cohort(organization, people=90, now=NOW, seed=5)


def _period(zone: str) -> selectors.Period:
    return selectors.Period(start=date(2027, 1, 4), end=date(2027, 4, 25), zone=ZoneInfo(zone))


def _monday(moment: datetime, zone: ZoneInfo) -> date:
    local = moment.astimezone(zone).date()
    return local - timedelta(days=local.weekday())


def _in(period: selectors.Period, moment: datetime) -> bool:
    return period.start_at <= moment < period.end_at


def test_funnel_equals_a_python_count(cohort):
    program = cohort.program
    invited_ids = set(Invitation.objects.filter(participant__program=program).values_list("participant_id", flat=True))
    pairs = list(Mentorship.objects.filter(program=program))
    held = defaultdict(int)
    for s in Session.objects.filter(program=program, status=Session.Status.COMPLETED):
        held[("mentor", s.mentor_id)] += 1
        held[("mentee", s.mentee_id)] += 1
    matched_ids = {m.mentor_id for m in pairs} | {m.mentee_id for m in pairs}
    expected = defaultdict(lambda: {"mentor": 0, "mentee": 0})
    for p in Participant.objects.filter(program=program).exclude(status="removed"):
        steps = []
        if p.status in ("active", "declined") or p.pk in invited_ids:
            steps.append("invited")
            if p.status == "active":
                steps.append("joined")
                if p.completeness == 100:
                    steps.append("complete")
                    if p.pk in matched_ids:
                        steps.append("matched")
                        n = held[(p.role, p.pk)]
                        if n >= 1:
                            steps.append("first_session")
                        if n >= 3:
                            steps.append("three_sessions")
        for step in steps:
            expected[step][p.role] += 1

    got = {s.key: {"mentor": s.mentors, "mentee": s.mentees} for s in selectors.funnel(program)}

    assert got == {k: expected[k] for k, _ in selectors.FUNNEL_STEPS}
    assert expected["three_sessions"]["mentee"] > 0  # the cohort reaches the last step


def test_funnel_conversion_is_of_the_previous_step(cohort):
    steps = selectors.funnel(cohort.program)
    assert [s.conversion for s in steps[1:]] == [
        round(100 * b.total / a.total, 1) if a.total else 0.0 for a, b in zip(steps, steps[1:], strict=False)
    ]


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin", "Asia/Tokyo", "Asia/Kathmandu"])
def test_sessions_per_week_equal_a_python_count(cohort, zone):
    period = _period(zone)
    expected = defaultdict(lambda: defaultdict(int))
    for s in Session.objects.filter(program=cohort.program):
        if _in(period, s.start):
            expected[_monday(s.start, period.zone)][s.status] += 1

    rows = selectors.sessions_per_week(cohort.program, period)

    assert [r.week for r in rows] == period.weeks()
    assert {r.week: (r.held, r.cancelled, r.no_show, r.scheduled) for r in rows} == {
        w: (expected[w]["completed"], expected[w]["cancelled"], expected[w]["no_show"], expected[w]["scheduled"])
        for w in period.weeks()
    }
    assert sum(r.held for r in rows) > 50


def test_score_distribution_equals_a_python_count(cohort):
    period = _period("Europe/Berlin")
    expected = defaultdict(int)
    for m in Mentorship.objects.filter(program=cohort.program, score__isnull=False):
        if _in(period, m.created_at):
            expected[min(90, int(m.score // 10) * 10)] += 1

    buckets = selectors.score_distribution(cohort.program, period)

    assert {b.low: b.count for b in buckets} == {low: expected[low] for low in range(0, 100, 10)}


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo", "Asia/Kolkata"])
def test_ratings_per_week_equal_a_python_average(cohort, zone):
    period = _period(zone)
    by_week = defaultdict(list)
    for f in Feedback.objects.filter(session__program=cohort.program).select_related("session"):
        if _in(period, f.session.start):
            by_week[_monday(f.session.start, period.zone)].append(f.rating)

    rows = selectors.ratings_per_week(cohort.program, period)

    assert {r.week: (r.average, r.count) for r in rows} == {
        w: (round(sum(by_week[w]) / len(by_week[w]), 2), len(by_week[w])) if by_week[w] else (None, 0)
        for w in period.weeks()
    }


@pytest.mark.parametrize("day", [date(2027, 3, 10), date(2030, 1, 1)])  # a week with sessions, one without
def test_a_one_week_period_counts_that_week_only(cohort, day):
    period = selectors.Period(start=day, end=day + timedelta(days=1), zone=ZoneInfo("Europe/Berlin"))
    sessions = [s for s in Session.objects.filter(program=cohort.program) if _in(period, s.start)]
    ratings = [
        f.rating
        for f in Feedback.objects.filter(session__program=cohort.program).select_related("session")
        if _in(period, f.session.start)
    ]

    [week] = selectors.sessions_per_week(cohort.program, period)
    [rating] = selectors.ratings_per_week(cohort.program, period)

    assert week.held == sum(s.status == "completed" for s in sessions)
    assert week.cancelled == sum(s.status == "cancelled" for s in sessions)
    assert (rating.count, rating.average) == (
        (len(ratings), round(sum(ratings) / len(ratings), 2)) if ratings else (0, None)
    )


def test_latest_comments_are_the_newest_with_a_comment(cohort):
    period = _period("UTC")
    everything = [
        f
        for f in Feedback.objects.filter(session__program=cohort.program).select_related("session")
        if f.comment and _in(period, f.session.start)
    ]
    expected = [f.pk for f in sorted(everything, key=lambda f: (f.created_at, f.pk), reverse=True)][:8]

    assert [f.pk for f in selectors.latest_comments(cohort.program, period)] == expected


def test_request_figures_equal_a_python_count(cohort):
    period = _period("Europe/Berlin")
    rows = list(MentorshipRequest.objects.filter(program=cohort.program))
    pending = [r for r in rows if r.status == "pending"]
    answered = [r for r in rows if r.answered_at and _in(period, r.answered_at)]
    accepted = sum(r.status == "accepted" for r in answered)
    rated = [r for r in answered if r.status in ("accepted", "declined", "expired")]
    spans = [(r.answered_at - r.created_at).total_seconds() for r in answered if r.status in ("accepted", "declined")]

    got = selectors.request_figures(cohort.program, period)

    assert got.pending == len(pending)
    assert got.oldest_pending_at == min(r.created_at for r in pending)
    assert got.accepted == accepted
    assert got.declined == sum(r.status == "declined" for r in answered)
    assert got.expired == sum(r.status == "expired" for r in answered)
    assert got.acceptance_rate == round(100 * accepted / len(rated), 1)
    assert got.median_answer_hours == round(median(spans) / 3600, 1)
    assert [r.pk for r in got.oldest] == [r.pk for r in sorted(pending, key=lambda r: (r.created_at, r.pk))][:8]


def _python_quiet(program, now):
    sessions = defaultdict(list)
    for s in Session.objects.filter(program=program):
        sessions[s.mentorship_id].append(s)
    quiet = []
    for m in Mentorship.objects.filter(program=program, status="active"):
        own = sessions[m.pk]
        if any(s.status == "scheduled" and s.end > now for s in own):
            continue
        moments = [m.created_at]
        moments += [s.start for s in own if s.status == "completed"]
        moments += [s.created_at for s in own if s.status != "cancelled"]
        last = max(moments)
        if last < now - timedelta(days=2 * program.cadence_days):
            quiet.append((last, m.pk))
    return [pk for _, pk in sorted(quiet)]


def test_quiet_pairs_equal_a_python_selection(cohort):
    expected = _python_quiet(cohort.program, NOW)

    got = list(selectors.quiet_pairs(cohort.program, NOW))

    assert [m.pk for m in got] == expected
    assert len(expected) > 3  # the cohort has some


def test_quiet_pairs_show_their_last_activity(cohort):
    pair = selectors.quiet_pairs(cohort.program, NOW).first()
    own = list(Session.objects.filter(mentorship=pair))
    expected = max(
        [pair.created_at]
        + [s.start for s in own if s.status == "completed"]
        + [s.created_at for s in own if s.status != "cancelled"]
    )
    assert pair.last_activity == expected


def test_organization_overview_equals_a_python_count(cohort, organization):
    program = cohort.program
    people = list(Participant.objects.filter(program=program).exclude(status="removed"))
    mentees = [p for p in people if p.role == "mentee"]
    active_mentees = set(
        Mentorship.objects.filter(program=program, status="active").values_list("mentee_id", flat=True)
    )
    matched = [p for p in mentees if p.pk in active_mentees]
    ratings = list(Feedback.objects.filter(session__program=program).values_list("rating", flat=True))
    held_30 = Session.objects.filter(
        program=program, status="completed", start__gte=NOW - timedelta(days=30), start__lt=NOW
    ).count()

    (row,) = selectors.organization_overview(organization, NOW)

    assert row.participant_count == len(people)
    assert row.mentee_count == len(mentees)
    assert row.matched_percent == round(100 * len(matched) / len(mentees))
    assert row.sessions_30d == held_30
    assert row.average_rating == pytest.approx(sum(ratings) / len(ratings))
    assert row.quiet_pairs == len(_python_quiet(program, NOW))


def test_profile_incomplete_and_matched_no_session_lists(cohort):
    program = cohort.program
    incomplete = {p.pk for p in Participant.objects.filter(program=program, status="active") if p.completeness < 100}
    live = set(
        Session.objects.filter(program=program).exclude(status="cancelled").values_list("mentorship_id", flat=True)
    )
    no_session = {m.pk for m in Mentorship.objects.filter(program=program, status="active") if m.pk not in live}

    assert {p.pk for p in selectors.profile_incomplete(program)} == incomplete
    assert {m.pk for m in selectors.matched_no_session(program)} == no_session
