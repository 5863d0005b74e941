from __future__ import annotations

import datetime as dt

import factory
from allauth.account.models import EmailAddress

from mentoring.models import Invitation, Membership, Organization, Participant, Program, Question, Skill, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    is_admin = False


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
