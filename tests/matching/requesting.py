"""Helpers for the request tests: people who can sign in, and requests between them."""

from __future__ import annotations

from matching.models import MentorshipRequest
from matching.services.requests import request_create
from mentoring.models import Participant
from tests.matching import cohort
from tests.mentoring.factories import MembershipFactory, UserFactory


def with_user(participant: Participant) -> Participant:
    """Give a cohort participant an account in its organization (as joining does)."""
    user = UserFactory(email=participant.email, full_name=participant.full_name)
    MembershipFactory(user=user, organization=participant.organization)
    participant.user = user
    participant.save(update_fields=["user"])
    return participant


def mentee(program, n: int, **extra) -> Participant:
    return with_user(cohort.mentee(program, n, **extra))


def mentor(program, n: int, capacity: int = 2, **extra) -> Participant:
    return with_user(cohort.mentor(program, n, capacity, **extra))


def ask(mentee: Participant, mentor: Participant, message: str = "") -> MentorshipRequest:
    return request_create(mentee=mentee, mentor_id=mentor.pk, message=message, actor=mentee.user)
