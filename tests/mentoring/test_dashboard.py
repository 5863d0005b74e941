from __future__ import annotations

import pytest
from django.utils import timezone

from mentoring.models import Mentorship, Participant

pytestmark = pytest.mark.django_db


def test_mentee_and_mentor_see_each_other_on_their_dashboards(client, program, mentor, mentee):
    mentor_p = Participant.objects.get(user=mentor)
    mentee_p = Participant.objects.get(user=mentee)
    Mentorship.objects.create(
        organization=program.organization, program=program, mentor=mentor_p, mentee=mentee_p,
        source="matching", explanation="2 of 3 wanted skills: SQL, hiring",
    )  # fmt: skip
    client.force_login(mentee)
    page = client.get("/dashboard/").content.decode()
    assert "Your mentor</h4>" in page
    assert mentor_p.display_name in page
    assert "Why you were matched:</span> 2 of 3 wanted skills: SQL, hiring" in page
    client.force_login(mentor)
    page = client.get("/dashboard/").content.decode()
    assert "Your mentees</h4>" in page and mentee_p.display_name in page


def test_ended_mentorships_are_not_shown(client, program, mentor, mentee):
    Mentorship.objects.create(
        organization=program.organization, program=program, mentor=Participant.objects.get(user=mentor),
        mentee=Participant.objects.get(user=mentee), source="admin", status="ended",
        ended_at=timezone.now(),
    )  # fmt: skip
    client.force_login(mentee)
    assert "Your mentor</h4>" not in client.get("/dashboard/").content.decode()
