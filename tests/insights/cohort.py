"""A generated program for the dashboard's tests and benchmark: participants in every state,
mentorships (active and ended, with scores), sessions in every status spread over weeks and
zones' DST changes, feedback, requests and invitations. Built with ``bulk_create`` so 5,000
or 10,000 people take seconds; seeded, so the same on every run."""

from __future__ import annotations

import contextlib
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models

from accounts.models import Organization, User
from matching.models import MentorshipRequest
from mentoring.models import Invitation, Mentorship, Participant, Program
from scheduling.models import Feedback, Session
from scheduling.services.activity import pair_activity_refresh


@contextlib.contextmanager
def explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let ``bulk_create`` keep the ``created_at`` we give (auto_now_add would overwrite it)."""
    fields = [f for m in model_classes for f in m._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


@dataclass
class Cohort:
    program: Program
    now: datetime


def build_cohort(
    organization: Organization,
    *,
    people: int,
    now: datetime,
    seed: int = 11,
    sessions_per_pair: int = 8,
    with_users: list | None = None,
    program: Program | None = None,
    pairs_target: int | None = None,
    sessions_each: int | None = None,
) -> Cohort:
    """A program of ``people`` participants (a third mentors) in ``organization``, running
    from 16 weeks before ``now`` to 10 weeks after. ``with_users`` (optional) are linked to
    the first joined participants, so they can receive nudges. ``pairs_target`` caps the
    number of mentorships and ``sessions_each`` gives every pair exactly that many sessions
    (the benchmark's exact sizes); otherwise both are random."""
    rng = random.Random(seed)
    if program is None:
        program = Program.objects.create(
            organization=organization,
            name=f"Cohort {seed}",
            start_date=(now - timedelta(weeks=16)).date(),
            end_date=(now + timedelta(weeks=10)).date(),
            status=Program.Status.ACTIVE,
            cadence_days=14,
        )
    org = organization
    mentors_n = max(1, people // 3)
    stamp = uuid.uuid4().hex[:8]
    rows = []
    for i in range(people):
        role = Participant.Role.MENTOR if i < mentors_n else Participant.Role.MENTEE
        status = rng.choices(
            [
                Participant.Status.ACTIVE,
                Participant.Status.INVITED,
                Participant.Status.DECLINED,
                Participant.Status.REMOVED,
            ],
            weights=[80, 12, 4, 4],
        )[0]
        complete = status == Participant.Status.ACTIVE and rng.random() < 0.85
        rows.append(
            Participant(
                organization=org, program=program, email=f"p{i}-{stamp}@cohort.test", role=role, status=status,
                full_name=f"Person {i}", timezone=rng.choice(["Europe/Berlin", "America/New_York", "Asia/Tokyo"]),
                completeness=100 if complete else rng.choice([0, 40, 80]),
            )
        )  # fmt: skip
    participants = Participant.objects.bulk_create(rows, batch_size=2000)
    users = list(with_users or [])
    joined = [p for p in participants if p.status == Participant.Status.ACTIVE]
    for user, p in zip(users, joined, strict=False):
        p.user = user
        p.email = user.email
    if users:
        Participant.objects.bulk_update(joined[: len(users)], ["user", "email"])
    # Invitations: everyone but a few "not invited" got one.
    invitations = [
        Invitation(
            organization=org, participant=p, token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
            expires_at=now + timedelta(days=10),
            status=Invitation.Status.ACCEPTED if p.status == Participant.Status.ACTIVE else Invitation.Status.SENT,
        )
        for p in participants
        if p.status != Participant.Status.INVITED or rng.random() < 0.7
    ]  # fmt: skip
    Invitation.objects.bulk_create(invitations, batch_size=2000)

    mentors = [p for p in joined if p.role == Participant.Role.MENTOR]
    mentees = [p for p in joined if p.role == Participant.Role.MENTEE]
    pairs = []
    pair_starts = []
    if mentors:
        for mentee in mentees:
            if pairs_target is not None and len(pairs) >= pairs_target:
                break
            if pairs_target is None and rng.random() < 0.15:
                continue  # not matched
            started = now - timedelta(days=rng.randint(1, 100), hours=rng.randint(0, 23))
            ended = rng.random() < 0.1
            pairs.append(
                Mentorship(
                    organization=org, program=program, mentor=rng.choice(mentors), mentee=mentee,
                    source=Mentorship.Source.MATCHING,
                    status=Mentorship.Status.ENDED if ended else Mentorship.Status.ACTIVE,
                    ended_at=now - timedelta(days=1) if ended else None,
                    score=round(rng.uniform(20, 100), 1) if rng.random() < 0.9 else None,
                    created_at=started,
                )
            )  # fmt: skip
            pair_starts.append(started)
    with explicit_timestamps(Mentorship):
        pairs = Mentorship.objects.bulk_create(pairs, batch_size=2000)

    sessions = []
    for pair in pairs:
        for _ in range(sessions_each if sessions_each is not None else rng.randint(0, sessions_per_pair)):
            # Spread over the 16 weeks before now and 3 after; minutes around DST changes too.
            start = now - timedelta(days=rng.uniform(-21, 112))
            start = start.replace(minute=rng.choice([0, 30]), second=0, microsecond=0)
            past = start < now
            status = (
                rng.choices(
                    [
                        Session.Status.COMPLETED,
                        Session.Status.CANCELLED,
                        Session.Status.NO_SHOW,
                        Session.Status.SCHEDULED,
                    ],
                    weights=[70, 15, 8, 7],
                )[0]
                if past
                else rng.choice([Session.Status.SCHEDULED, Session.Status.CANCELLED])
            )
            booked = min(start, now) - timedelta(days=rng.randint(1, 10))
            sessions.append(
                Session(
                    organization=org, program=program, mentorship=pair, mentor_id=pair.mentor_id,
                    mentee_id=pair.mentee_id, start=start, end=start + timedelta(minutes=45), status=status,
                    video_url="https://meet.jit.si/x", video_room="x", calendar_uid=f"{uuid.uuid4()}@cohort",
                    cancelled_at=booked if status == Session.Status.CANCELLED else None,
                    no_show_role="mentee" if status == Session.Status.NO_SHOW else "",
                    created_at=booked,
                )
            )  # fmt: skip
    with explicit_timestamps(Session):
        sessions = Session.objects.bulk_create(sessions, batch_size=5000)
    pair_activity_refresh({s.mentorship_id for s in sessions})  # bulk_create sends no post_save

    by_id = {p.pk: p for p in participants}
    placeholder = None  # feedback needs an author: people without accounts share one user
    feedback = []
    for s in sessions:
        if s.status != Session.Status.COMPLETED:
            continue
        for role, pid in (("mentee", s.mentee_id), ("mentor", s.mentor_id)):
            if rng.random() < 0.5:
                continue
            author = by_id[pid].user_id
            if author is None:
                if placeholder is None:
                    placeholder = User.objects.create_user(email=f"author-{stamp}@cohort.test").pk
                author = placeholder
            feedback.append(
                Feedback(
                    organization=org, session=s, author_id=author, role=role,
                    rating=rng.randint(1, 5), comment=rng.choice(["", "", "Great talk.", "Useful advice on hiring."]),
                    created_at=s.end + timedelta(hours=rng.randint(1, 48)),
                )
            )  # fmt: skip
    with explicit_timestamps(Feedback):
        Feedback.objects.bulk_create(feedback, batch_size=5000, ignore_conflicts=True)

    requests = []
    if mentors:
        for mentee in mentees[: max(1, len(mentees) // 2)]:
            created = now - timedelta(days=rng.uniform(0, 60))
            status = rng.choice(
                [MentorshipRequest.Status.PENDING, MentorshipRequest.Status.ACCEPTED, MentorshipRequest.Status.DECLINED,
                 MentorshipRequest.Status.EXPIRED, MentorshipRequest.Status.WITHDRAWN]
            )  # fmt: skip
            answered = None
            if status != MentorshipRequest.Status.PENDING:
                answered = min(now, created + timedelta(hours=rng.uniform(1, 200)))
            requests.append(
                MentorshipRequest(
                    organization=org, program=program, mentee=mentee, mentor=rng.choice(mentors), status=status,
                    expires_at=created + timedelta(days=7), answered_at=answered, created_at=created,
                )
            )  # fmt: skip
    with explicit_timestamps(MentorshipRequest):
        MentorshipRequest.objects.bulk_create(requests, batch_size=2000)
    return Cohort(program=program, now=now)
