"""Nudges: the right email with the right link, at most one per person, kind and week (the
database's unique constraint, also under concurrent clicks), who sent it, and the automatic
quiet-pair sweep that sends exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from insights.models import Nudge, ProgramHealthSettings
from insights.services import nudges as services
from insights.tasks import quiet_pair_nudges_task
from mentoring.models import Mentorship, Participant, Program
from tests.mentoring.factories import ParticipantFactory, UserFactory
from turazo.core.errors import Conflict, ValidationFailed


def make_pair(program, *, started_days_ago: int = 0) -> Mentorship:
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ACTIVE)
    program.refresh_from_db()
    mentor = ParticipantFactory(program=program, role="mentor", status="active", user=UserFactory())
    mentee = ParticipantFactory(program=program, role="mentee", status="active", user=UserFactory())
    pair = Mentorship.objects.create(
        organization=program.organization, program=program, mentor=mentor, mentee=mentee, source="admin"
    )
    Mentorship.objects.filter(pk=pair.pk).update(created_at=timezone.now() - timedelta(days=started_days_ago))
    return Mentorship.objects.get(pk=pair.pk)


def incomplete_person(program) -> Participant:
    return ParticipantFactory(program=program, role="mentee", status="active", completeness=40, user=UserFactory())


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    def send(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.nudges_send(**kwargs)

    return send


def test_profile_nudge_links_to_the_profile_page(program, hr_admin, sent):
    person = incomplete_person(program)

    sent(program=program, kind="profile", actor=hr_admin, participant_ids=[person.pk])

    (message,) = mail.outbox
    assert message.to == [person.user.email]
    assert f"/participations/{person.pk}/profile/" in message.body
    assert "Complete your profile" in message.body


def test_quiet_pair_nudge_goes_to_both_people_with_the_booking_link(program, hr_admin, sent):
    pair = make_pair(program, started_days_ago=60)

    result = sent(program=program, kind="quiet_pair", actor=hr_admin, mentorship_ids=[pair.pk], message="Hi there!")

    assert result.sent_count == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pair.mentor.user.email, pair.mentee.user.email])
    assert all(f"/mentorships/{pair.pk}/book/" in m.body for m in mail.outbox)
    assert all("Hi there!" in m.body for m in mail.outbox)


def test_a_nudge_records_who_sent_it_and_that_it_was_sent(program, hr_admin, sent):
    person = incomplete_person(program)

    sent(program=program, kind="profile", actor=hr_admin, participant_ids=[person.pk])

    nudge = Nudge.objects.get()
    assert nudge.sent_by == hr_admin
    assert nudge.automatic is False
    assert nudge.status == Nudge.Status.SENT
    assert nudge.sent_at is not None


def test_a_second_nudge_the_same_week_is_skipped_and_reported(program, hr_admin, sent):
    person = incomplete_person(program)
    sent(program=program, kind="profile", actor=hr_admin, participant_ids=[person.pk])

    again = sent(program=program, kind="profile", actor=hr_admin, participant_ids=[person.pk])

    assert again.sent_count == 0
    assert again.already == [person]
    assert len(mail.outbox) == 1
    assert Nudge.objects.count() == 1


def test_next_week_the_person_can_be_nudged_again(program, hr_admin, sent):
    person = incomplete_person(program)
    sent(program=program, kind="profile", actor=hr_admin, participant_ids=[person.pk])

    later = sent(
        program=program, kind="profile", actor=hr_admin, participant_ids=[person.pk],
        now=timezone.now() + timedelta(days=7),
    )  # fmt: skip

    assert later.sent_count == 1


def test_another_kind_the_same_week_is_allowed(program, hr_admin, sent):
    pair = make_pair(program, started_days_ago=60)
    sent(program=program, kind="quiet_pair", actor=hr_admin, mentorship_ids=[pair.pk])

    other = sent(program=program, kind="no_session", actor=hr_admin, mentorship_ids=[pair.pk])

    assert other.sent_count == 2


def test_a_pair_that_is_not_quiet_is_refused(program, hr_admin, sent):
    fresh = make_pair(program, started_days_ago=1)

    with pytest.raises(ValidationFailed):
        sent(program=program, kind="quiet_pair", actor=hr_admin, mentorship_ids=[fresh.pk])
    assert Nudge.objects.count() == 0


def test_someone_of_another_program_is_refused(program, organization, hr_admin, sent):
    other = Program.objects.create(
        organization=organization, name="Other", start_date=program.start_date, end_date=program.end_date
    )
    stranger = incomplete_person(other)

    with pytest.raises(ValidationFailed):
        sent(program=program, kind="profile", actor=hr_admin, participant_ids=[stranger.pk])
    assert Nudge.objects.count() == 0


def test_a_closed_program_nudges_nobody(program, hr_admin, sent):
    person = incomplete_person(program)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.CLOSED)
    program.refresh_from_db()

    with pytest.raises(Conflict):
        sent(program=program, kind="profile", actor=hr_admin, participant_ids=[person.pk])
    assert Nudge.objects.count() == 0


def test_delivering_twice_sends_once(program, hr_admin, sent):
    person = incomplete_person(program)
    sent(program=program, kind="profile", actor=hr_admin, participant_ids=[person.pk])
    nudge = Nudge.objects.get()

    again = services.nudge_deliver(nudge_id=nudge.pk)

    assert again is False
    assert len(mail.outbox) == 1


def test_the_automatic_sweep_nudges_quiet_pairs_once(program, django_capture_on_commit_callbacks):
    quiet = make_pair(program, started_days_ago=60)
    make_pair(program, started_days_ago=2)  # not quiet
    ProgramHealthSettings.objects.create(
        organization=program.organization, program=program, auto_nudge_quiet_pairs=True
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = quiet_pair_nudges_task()
    with django_capture_on_commit_callbacks(execute=True):
        second = quiet_pair_nudges_task()

    assert first == 2
    assert second == 0
    assert {n.participant_id for n in Nudge.objects.all()} == {quiet.mentor_id, quiet.mentee_id}
    assert all(n.automatic and n.sent_by is None for n in Nudge.objects.all())
    assert len(mail.outbox) == 2


def test_the_sweep_leaves_programs_without_the_setting_alone(program, django_capture_on_commit_callbacks):
    make_pair(program, started_days_ago=60)
    ProgramHealthSettings.objects.create(organization=program.organization, program=program)

    with django_capture_on_commit_callbacks(execute=True):
        assert quiet_pair_nudges_task() == 0
    assert Nudge.objects.count() == 0


def test_a_message_too_long_is_refused(program, hr_admin, sent):
    person = incomplete_person(program)
    with pytest.raises(ValidationFailed):
        sent(program=program, kind="profile", actor=hr_admin, participant_ids=[person.pk], message="x" * 2001)
    assert Nudge.objects.count() == 0


# --- Concurrency (PostgreSQL) ----------------------------------------------------------------


def together(n: int, act) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = act(i)
        except Exception as e:  # noqa: BLE001 - reported by the assertions
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_clicks_send_one_email_per_person(program, hr_admin):
    pairs = [make_pair(program, started_days_ago=60) for _ in range(3)]
    person = incomplete_person(program)
    ids = [p.pk for p in pairs]

    def act(i: int):
        fresh = Program.objects.get(pk=program.pk)
        if i % 2:
            return services.nudges_send(program=fresh, kind="quiet_pair", actor=hr_admin, mentorship_ids=ids)
        return services.nudges_send(program=fresh, kind="profile", actor=hr_admin, participant_ids=[person.pk])

    results = together(10, act)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sum(r.sent_count for r in results) == 7  # 3 pairs x 2 people + 1 profile
    assert Nudge.objects.count() == 7
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [p.mentor.user.email for p in pairs] + [p.mentee.user.email for p in pairs] + [person.user.email]
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_nudge_each_person_once(program):
    pairs = [make_pair(program, started_days_ago=60) for _ in range(4)]
    ProgramHealthSettings.objects.create(
        organization=program.organization, program=program, auto_nudge_quiet_pairs=True
    )

    results = together(4, lambda i: services.quiet_pairs_nudge_automatically())

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sum(results) == 8
    assert len(mail.outbox) == 8
    assert Nudge.objects.filter(participant__in=[p.mentor for p in pairs]).count() == 4
