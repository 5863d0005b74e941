"""From database rows to the pure slot calculator (scheduling/slots/) and back.

``pair_query`` loads what the calculator needs for one mentorship over a window: both
availabilities, the program's rules, every active session of either person (any program,
any organization: only their times are read) and the mentor's sessions in the program for
the weekly cap. Three to five queries whatever the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from mentoring.models import Mentorship
from scheduling import slots
from scheduling.models import Availability, SchedulingPolicy, Session, SessionAttendance
from scheduling.services.availability import availability_as_slots, availability_get_or_create
from scheduling.services.policy import policy_for, policy_rules
from scheduling.slots.zones import get_zone

# Busy sessions that can matter to a window: one session length plus both buffers (at most
# 4 h + 2 × 4 h) either side; a day is plenty. The weekly cap needs the whole week around.
_BUSY_PAD = timedelta(days=1)
_CAP_PAD = timedelta(days=8)


@dataclass(frozen=True)
class PairSchedule:
    mentorship: Mentorship
    policy: SchedulingPolicy
    mentor_availability: Availability
    mentee_availability: Availability
    query: slots.SlotQuery

    @property
    def rules(self) -> slots.SlotRules:
        return self.query.rules

    @property
    def program_ends_at(self) -> datetime:
        """Sessions end by midnight after the program's last day, on the mentor's clock."""
        day = self.mentorship.program.end_date + timedelta(days=1)
        return datetime.combine(day, time(0), tzinfo=get_zone(self.mentor_availability.timezone))

    def last_start_before(self, before: datetime) -> datetime:
        """``before`` clipped so that every start before it ends within the program."""
        return min(before, self.program_ends_at - self.rules.length + timedelta(seconds=1))


def availabilities_for(*participants, fallback_zone: str = "UTC") -> list[Availability]:
    """The participants' availabilities (rules and overrides loaded) in three queries,
    creating the missing ones from their profiles."""
    found = {
        a.participant_id: a
        for a in Availability.objects.filter(participant__in=participants).prefetch_related("rules", "overrides")
    }
    return [
        found.get(p.pk) or availability_get_or_create(participant=p, fallback_zone=fallback_zone) for p in participants
    ]


def pair_query(
    *,
    mentorship: Mentorship,
    lo: datetime,
    hi: datetime,
    exclude_session_id: int | None = None,
    fallback_zone: str = "UTC",
) -> PairSchedule:
    """Everything to compute or check slots of ``mentorship`` starting in ``[lo, hi)``.

    ``exclude_session_id``: a session being rescheduled does not block its own new time."""
    program = mentorship.program
    policy = policy_for(program)
    mentor_av, mentee_av = availabilities_for(mentorship.mentor, mentorship.mentee, fallback_zone=fallback_zone)
    rules = policy_rules(policy, program)
    mentor_user, mentee_user = mentorship.mentor.user_id, mentorship.mentee.user_id
    busy_lo, busy_hi = lo - _BUSY_PAD, hi + rules.length + _BUSY_PAD
    attendance = SessionAttendance.objects.filter(
        user_id__in=[u for u in (mentor_user, mentee_user) if u is not None],
        active=True,
        starts_at__lt=busy_hi,
        ends_at__gt=busy_lo,
    )
    if exclude_session_id is not None:
        attendance = attendance.exclude(session_id=exclude_session_id)
    mentor_busy, mentee_busy = [], []
    for user_id, start, end in attendance.values_list("user_id", "starts_at", "ends_at"):
        (mentor_busy if user_id == mentor_user else mentee_busy).append((start, end))
    cap_sessions = None
    if policy.max_sessions_per_week is not None:
        cap = Session.objects.live().filter(
            mentor=mentorship.mentor, program=program, start__gte=lo - _CAP_PAD, start__lt=hi + _CAP_PAD
        )
        if exclude_session_id is not None:
            cap = cap.exclude(pk=exclude_session_id)
        cap_sessions = list(cap.values_list("start", flat=True))
    query = slots.SlotQuery(
        mentor=availability_as_slots(mentor_av),
        mentee=availability_as_slots(mentee_av) if mentee_av.applies else None,
        rules=rules,
        mentor_busy=mentor_busy,
        mentee_busy=mentee_busy,
        cap_sessions=cap_sessions if cap_sessions is not None else [],
    )
    return PairSchedule(mentorship, policy, mentor_av, mentee_av, query)


def free_slots_between(
    *,
    mentorship: Mentorship,
    after: datetime,
    before: datetime,
    exclude_session_id: int | None = None,
    now: datetime | None = None,
    limit: int | None = None,
) -> tuple[PairSchedule, tuple[slots.Slot, ...]]:
    """The bookable slots starting in ``[after, before)``, earliest first."""
    now = now or timezone.now()
    pair = pair_query(mentorship=mentorship, lo=after, hi=before, exclude_session_id=exclude_session_id)
    before = pair.last_start_before(before)
    if before <= after:
        return pair, ()
    return pair, slots.free_slots(pair.query, now=now, after=after, before=before, limit=limit)


def next_slots(
    *,
    mentorship: Mentorship,
    after: datetime,
    count: int = 3,
    exclude_session_id: int | None = None,
    now: datetime | None = None,
) -> tuple[slots.Slot, ...]:
    """The first ``count`` bookable slots at or after ``after`` within the horizon."""
    now = now or timezone.now()
    policy = policy_for(mentorship.program)
    horizon_end = now + timedelta(days=policy.horizon_days)
    pair = pair_query(mentorship=mentorship, lo=after, hi=horizon_end, exclude_session_id=exclude_session_id)
    before = pair.last_start_before(horizon_end)
    if before <= max(after, now):
        return ()
    return slots.free_slots(pair.query, now=now, after=max(after, now), before=before, limit=count)
