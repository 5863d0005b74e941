"""Homes lead with the next step, and the admin's Requests view: pending with their age,
acceptance rate and median time to answer computed in SQL, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.mentorship_selectors import request_stats
from matching.models import MentorshipRequest
from matching.templatetags.mentorship_tags import shared_hours
from mentoring.models import Participant, Program
from mentoring.services.mentorships import mentorship_create
from scheduling.services.sessions import session_book
from tests.matching import cohort
from tests.scheduling.helpers import make_pair
from tests.scheduling.test_invites import upcoming_tuesday_9_berlin


def _complete(*users) -> None:
    Participant.objects.filter(user__in=users).update(completeness=100)


@pytest.fixture
def pair(program, mentor, mentee):
    _complete(mentor, mentee)
    return make_pair(
        program, mentor_user=mentor, mentee_user=mentee, mentor_zone="Europe/Berlin", mentee_zone="America/New_York"
    )


@pytest.mark.django_db
def test_the_mentees_home_leads_with_booking_the_first_session(client, pair, mentee):
    client.force_login(mentee)
    html = client.get(reverse("dashboard")).content.decode()
    assert f"Book your first session with {pair.mentor.display_name}" in html
    assert reverse("session-book", args=[pair.pk]) in html
    assert reverse("mentorship-end", args=[pair.pk]) in html


@pytest.mark.django_db
def test_once_a_session_is_booked_the_first_session_step_goes_away(client, pair, mentee):
    session_book(mentorship=pair, start=upcoming_tuesday_9_berlin(), actor=mentee)
    client.force_login(mentee)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Book your first session" not in html


@pytest.mark.django_db
def test_a_mentee_without_a_mentor_sees_their_pending_requests_with_their_age(client, program, mentee):
    _complete(mentee)
    Program.objects.filter(pk=program.pk).update(matching_mode=Program.MatchingMode.MENTEE_CHOOSES)
    me = Participant.objects.get(user=mentee)
    other = cohort.mentor(program, 1)
    MentorshipRequest.objects.create(
        organization=program.organization, program=program, mentee=me, mentor=other,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )  # fmt: skip
    MentorshipRequest.objects.filter(mentee=me).update(created_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(mentee)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Your requests waiting for an answer" in html
    assert other.display_name in html
    assert "sent 2\xa0days ago" in html
    assert f'href="{reverse("my-requests")}"' in html


@pytest.mark.django_db
def test_a_mentor_sees_the_requests_waiting_for_their_answer(client, program, mentor):
    _complete(mentor)
    me = Participant.objects.get(user=mentor)
    asking = cohort.mentee(program, 1)
    MentorshipRequest.objects.create(
        organization=program.organization, program=program, mentee=asking, mentor=me,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )  # fmt: skip
    client.force_login(mentor)
    html = client.get(reverse("dashboard")).content.decode()
    assert "1 mentee is waiting for your answer" in html
    assert asking.display_name in html
    assert f'href="{reverse("requests-inbox")}"' in html
    request_pk = MentorshipRequest.objects.get(mentor=me).pk
    assert f'href="{reverse("request-detail", args=[request_pk])}"' in html


@pytest.mark.django_db
def test_a_mentor_with_nothing_yet_gets_the_empty_state(client, mentor):
    _complete(mentor)
    client.force_login(mentor)
    assert "No mentees yet" in client.get(reverse("dashboard")).content.decode()


def test_shared_hours_are_shown_in_both_zones():
    me = Participant(timezone="America/New_York", work_start=dt.time(9), work_end=dt.time(17), work_days=[0, 1, 2, 3, 4])
    them = Participant(timezone="Europe/Berlin", work_start=dt.time(9), work_end=dt.time(17), work_days=[0, 1, 2, 3, 4])
    text = shared_hours(me, them, today=dt.date(2027, 3, 2))
    assert text == "09:00–11:00 your time (America/New_York) · 15:00–17:00 theirs (Europe/Berlin)"


def test_no_overlap_says_so():
    me = Participant(timezone="America/Los_Angeles", work_start=dt.time(9), work_end=dt.time(12), work_days=[0, 1, 2, 3, 4])
    them = Participant(timezone="Asia/Tokyo", work_start=dt.time(9), work_end=dt.time(12), work_days=[0, 1, 2, 3, 4])
    assert shared_hours(me, them, today=dt.date(2027, 3, 2)).startswith("Your working hours do not overlap")


# --- the admin's Requests view ---------------------------------------------------------------


def _request(program, mentee, mentor, status: str, took_hours: float | None = None, by=None):
    now = timezone.now()
    r = MentorshipRequest.objects.create(
        organization=program.organization, program=program, mentee=mentee, mentor=mentor,
        status=status, expires_at=now + dt.timedelta(days=7),
        answered_at=None if status == "pending" else now, answered_by=by,
    )  # fmt: skip
    if took_hours is not None:
        MentorshipRequest.objects.filter(pk=r.pk).update(created_at=now - dt.timedelta(hours=took_hours))
    return r


@pytest.mark.django_db
def test_request_stats_acceptance_rate_and_median_answer_time(program, hr_admin):
    mentees = [cohort.mentee(program, i) for i in range(5)]
    mentor = cohort.mentor(program, 0)
    _request(program, mentees[0], mentor, "accepted", took_hours=2, by=hr_admin)
    _request(program, mentees[1], mentor, "accepted", took_hours=10, by=hr_admin)
    _request(program, mentees[2], mentor, "declined", took_hours=4, by=hr_admin)
    _request(program, mentees[3], mentor, "declined", took_hours=1)  # declined automatically: not an answer
    _request(program, mentees[4], mentor, "pending")
    stats = request_stats(program)
    assert stats.pending == 1
    assert stats.acceptance_rate == pytest.approx(66.7)
    assert round(stats.median_answer.total_seconds() / 3600) == 4


@pytest.mark.django_db
def test_request_stats_median_of_an_even_count_is_the_mean_of_the_middle_two(program, hr_admin):
    mentees = [cohort.mentee(program, i) for i in range(2)]
    mentor = cohort.mentor(program, 0)
    _request(program, mentees[0], mentor, "accepted", took_hours=2, by=hr_admin)
    _request(program, mentees[1], mentor, "declined", took_hours=6, by=hr_admin)
    assert round(request_stats(program).median_answer.total_seconds() / 3600) == 4


@pytest.mark.django_db
def test_the_requests_view_shows_pending_with_their_age_in_fixed_queries(client, program, hr_admin):
    client.force_login(hr_admin)
    mentor = cohort.mentor(program, 0)
    url = reverse("program-requests", args=[program.pk])

    def grow(start: int, n: int) -> None:
        for i in range(start, start + n):
            _request(program, cohort.mentee(program, i), mentor, "pending", took_hours=30)
            _request(program, cohort.mentee(program, 100 + i), mentor, "accepted", took_hours=3, by=hr_admin)

    grow(0, 2)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == 200
    assert "1\xa0day, 6\xa0hours" in response.content.decode()
    grow(2, 10)
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db
def test_program_navigation_links_the_mentorships_and_requests_pages(client, program, hr_admin):
    client.force_login(hr_admin)
    html = client.get(reverse("program-detail", args=[program.pk])).content.decode()
    assert reverse("program-mentorships", args=[program.pk]) in html
    assert reverse("program-requests", args=[program.pk]) in html


@pytest.mark.django_db
def test_the_mentors_card_shows_the_mentee_who_started_by_hand(client, program, mentor, mentee, hr_admin):
    _complete(mentor, mentee)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ACTIVE)
    mentorship_create(
        program=program,
        mentor=Participant.objects.get(user=mentor),
        mentee=Participant.objects.get(user=mentee),
        source="admin",
        actor=hr_admin,
    )
    client.force_login(mentor)
    html = client.get(reverse("dashboard")).content.decode()
    assert Participant.objects.get(user=mentee).display_name in html
    assert "Added by an admin" in html  # no explanation: the source says how they were paired
