"""Mentorships in the API: admins list a program's and add pairs, participants list and end
their own; the services' rules answer 400/409 with the message, strangers 404."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from mentoring.models import Mentorship, Participant, Program
from mentoring.services.mentorships import mentorship_create
from tests.matching import cohort
from tests.mentoring.factories import MembershipFactory, UserFactory


@pytest.fixture
def people(program):
    program.status = Program.Status.ACTIVE
    program.save(update_fields=["status"])
    mentees = [cohort.mentee(program, i, languages=["english"]) for i in range(2)]
    mentor = cohort.mentor(program, 0, capacity=1, languages=["english"])
    return mentees, mentor


def _client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.django_db
def test_an_admin_adds_a_pair_and_lists_it(program, people, hr_admin):
    (mentee, _), mentor = people
    api = _client(hr_admin)
    created = api.post(
        f"/api/programs/{program.pk}/mentorships/", {"mentor": mentor.pk, "mentee": mentee.pk}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["mentor"]["id"], body["mentee"]["id"], body["source"], body["status"]) == (
        mentor.pk,
        mentee.pk,
        "admin",
        "active",
    )
    listed = api.get(f"/api/programs/{program.pk}/mentorships/").json()
    assert [m["id"] for m in listed["results"]] == [body["id"]]


@pytest.mark.django_db
def test_a_full_mentor_is_a_409_with_the_reason(program, people, hr_admin):
    (first, second), mentor = people
    mentorship_create(program=program, mentor=mentor, mentee=first, source="admin", actor=hr_admin)
    response = _client(hr_admin).post(
        f"/api/programs/{program.pk}/mentorships/", {"mentor": mentor.pk, "mentee": second.pk}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["message"] == f"{mentor.display_name} has no free place left."
    assert Mentorship.objects.count() == 1


@pytest.mark.django_db
def test_a_hard_rule_is_a_400_on_the_mentor_field(program, people, hr_admin):
    (mentee, _), mentor = people
    Participant.objects.filter(pk=mentor.pk).update(languages=["german"])
    response = _client(hr_admin).post(
        f"/api/programs/{program.pk}/mentorships/", {"mentor": mentor.pk, "mentee": mentee.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"mentor": ["This pair breaks a hard rule."]}
    assert Mentorship.objects.count() == 0


@pytest.mark.django_db
def test_a_participant_cannot_add_pairs(program, people, mentee):
    (first, _), mentor = people
    response = _client(mentee).post(
        f"/api/programs/{program.pk}/mentorships/", {"mentor": mentor.pk, "mentee": first.pk}, format="json"
    )
    assert response.status_code == 403
    assert Mentorship.objects.count() == 0


@pytest.mark.django_db
def test_an_outsider_gets_404_on_the_program_and_the_mentorship(program, people, hr_admin, outsider):
    (mentee, _), mentor = people
    pair = mentorship_create(program=program, mentor=mentor, mentee=mentee, source="admin", actor=hr_admin)
    api = _client(outsider)
    assert api.get(f"/api/programs/{program.pk}/mentorships/").status_code == 404
    assert api.post(
        f"/api/programs/{program.pk}/mentorships/", {"mentor": mentor.pk, "mentee": mentee.pk}, format="json"
    ).status_code == 404
    assert api.post(f"/api/mentorships/{pair.pk}/end/", {}, format="json").status_code == 404
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ACTIVE


@pytest.mark.django_db
def test_a_participant_lists_and_ends_their_own(program, mentor, mentee, hr_admin):
    me = Participant.objects.get(user=mentee)
    them = Participant.objects.get(user=mentor)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ACTIVE)
    pair = mentorship_create(program=program, mentor=them, mentee=me, source="admin", actor=hr_admin)
    api = _client(mentee)
    assert [m["id"] for m in api.get("/api/mentorships/").json()["results"]] == [pair.pk]
    ended = api.post(f"/api/mentorships/{pair.pk}/end/", {"reason": "Done"}, format="json")
    assert ended.status_code == 200
    assert (ended.json()["status"], ended.json()["end_reason"], ended.json()["ended_by"]) == (
        "ended",
        "Done",
        mentee.email,
    )
    again = api.post(f"/api/mentorships/{pair.pk}/end/", {"reason": "Done"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["message"].startswith("This mentorship already ended on ")


@pytest.mark.django_db
def test_a_colleague_gets_404_on_someone_elses_mentorship(program, mentor, mentee, hr_admin):
    pair = mentorship_create(
        program=program,
        mentor=Participant.objects.get(user=mentor),
        mentee=Participant.objects.get(user=mentee),
        source="admin",
        actor=hr_admin,
    )
    colleague = UserFactory()
    MembershipFactory(user=colleague, organization=program.organization)
    api = _client(colleague)
    assert api.get(f"/api/mentorships/{pair.pk}/").status_code == 404
    assert api.post(f"/api/mentorships/{pair.pk}/end/", {}, format="json").status_code == 404
    assert api.get("/api/mentorships/").json()["results"] == []
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ACTIVE


@pytest.mark.django_db
def test_a_too_long_reason_is_a_400(program, mentor, mentee, hr_admin):
    pair = mentorship_create(
        program=program,
        mentor=Participant.objects.get(user=mentor),
        mentee=Participant.objects.get(user=mentee),
        source="admin",
        actor=hr_admin,
    )
    response = _client(mentee).post(f"/api/mentorships/{pair.pk}/end/", {"reason": "x" * 301}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["reason"]
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ACTIVE
