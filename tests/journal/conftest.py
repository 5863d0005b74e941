"""The standard cast, paired: ``pair`` is the mentor's and the mentee's active mentorship in
``program`` (active), with a second pair of strangers in the same program."""

from __future__ import annotations

import pytest

from mentoring.models import Mentorship, Participant, Program
from tests.mentoring.factories import MembershipFactory, ParticipantFactory, UserFactory


@pytest.fixture
def pair(program, mentor, mentee) -> Mentorship:
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ACTIVE)
    program.refresh_from_db()
    return Mentorship.objects.select_related("program", "organization", "mentor__user", "mentee__user").get(
        pk=Mentorship.objects.create(
            organization=program.organization,
            program=program,
            mentor=Participant.objects.get(program=program, user=mentor),
            mentee=Participant.objects.get(program=program, user=mentee),
            source="admin",
        ).pk
    )


@pytest.fixture
def stranger(program):
    """A mentee of the same program and organization who is not in ``pair``."""
    user = UserFactory(email="stranger@acme.test", full_name="Sam Stranger")
    MembershipFactory(user=user, organization=program.organization)
    ParticipantFactory(program=program, user=user, email=user.email, role="mentee", status="active")
    return user


def make_session(mentorship: Mentorship, *, start: str = "2099-01-05T09:00Z", end: str = "2099-01-05T10:00Z", **kw):
    from scheduling.models import Session

    return Session.objects.create(
        organization=mentorship.organization,
        program=mentorship.program,
        mentorship=mentorship,
        mentor=mentorship.mentor,
        mentee=mentorship.mentee,
        start=start,
        end=end,
        video_url="https://meet.jit.si/x",
        video_room="x",
        calendar_uid=f"journal-{mentorship.pk}-{start}@test",
        **kw,
    )


@pytest.fixture
def other_pair(program, stranger) -> Mentorship:
    """The stranger (a mentee) with a second mentor, in the same program."""
    mentor_user = UserFactory(email="mentor2@acme.test", full_name="Mo Mentor")
    MembershipFactory(user=mentor_user, organization=program.organization)
    mentor = ParticipantFactory(
        program=program, user=mentor_user, email=mentor_user.email, role="mentor", status="active"
    )
    return Mentorship.objects.create(
        organization=program.organization,
        program=program,
        mentor=mentor,
        mentee=Participant.objects.get(program=program, user=stranger),
        source="admin",
    )
