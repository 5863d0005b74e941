"""Mentorship requests: every rule with the sentence a mentee reads, answers, automatic
closing when a mentorship starts, the emails, and the reminder/expiry sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from matching.models import MentorshipRequest, PairRule
from matching.services.requests import (
    request_accept,
    request_decline,
    request_withdraw,
    requests_sweep,
)
from mentoring.models import Mentorship, Program
from mentoring.services.mentorships import mentorship_create
from tests.matching.requesting import ask, mentee, mentor
from turazo.core.errors import Conflict, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db(transaction=True)
Status = MentorshipRequest.Status


def _count() -> int:
    return MentorshipRequest.objects.count()


# --- creating: the happy path ----------------------------------------------------------------


def test_a_request_stores_message_score_reasons_and_expiry_and_emails_the_mentor(program):
    me, them = mentee(program, 1), mentor(program, 1)
    before = timezone.now()
    req = ask(me, them, "I would love to learn SQL from you.")
    req.refresh_from_db()
    assert req.status == Status.PENDING
    assert req.kind == MentorshipRequest.Kind.REQUEST
    assert req.message == "I would love to learn SQL from you."
    assert 0 <= req.score <= 100
    assert "shared working hours" in req.explanation
    assert req.expires_at >= before + dt.timedelta(days=program.request_expiry_days)
    assert req.created_by_id == me.user_id
    assert [m.to for m in mail.outbox] == [[them.user.email]]
    assert mail.outbox[0].subject == "Mentee 01 asks you to be their mentor"
    body = mail.outbox[0].body
    assert "I would love to learn SQL from you." in body
    assert f"Match score: {req.score:.0f} out of 100" in body
    assert "/links/" in body


def test_the_email_has_accept_and_decline_links_stored_hashed(program):
    from turazo.core.models import ActionLink

    req = ask(mentee(program, 1), mentor(program, 1))
    body = mail.outbox[0].body
    tokens = [line.rsplit("/links/", 1)[1].strip("/") for line in body.splitlines() if "/links/" in line]
    assert len(tokens) == 2
    stored = set(ActionLink.objects.filter(target_id=req.pk).values_list("token_hash", flat=True))
    assert len(stored) == 2
    assert not stored & set(tokens)


# --- creating: every rule, with what the mentee reads -----------------------------------------


def test_a_program_where_hr_matches_refuses_requests(program):
    program.matching_mode = Program.MatchingMode.ADMIN
    program.save()
    me, them = mentee(program, 1), mentor(program, 1)
    with pytest.raises(Conflict, match="the HR team matches mentees with mentors, so mentors cannot be requested"):
        ask(me, them)
    assert _count() == 0


@pytest.mark.parametrize("status", [Program.Status.DRAFT, Program.Status.CLOSED])
def test_a_program_not_open_refuses_requests(program, status):
    program.status = status
    program.save()
    me, them = mentee(program, 1), mentor(program, 1)
    with pytest.raises(Conflict, match=f"is {status}, so mentors cannot be requested now"):
        ask(me, them)
    assert _count() == 0


def test_a_mentee_with_a_mentor_cannot_request(program):
    me, first, second = mentee(program, 1), mentor(program, 1), mentor(program, 2)
    mentorship_create(program=program, mentor=first, mentee=me, source="admin", actor=None)
    with pytest.raises(Conflict, match="You already have a mentor in Acme Mentoring 2027: Mentor 01."):
        ask(me, second)
    assert _count() == 0


def test_at_most_the_programs_number_of_pending_requests(program):
    program.max_pending_requests = 2
    program.save()
    me = mentee(program, 1)
    ask(me, mentor(program, 1))
    ask(me, mentor(program, 2))
    with pytest.raises(
        Conflict, match="You have 2 requests waiting for an answer, the most Acme Mentoring 2027 allows"
    ):
        ask(me, mentor(program, 3))
    assert _count() == 2


def test_no_second_pending_request_to_the_same_mentor(program):
    me, them = mentee(program, 1), mentor(program, 1)
    ask(me, them)
    with pytest.raises(Conflict, match="You already asked Mentor 01 on .*; wait for the answer, or withdraw"):
        ask(me, them)
    assert _count() == 1


def test_asking_again_after_a_decline_is_allowed(program):
    me, them = mentee(program, 1), mentor(program, 1)
    request_decline(request=ask(me, them), actor=them.user)
    again = ask(me, them)
    assert again.status == Status.PENDING


def test_a_mentor_without_a_free_place_cannot_be_asked(program):
    them = mentor(program, 1, capacity=1)
    mentorship_create(program=program, mentor=them, mentee=mentee(program, 2), source="admin", actor=None)
    with pytest.raises(Conflict, match="Mentor 01 has no free place left; choose another mentor."):
        ask(mentee(program, 1), them)
    assert _count() == 0


def test_a_mentor_sharing_no_language_cannot_be_asked(program):
    me, them = mentee(program, 1, languages=["portuguese"]), mentor(program, 1, languages=["japanese"])
    with pytest.raises(Conflict, match="You and Mentor 01 share no language"):
        ask(me, them)
    assert _count() == 0


def test_your_own_manager_cannot_be_asked(program):
    them = mentor(program, 1)
    me = mentee(program, 1, manager_email=them.email)
    with pytest.raises(Conflict, match="Mentor 01 is your manager; choose a mentor outside your reporting line."):
        ask(me, them)
    assert _count() == 0


def test_a_pair_the_organisers_forbade_cannot_be_asked(program):
    me, them = mentee(program, 1), mentor(program, 1)
    PairRule.objects.create(organization=program.organization, program=program, mentee=me, mentor=them, kind="forbid")
    with pytest.raises(Conflict, match="Your program's organisers ruled out pairing you with Mentor 01"):
        ask(me, them)
    assert _count() == 0


def test_a_too_long_message_is_refused(program):
    with pytest.raises(ValidationFailed, match="Keep your message under 1000 characters; it is 1001."):
        ask(mentee(program, 1), mentor(program, 1), "x" * 1001)
    assert _count() == 0


def test_only_the_mentee_themself_can_ask(program):
    me, them, other = mentee(program, 1), mentor(program, 1), mentee(program, 2)
    from matching.services.requests import request_create

    with pytest.raises(PermissionDenied, match="Only the mentee can ask for a mentor."):
        request_create(mentee=me, mentor_id=them.pk, message="", actor=other.user)
    assert _count() == 0


def test_a_mentee_cannot_ask_another_mentee(program):
    me, peer = mentee(program, 1), mentee(program, 2)
    with pytest.raises(ValidationFailed, match="That person is not a mentor of this program."):
        ask(me, peer)
    assert _count() == 0


# --- answers -----------------------------------------------------------------------------------


def test_accepting_starts_the_mentorship_and_tells_the_mentee(program):
    me, them = mentee(program, 1), mentor(program, 1)
    req = ask(me, them, "hi")
    mail.outbox.clear()
    request_accept(request=req, actor=them.user)
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED
    assert req.answered_by_id == them.user_id
    m = Mentorship.objects.get(mentee=me)
    assert (m.mentor_id, m.source, m.score) == (them.pk, "request", req.score)
    assert req.mentorship_id == m.pk
    # One email each: the introduction every new mentorship sends; the mentee's says the news.
    assert sorted(x.to[0] for x in mail.outbox) == sorted([me.user.email, them.user.email])
    to_mentee = next(x for x in mail.outbox if x.to == [me.user.email])
    assert to_mentee.subject == f"Mentor 01 accepted your request in {program.name}"
    assert "Mentor 01 accepted your request in" in to_mentee.body and "/book/" in to_mentee.body


def test_only_the_mentor_can_accept_and_nothing_changes_otherwise(program):
    me, them = mentee(program, 1), mentor(program, 1)
    req = ask(me, them)
    with pytest.raises(PermissionDenied, match="Only Mentor 01 can answer this request."):
        request_accept(request=req, actor=me.user)
    req.refresh_from_db()
    assert req.status == Status.PENDING
    assert Mentorship.objects.count() == 0


def test_declining_with_a_reason_tells_the_mentee_and_points_to_suggestions(program):
    me, them = mentee(program, 1), mentor(program, 1)
    req = ask(me, them)
    mail.outbox.clear()
    request_decline(request=req, actor=them.user, reason="I am travelling until March.")
    req.refresh_from_db()
    assert (req.status, req.decline_reason) == (Status.DECLINED, "I am travelling until March.")
    assert mail.outbox[0].subject == "Your request to Mentor 01 was declined"
    assert "Their reason: I am travelling until March." in mail.outbox[0].body
    assert "/me/suggestions/" in mail.outbox[0].body


def test_a_second_answer_says_what_already_happened(program):
    me, them = mentee(program, 1), mentor(program, 1)
    req = ask(me, them)
    request_accept(request=req, actor=them.user)
    with pytest.raises(Conflict, match=r"You accepted Mentee 01's request on \d+ \w+\."):
        request_decline(request=req, actor=them.user)


def test_an_expired_request_cannot_be_accepted(program):
    me, them = mentee(program, 1), mentor(program, 1)
    req = ask(me, them)
    MentorshipRequest.objects.filter(pk=req.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(Conflict, match="This request expired on"):
        request_accept(request=req, actor=them.user)
    assert Mentorship.objects.count() == 0


def test_withdrawing_tells_the_mentor_and_only_the_mentee_may(program):
    me, them = mentee(program, 1), mentor(program, 1)
    req = ask(me, them)
    with pytest.raises(PermissionDenied):
        request_withdraw(request=req, actor=them.user)
    mail.outbox.clear()
    request_withdraw(request=req, actor=me.user)
    req.refresh_from_db()
    assert req.status == Status.WITHDRAWN
    assert [x.to for x in mail.outbox] == [[them.user.email]]
    assert "Mentee 01 withdrew their request" in mail.outbox[0].body


# --- what a new mentorship closes ----------------------------------------------------------------


def test_accepting_withdraws_the_mentees_other_requests_and_tells_those_mentors(program):
    me, a, b, c = mentee(program, 1), mentor(program, 1), mentor(program, 2), mentor(program, 3)
    first, second, third = ask(me, a), ask(me, b), ask(me, c)
    mail.outbox.clear()
    request_accept(request=first, actor=a.user)
    for r in (second, third):
        r.refresh_from_db()
        assert r.status == Status.WITHDRAWN
        assert r.closed_note == "Mentee 01 now has a mentor, so this request was withdrawn automatically."
    told = [x for x in mail.outbox if "withdrawn" in x.subject.lower() or "accepted" in x.subject.lower()]
    assert sorted(x.to[0] for x in told) == sorted([me.user.email, b.user.email, c.user.email])
    assert a.user.email not in [x.to[0] for x in told]  # the accepting mentor gets the introduction only


def test_a_mentor_who_becomes_full_declines_the_rest_kindly(program):
    them = mentor(program, 1, capacity=1)
    one, two, three = mentee(program, 1), mentee(program, 2), mentee(program, 3)
    accepted, r2, r3 = ask(one, them), ask(two, them), ask(three, them)
    mail.outbox.clear()
    request_accept(request=accepted, actor=them.user)
    for r in (r2, r3):
        r.refresh_from_db()
        assert r.status == Status.DECLINED
        assert r.answered_by_id is None
        assert "mentoring places have all been taken" in r.closed_note
    declined_mail = [x for x in mail.outbox if x.to[0] == two.user.email]
    assert "Suggest another mentor" in declined_mail[0].body
    assert "It is not about you" in declined_mail[0].body


def test_a_pair_added_by_hr_closes_the_mentees_open_requests_too(program):
    me, them, other = mentee(program, 1), mentor(program, 1), mentor(program, 2)
    req = ask(me, them)
    mentorship_create(program=program, mentor=other, mentee=me, source="admin", actor=None)
    req.refresh_from_db()
    assert req.status == Status.WITHDRAWN


# --- reminder and expiry ------------------------------------------------------------------------


def _age(req: MentorshipRequest, days: float) -> None:
    created = timezone.now() - dt.timedelta(days=days)
    MentorshipRequest.objects.filter(pk=req.pk).update(
        created_at=created, expires_at=created + dt.timedelta(days=req.program.request_expiry_days)
    )


def test_the_sweep_reminds_once_after_the_reminder_days(program):
    them = mentor(program, 1)
    young, old = ask(mentee(program, 1), them), ask(mentee(program, 2), them)
    _age(young, 2)
    _age(old, 3.1)
    mail.outbox.clear()
    first, second = requests_sweep(), requests_sweep()
    assert first.reminded == [old.pk]
    assert second.reminded == []
    assert [m.subject for m in mail.outbox] == ["Reminder: Mentee 02 asks you to be their mentor"]
    assert "/links/" in mail.outbox[0].body


def test_the_sweep_expires_once_and_tells_the_mentee(program):
    me, them = mentee(program, 1), mentor(program, 1)
    req = ask(me, them)
    _age(req, 8)
    mail.outbox.clear()
    first, second = requests_sweep(), requests_sweep()
    assert first.expired == [req.pk]
    assert second.expired == []
    req.refresh_from_db()
    assert req.status == Status.EXPIRED
    assert [m.subject for m in mail.outbox] == ["Your request to Mentor 01 expired"]
    assert "/me/suggestions/" in mail.outbox[0].body


def test_an_answered_request_is_neither_reminded_nor_expired(program):
    me, them = mentee(program, 1), mentor(program, 1)
    req = ask(me, them)
    request_decline(request=req, actor=them.user)
    _age(req, 10)
    result = requests_sweep()
    assert (result.reminded, result.expired) == ([], [])


def test_the_sweep_cancels_requests_when_a_person_left_or_the_program_closed(program):
    me, them = mentee(program, 1), mentor(program, 1)
    req = ask(me, them)
    them.status = "removed"
    them.save()
    result = requests_sweep()
    req.refresh_from_db()
    assert result.cancelled == [req.pk]
    assert req.status == Status.CANCELLED
    assert req.closed_note == "The program closed, or one of you left it."
