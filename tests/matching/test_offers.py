"""Mentors confirm matches: publishing opens offers instead of mentorships; the mentor
accepts (the mentorship starts, source "matching", both get the introduction) or declines
(the mentee is back in the pool and the run's page shows why)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from matching import services
from matching.models import MatchProposal, MentorshipRequest, PairRule
from matching.services.requests import request_accept, request_decline
from mentoring.models import Mentorship
from tests.matching import cohort
from tests.matching.requesting import with_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def offered(program, hr_admin):
    program.mentors_confirm_matches = True
    program.save()
    for i in range(2):
        with_user(cohort.mentor(program, i, capacity=2))
    for i in range(3):
        with_user(cohort.mentee(program, i))
    run = services.match_run_create(program=program, actor=hr_admin)
    run.refresh_from_db()
    assert run.status == "done"
    mail.outbox.clear()
    result = services.match_run_publish(run=run, actor=hr_admin)
    return run, result


def test_publishing_opens_one_offer_per_pair_and_emails_each_mentor(offered):
    run, result = offered
    assert (result.created, result.offered) == (0, 3)
    assert result.message == "Sent 3 match offers; each mentor accepts or declines from the email."
    assert Mentorship.objects.count() == 0
    offers = MentorshipRequest.objects.filter(kind="offer")
    assert offers.count() == 3
    assert {o.proposal.run_id for o in offers} == {run.pk}
    assert {tuple(m.to) for m in mail.outbox} == {(o.mentor.user.email,) for o in offers}
    assert all(m.subject.startswith("Proposed mentee in Acme Mentoring 2027: ") for m in mail.outbox)
    assert all(len(re.findall(r"/links/", m.body)) == 2 for m in mail.outbox)


def test_publishing_again_opens_no_second_offer(offered, hr_admin):
    run, _ = offered
    again = services.match_run_publish(run=run, actor=hr_admin)
    assert again.offered == 0
    assert MentorshipRequest.objects.filter(kind="offer").count() == 3


def test_accepting_an_offer_starts_the_mentorship_from_matching_and_introduces_both(offered):
    offer = MentorshipRequest.objects.filter(kind="offer").select_related("mentor__user").first()
    mail.outbox.clear()
    request_accept(request=offer, actor=offer.mentor.user)
    m = Mentorship.objects.get(mentee=offer.mentee)
    assert (m.mentor_id, m.source) == (offer.mentor_id, "matching")
    assert MatchProposal.objects.get(pk=offer.proposal_id).mentorship_id == m.pk
    assert sorted(x.to[0] for x in mail.outbox) == sorted([offer.mentee.email, offer.mentor.email])


def test_a_declined_offer_returns_the_mentee_to_the_pool_and_shows_on_the_run(offered, hr_admin):
    run, _ = offered
    offer = MentorshipRequest.objects.filter(kind="offer").select_related("mentor__user", "mentee").first()
    mail.outbox.clear()
    request_decline(request=offer, actor=offer.mentor.user, reason="I mentor someone in that team already.")
    assert mail.outbox == []  # the mentee never knew of the offer
    assert not Mentorship.objects.filter(mentee=offer.mentee).exists()
    client = Client()
    client.force_login(hr_admin)
    html = client.get(reverse("matchrun-detail", args=[run.pk])).content.decode()
    assert "Match offers" in html
    assert "I mentor someone in that team already." in html
    # back in the pool: the next run proposes the mentee again, never to the mentor who said no
    rule = PairRule.objects.get(mentee=offer.mentee, mentor=offer.mentor)
    assert (rule.kind, rule.created_by) == ("forbid", offer.mentor.user)
    rerun = services.match_run_rerun(run=run, actor=hr_admin)
    rerun.refresh_from_db()
    again = MatchProposal.objects.get(run=rerun, mentee=offer.mentee)
    assert again.mentor_id != offer.mentor_id
