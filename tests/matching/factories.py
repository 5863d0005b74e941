"""factory_boy factories for the matching app's rows. Participants come from
tests.mentoring.factories (or tests/matching/cohort.py for whole cohorts); a pair's
mentee and mentor default to new participants of the row's program."""

from __future__ import annotations

import factory

from matching.models import MatchProposal, MatchRun, PairRule, Suggestion, UnmatchedMentee
from mentoring.models import Participant
from tests.mentoring.factories import ParticipantFactory, ProgramFactory


class MatchRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchRun

    program = factory.SubFactory(ProgramFactory)
    organization = factory.SelfAttribute("program.organization")
    status = MatchRun.Status.DONE
    stage = ""
    progress = 100


def _mentee(attr: str = "program") -> factory.SubFactory:
    return factory.SubFactory(
        ParticipantFactory, program=factory.SelfAttribute(f"..{attr}"), role=Participant.Role.MENTEE
    )


def _mentor(attr: str = "program") -> factory.SubFactory:
    return factory.SubFactory(
        ParticipantFactory, program=factory.SelfAttribute(f"..{attr}"), role=Participant.Role.MENTOR, capacity=2
    )


class MatchProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchProposal

    run = factory.SubFactory(MatchRunFactory)
    organization = factory.SelfAttribute("run.organization")
    mentee = _mentee("run.program")
    mentor = _mentor("run.program")
    score = 50.0


class UnmatchedMenteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnmatchedMentee

    run = factory.SubFactory(MatchRunFactory)
    organization = factory.SelfAttribute("run.organization")
    mentee = _mentee("run.program")
    code = "capacity"
    reason = "the only compatible mentor is at capacity"


class PairRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairRule

    program = factory.SubFactory(ProgramFactory)
    organization = factory.SelfAttribute("program.organization")
    mentee = _mentee()
    mentor = _mentor()
    kind = PairRule.Kind.PIN


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    program = factory.SubFactory(ProgramFactory)
    organization = factory.SelfAttribute("program.organization")
    mentee = _mentee()
    mentor = _mentor()
    rank = factory.Sequence(lambda n: n % 10 + 1)
    score = 50.0
