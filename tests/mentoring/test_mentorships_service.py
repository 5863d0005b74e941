"""The one mentorships service: who may be paired, capacity under locks, ending."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mentoring.models import Mentorship, Participant
from mentoring.services.mentorships import (
    Pair,
    mentor_free_places,
    mentorship_create,
    mentorship_end,
    mentorships_create,
)
from mentoring.signals import mentorship_ended, mentorships_started
from tests.concurrency import together
from tests.matching import cohort
from turazo.core.errors import Conflict, ValidationFailed


def _create(program, mentor, mentee, source="admin"):
    return mentorship_create(program=program, mentor=mentor, mentee=mentee, source=source, actor=None)


@pytest.mark.django_db
def test_a_pair_starts_with_its_source_score_and_explanation(program, hr_admin):
    mentor, mentee = cohort.mentor(program, 1), cohort.mentee(program, 1)
    m = mentorship_create(
        program=program, mentor=mentor, mentee=mentee, source="request", actor=hr_admin, score=81.5, explanation="x"
    )
    m.refresh_from_db()
    assert (m.mentor_id, m.mentee_id, m.source, m.status) == (mentor.pk, mentee.pk, "request", "active")
    assert (m.score, m.explanation, m.created_by_id) == (81.5, "x", hr_admin.pk)
    assert m.organization_id == program.organization_id


@pytest.mark.django_db
def test_free_places_follow_own_capacity_else_the_program_default(program):
    program.default_capacity = 3
    program.save()
    own, default = cohort.mentor(program, 1, capacity=1), cohort.mentor(program, 2, capacity=None)
    assert mentor_free_places(own) == 1
    assert mentor_free_places(default) == 3
    _create(program, default, cohort.mentee(program, 1))
    assert mentor_free_places(default) == 2


@pytest.mark.django_db
def test_a_full_mentor_takes_nobody_more(program):
    mentor = cohort.mentor(program, 1, capacity=1)
    _create(program, mentor, cohort.mentee(program, 1))
    with pytest.raises(Conflict, match="Mentor 01 has no free place left"):
        _create(program, mentor, cohort.mentee(program, 2))
    assert Mentorship.objects.filter(mentor=mentor).count() == 1
    assert mentor_free_places(mentor) == 0


@pytest.mark.django_db
def test_a_mentee_has_one_active_mentor(program):
    mentee = cohort.mentee(program, 1)
    _create(program, cohort.mentor(program, 1), mentee)
    with pytest.raises(Conflict, match="Mentee 01 already has a mentor"):
        _create(program, cohort.mentor(program, 2), mentee)
    assert Mentorship.objects.filter(mentee=mentee).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mentor_status": Participant.Status.INVITED}, "Mentor 01 has not joined the program or has left it"),
        ({"mentee_status": Participant.Status.REMOVED}, "Mentee 01 has not joined the program or has left it"),
        ({"swap_roles": True}, "Mentee 01 is not a mentor in this program"),
    ],
)
def test_people_who_cannot_be_paired_are_refused_with_the_reason(program, change, message):
    mentor, mentee = cohort.mentor(program, 1), cohort.mentee(program, 1)
    Participant.objects.filter(pk=mentor.pk).update(status=change.get("mentor_status", "active"))
    Participant.objects.filter(pk=mentee.pk).update(status=change.get("mentee_status", "active"))
    if change.get("swap_roles"):
        mentor, mentee = mentee, mentor
    with pytest.raises(Conflict, match=message):
        _create(program, mentor, mentee)
    assert Mentorship.objects.count() == 0


@pytest.mark.django_db
def test_someone_from_another_program_cannot_be_paired(program, organization):
    from tests.mentoring.factories import ProgramFactory

    other = ProgramFactory(organization=organization)
    with pytest.raises(Conflict, match="not in"):
        _create(program, cohort.mentor(other, 1), cohort.mentee(program, 1))
    assert Mentorship.objects.count() == 0


@pytest.mark.django_db
def test_bulk_creation_skips_with_reasons_in_order_and_counts_its_own_pairs(program):
    mentor = cohort.mentor(program, 1, capacity=2)
    mentees = [cohort.mentee(program, i) for i in range(3)]
    result = mentorships_create(
        program=program,
        pairs=[Pair(mentor.pk, m.pk) for m in mentees] + [Pair(mentor.pk, mentees[0].pk)],
        source="matching",
        actor=None,
    )
    assert [m.mentee_id for m in result.created] == [mentees[0].pk, mentees[1].pk]
    assert [reason for _pair, reason in result.skipped] == [
        "Mentor 01 has no free place left.",
        "Mentee 00 already has a mentor.",
    ]


@pytest.mark.django_db
def test_starting_and_ending_send_the_domain_signals(program):
    seen = []
    mentorships_started.connect(
        lambda sender, mentorships, **kw: seen.append(("started", len(mentorships))), weak=False, dispatch_uid="t1"
    )
    mentorship_ended.connect(
        lambda sender, mentorship, **kw: seen.append(("ended", mentorship.pk)), weak=False, dispatch_uid="t2"
    )
    try:
        m = _create(program, cohort.mentor(program, 1), cohort.mentee(program, 1))
        mentorship_end(mentorship=m, actor=None, reason="")
    finally:
        mentorships_started.disconnect(dispatch_uid="t1")
        mentorship_ended.disconnect(dispatch_uid="t2")
    assert seen == [("started", 1), ("ended", m.pk)]


@pytest.mark.django_db
def test_ending_records_who_when_and_why_and_frees_the_place(program, hr_admin):
    mentor = cohort.mentor(program, 1, capacity=1)
    m = _create(program, mentor, cohort.mentee(program, 1))
    ended = mentorship_end(mentorship=m, actor=hr_admin, reason="  Changed teams  ")
    ended.refresh_from_db()
    assert ended.status == Mentorship.Status.ENDED
    assert ended.ended_by_id == hr_admin.pk
    assert ended.end_reason == "Changed teams"
    assert ended.ended_at <= timezone.now()
    assert mentor_free_places(mentor) == 1


@pytest.mark.django_db
def test_ending_twice_says_when_it_ended_and_changes_nothing(program):
    m = _create(program, cohort.mentor(program, 1), cohort.mentee(program, 1))
    first = mentorship_end(mentorship=m, actor=None, reason="done")
    with pytest.raises(Conflict, match="already ended on"):
        mentorship_end(mentorship=m, actor=None, reason="again")
    m.refresh_from_db()
    assert m.end_reason == "done"
    assert m.ended_at == first.ended_at


@pytest.mark.django_db
def test_an_overlong_end_reason_is_refused(program):
    m = _create(program, cohort.mentor(program, 1), cohort.mentee(program, 1))
    with pytest.raises(ValidationFailed) as e:
        mentorship_end(mentorship=m, actor=None, reason="x" * 301)
    assert "reason" in e.value.fields
    m.refresh_from_db()
    assert m.status == Mentorship.Status.ACTIVE


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_pairings_for_two_free_places_make_two(program):
    mentor = cohort.mentor(program, 1, capacity=2)
    mentees = [cohort.mentee(program, i) for i in range(10)]
    outcomes = together(10, lambda i: mentees[i], lambda i, mentee: _create(program, mentor, mentee).pk)
    assert Mentorship.objects.filter(mentor=mentor, status="active").count() == 2
    assert sum(isinstance(o, int) for o in outcomes) == 2
    assert all(isinstance(o, Conflict) for o in outcomes if not isinstance(o, int))
