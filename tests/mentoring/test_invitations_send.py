"""The invitation email, the send task (idempotent, retried with backoff) and expiry."""

from __future__ import annotations

import datetime as dt
import re
import smtplib

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from django.utils.html import strip_tags

from mentoring.models import Invitation
from mentoring.services.invitations import (
    invitation_claim_for_sending,
    invitation_lookup,
    invitation_mark_sent,
    invitation_revoke,
    token_hash,
)
from mentoring.tasks.invitations import MAX_RETRIES, _backoff, invitations_expire, invitations_send
from tests.mentoring.factories import InvitationFactory, ParticipantFactory
from tests.worker import running_worker, wait_for
from turazo.core.errors import NotFound
from turazo.core.models import Job

pytestmark = pytest.mark.django_db

LINK = re.compile(r"(https?://[^\s\"]+)/invitations/([A-Za-z0-9_-]+)/")


class FlakyBackend(EmailBackend):
    """Refuses the first ``failures`` messages like a mail server having a bad minute."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    yield FlakyBackend
    FlakyBackend.failures = 0


@pytest.fixture
def worker(django_capture_on_commit_callbacks):
    """Runs a task, then each retry it queued (outbox jobs, run eagerly after commit) in
    turn, as a worker would (minus the countdown)."""

    def run(task, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return task.apply(args=args)

    return run


@pytest.fixture
def invitation(program, hr_admin):
    participant = ParticipantFactory(
        program=program, email="nina@acme.test", full_name="Nina New", role="mentor", timezone="Asia/Tokyo"
    )
    return InvitationFactory(participant=participant, invited_by=hr_admin)


def test_email_names_program_role_inviter_dates_link_and_expiry(invitation, settings):
    settings.SITE_URL = "https://mentoring.acme.test"
    invitations_send.apply(args=[[invitation.pk]])

    (message,) = mail.outbox
    invitation.refresh_from_db()
    assert message.subject == "You're invited to Acme Mentoring 2027 as a mentor"
    assert message.to == ["nina@acme.test"]
    html = message.alternatives[0][0]
    expires_tokyo = timezone.localtime(invitation.expires_at, dt.timezone(dt.timedelta(hours=9)))
    for body in (message.body, " ".join(strip_tags(html).split())):
        assert "Helen HR invited you to join" in body
        assert "Acme Mentoring 2027" in body and "as a" in body and "mentor" in body
        assert "1 Jan 2027 to 30 Jun 2027" in body  # the shared DATE_FORMAT
        assert f"expires on {expires_tokyo.day} {expires_tokyo:%b %Y, %H:%M} (Asia/Tokyo)" in body
    base, token = LINK.search(message.body).groups()
    assert base == "https://mentoring.acme.test"
    assert f"https://mentoring.acme.test/invitations/{token}/" in html
    assert invitation.token_hash == token_hash(token)
    assert invitation_lookup(token=token).pk == invitation.pk


def test_sending_marks_sent_with_time_and_attempt(invitation):
    invitations_send.apply(args=[[invitation.pk]])
    invitation.refresh_from_db()
    assert invitation.status == "sent" and invitation.attempts == 1 and invitation.sent_at is not None
    assert invitation.last_error == ""


def test_running_the_task_twice_sends_one_email(invitation):
    invitations_send.apply(args=[[invitation.pk]])
    invitations_send.apply(args=[[invitation.pk]])
    invitation.refresh_from_db()
    assert len(mail.outbox) == 1 and invitation.attempts == 1


def test_a_second_run_while_the_first_is_still_sending_sends_nothing(invitation):
    first = invitation_claim_for_sending(invitation_id=invitation.pk)
    invitations_send.apply(args=[[invitation.pk]])
    invitation.refresh_from_db()
    assert first is not None and mail.outbox == []
    assert invitation.attempts == 1 and invitation.token_hash == first.invitation.token_hash


def test_a_claim_abandoned_by_a_dead_worker_is_sent_again_after_the_lease(invitation):
    first = invitation_claim_for_sending(invitation_id=invitation.pk)
    Invitation.objects.filter(pk=invitation.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=11))
    invitations_send.apply(args=[[invitation.pk]])
    invitation.refresh_from_db()
    assert len(mail.outbox) == 1 and invitation.status == "sent" and invitation.attempts == 2
    assert not invitation_mark_sent(invitation=first.invitation)  # the abandoned claim's token is dead


def test_revoked_meanwhile_is_not_marked_sent(invitation, hr_admin):
    claim = invitation_claim_for_sending(invitation_id=invitation.pk)
    invitation_revoke(invitation=invitation, actor=hr_admin)
    assert not invitation_mark_sent(invitation=claim.invitation)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


@pytest.mark.parametrize("status", ["sent", "accepted", "declined", "revoked", "expired"])
def test_only_pending_or_failed_invitations_are_sent(program, status):
    invitation = InvitationFactory(participant=ParticipantFactory(program=program), status=status)
    invitations_send.apply(args=[[invitation.pk]])
    assert mail.outbox == []


def test_nothing_is_sent_to_a_removed_participant(program):
    invitation = InvitationFactory(participant=ParticipantFactory(program=program, status="removed"))
    invitations_send.apply(args=[[invitation.pk, 999_999]])
    invitation.refresh_from_db()
    assert mail.outbox == [] and invitation.status == "pending"


def test_a_failed_send_is_recorded_and_retried_until_it_goes_through(invitation, flaky, worker):
    flaky.failures = 2
    worker(invitations_send, [invitation.pk])

    invitation.refresh_from_db()
    assert len(mail.outbox) == 1
    assert invitation.status == "sent" and invitation.attempts == 3 and invitation.last_error == ""
    token = LINK.search(mail.outbox[0].body).group(2)
    assert invitation.token_hash == token_hash(token)  # only the link that went out works


def test_a_failed_send_queues_its_retry_as_a_delayed_job_that_survives_a_broker_outage(invitation, flaky):
    flaky.failures = 1
    invitations_send.apply(args=[[invitation.pk]])  # its retry waits for a commit that never comes here
    (retry,) = Job.objects.filter(task="mentoring.invitations_send")
    assert (retry.args, retry.kwargs, retry.dispatched_at) == ([[invitation.pk]], {"attempt": 1}, None)
    assert 60 <= (retry.not_before - retry.created_at).total_seconds() <= 90
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == ("failed", 1)


def test_after_the_last_retry_the_failure_stays_visible_and_nothing_is_lost(invitation, flaky, program, worker):
    flaky.failures = 100
    other = InvitationFactory(participant=ParticipantFactory(program=program))
    result = worker(invitations_send, [invitation.pk, other.pk])

    assert result.successful()  # gave up quietly: the rows say what happened
    for row in (invitation, other):
        row.refresh_from_db()
        assert row.status == "failed" and row.attempts == MAX_RETRIES + 1
        assert row.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert mail.outbox == []


def test_only_the_failed_invitations_of_a_batch_are_retried(program, flaky, invitation, worker):
    flaky.failures = 1
    second = InvitationFactory(participant=ParticipantFactory(program=program))
    worker(invitations_send, [invitation.pk, second.pk])
    invitation.refresh_from_db()
    second.refresh_from_db()
    assert (invitation.attempts, second.attempts) == (2, 1)
    assert len(mail.outbox) == 2


def test_backoff_grows_exponentially_with_a_little_jitter():
    delays = [_backoff(n) for n in range(5)]
    assert [d // 60 for d in delays] == [1, 2, 4, 8, 16]
    assert all(60 * 2**n <= d <= 60 * 2**n + 30 for n, d in enumerate(delays))


def test_the_periodic_task_expires_overdue_live_invitations_only(program):
    past = timezone.now() - dt.timedelta(minutes=1)
    overdue = [
        InvitationFactory(participant=ParticipantFactory(program=program), status=s, expires_at=past)
        for s in ("pending", "sent", "failed")
    ]
    fresh = InvitationFactory(participant=ParticipantFactory(program=program), status="sent")
    answered = InvitationFactory(participant=ParticipantFactory(program=program), status="accepted", expires_at=past)

    assert invitations_expire.apply().get() == 3
    assert invitations_expire.apply().get() == 0  # safe to run again

    assert {i.status for i in Invitation.objects.filter(pk__in=[o.pk for o in overdue])} == {"expired"}
    fresh.refresh_from_db()
    answered.refresh_from_db()
    assert fresh.status == "sent" and answered.status == "accepted"


def test_expiry_runs_on_beat():
    schedule = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "mentoring.invitations_expire" in schedule


def test_a_token_from_an_earlier_attempt_is_dead(invitation, flaky):
    claim = invitation_claim_for_sending(invitation_id=invitation.pk)
    Invitation.objects.filter(pk=invitation.pk).update(status="failed")
    invitations_send.apply(args=[[invitation.pk]])
    with pytest.raises(NotFound):
        invitation_lookup(token=claim.token)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_queued_invitations_after_commit(program, hr_admin, settings):
    from mentoring.services.invitations import invitation_issue_bulk

    people = ParticipantFactory.create_batch(3, program=program)
    with running_worker():
        invitation_issue_bulk(participants=people, invited_by=hr_admin)
        wait_for(lambda: Invitation.objects.filter(status="sent").count() == 3)
    assert set(Invitation.objects.values_list("attempts", flat=True)) == {1}
