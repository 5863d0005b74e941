from __future__ import annotations

import datetime as dt

import factory

from mentoring.models import Invitation, Participant, Program, Question, Skill

# Account factories live in tests/accounts/factories.py; importing them from here keeps
# working (tests written before accounts became an app do).
from tests.accounts.factories import MembershipFactory, OrganizationFactory, UserFactory

__all__ = [
    "InvitationFactory",
    "MembershipFactory",
    "OrganizationFactory",
    "ParticipantFactory",
    "ProgramFactory",
    "QuestionFactory",
    "SkillFactory",
    "UserFactory",
]


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    start_date = dt.date(2027, 1, 1)
    end_date = dt.date(2027, 6, 30)
    status = Program.Status.ENROLLING


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    program = factory.SubFactory(ProgramFactory)
    organization = factory.SelfAttribute("program.organization")
    email = factory.Sequence(lambda n: f"participant{n}@example.com")
    role = Participant.Role.MENTEE
    full_name = factory.Faker("name")
    timezone = "Europe/Lisbon"
    languages = factory.LazyFunction(lambda: ["english"])


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    participant = factory.SubFactory(ParticipantFactory)
    organization = factory.SelfAttribute("participant.organization")
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=14))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    program = factory.SubFactory(ProgramFactory)
    organization = factory.SelfAttribute("program.organization")
    key = factory.Sequence(lambda n: f"question-{n}")
    label = factory.Sequence(lambda n: f"Question {n}?")
    kind = Question.Kind.SINGLE
    choices = factory.LazyFunction(lambda: ["Video", "In person"])
    position = factory.Sequence(lambda n: n + 1)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.LazyAttribute(lambda o: " ".join(o.name.split()).casefold())
