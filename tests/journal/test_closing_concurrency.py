"""Two HR admins press "Close" at the same moment (Postgres, real threads with their own
connections, released together by a barrier): the program closes once, every mentorship ends
once, and each person gets one survey email."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core import mail
from django.test import Client

from journal.models import ProgramClosure, SurveyAnswer
from mentoring.models import Mentorship, Program
from tests.concurrency import together
from tests.mentoring.factories import MembershipFactory, UserFactory
from tests.scheduling.helpers import make_pair

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_admins_closing_at_once_close_once_and_email_each_person_once(program, hr_admin):
    pairs = [make_pair(program) for _ in range(3)]
    second_admin = UserFactory(email="hr2@acme.test")
    MembershipFactory(user=second_admin, organization=program.organization, is_admin=True)
    mail.outbox.clear()

    def prepare(i):
        client = Client()
        client.force_login([hr_admin, second_admin][i])
        return client

    def act(i, client):
        return client.post(f"/programs/{program.pk}/close/", follow=True)

    responses = together(2, prepare, act)
    outcomes = Counter(
        "closed" if "is closed. Mentorships ended: 3" in r.content.decode() else "already"
        if "was already closed" in r.content.decode() else repr(r)
        for r in responses
    )  # fmt: skip
    assert outcomes == {"closed": 1, "already": 1}
    assert Program.objects.get(pk=program.pk).status == "closed"
    assert ProgramClosure.objects.filter(program=program).count() == 1
    assert set(Mentorship.objects.filter(program=program).values_list("status", flat=True)) == {"ended"}
    survey_mails = [m.to[0] for m in mail.outbox if "has closed: how was it for you?" in m.subject]
    expected = sorted(u.email for p in pairs for u in (p.mentor.user, p.mentee.user))
    assert sorted(survey_mails) == expected
    assert SurveyAnswer.objects.filter(program=program).count() == 6
