"""Concurrent clicks on one invitation link: real threads, separate connections, Postgres."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, User
from mentoring.models import Invitation
from mentoring.services.invitations import invitation_resend, token_new
from tests.accounts.factories import UserFactory
from tests.mentoring.factories import InvitationFactory, ParticipantFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-Secret-phrase-42"


def _together(n: int, work) -> list:
    """Run ``work(i)`` in n threads released at once by a barrier; each thread has its own connection."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            prepared = work(i, None)
            barrier.wait(timeout=30)
            results[i] = work(i, prepared)
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def invitation(program):
    token, hashed = token_new()
    participant = ParticipantFactory(program=program, email="nina@acme.test")
    return InvitationFactory(participant=participant, token_hash=hashed, status="sent"), token


def test_twenty_concurrent_accepts_make_one_membership(invitation, organization):
    invitation, token = invitation
    user = UserFactory(email="nina@acme.test")
    url = reverse("invitation-detail", args=[token])

    def work(i, client):
        if client is None:  # before the barrier: sign in
            client = Client()
            client.force_login(user)
            return client
        return client.post(url, {"action": "accept"}).status_code

    statuses = _together(20, work)

    assert sorted(statuses) == [302] + [410] * 19, statuses
    assert Membership.objects.filter(user=user, organization=organization).count() == 1
    invitation.refresh_from_db()
    invitation.participant.refresh_from_db()
    assert invitation.status == "accepted" and invitation.participant.user == user


def test_concurrent_signups_from_one_link_create_one_account(invitation):
    _, token = invitation
    url = reverse("invitation-signup", args=[token])
    data = {"full_name": "Nina", "password1": PASSWORD, "password2": PASSWORD}

    def work(i, client):
        if client is None:
            return Client()
        return client.post(url, data).status_code

    statuses = _together(8, work)

    assert sorted(statuses) == [302] + [410] * 7, statuses
    assert User.objects.filter(email="nina@acme.test").count() == 1
    assert Membership.objects.count() == 1


def test_concurrent_resends_leave_exactly_one_live_invitation(invitation, hr_admin):
    invitation, _ = invitation

    def work(i, ready):
        if ready is None:
            return True
        return invitation_resend(invitation=invitation, actor=hr_admin).pk

    results = _together(10, work)

    assert all(isinstance(r, int) for r in results), results
    assert Invitation.objects.filter(participant=invitation.participant, status__in=Invitation.LIVE).count() == 1
    assert Invitation.objects.filter(participant=invitation.participant, status="revoked").count() == 10


def test_an_accept_racing_a_resend_never_deadlocks(program, hr_admin, organization):
    """Both lock the participant first, then the invitation: one waits for the other,
    and the outcome is consistent whichever wins."""
    from django.db.utils import OperationalError

    from mentoring.services.invitations import invitation_accept
    from turazo.core.errors import Conflict

    for round_ in range(5):
        token, hashed = token_new()
        participant = ParticipantFactory(program=program, email=f"race{round_}@acme.test")
        sent = InvitationFactory(participant=participant, token_hash=hashed, status="sent")
        user = UserFactory(email=f"race{round_}@acme.test")

        def work(i, prepared, token=token, user=user, sent=sent):
            if prepared is None:
                return True
            try:
                if i == 0:
                    invitation_accept(token=token, user=user)
                else:
                    invitation_resend(invitation=Invitation.objects.get(pk=sent.pk), actor=hr_admin)
            except Conflict as e:
                return e
            return "ok"

        results = _together(2, work)
        assert not any(isinstance(r, OperationalError) for r in results), results
        assert all(r == "ok" or isinstance(r, Conflict) for r in results), results
        participant.refresh_from_db()
        live = Invitation.objects.filter(participant=participant, status__in=Invitation.LIVE).count()
        if participant.status == "active":  # the accept won: nothing live is left to answer
            assert Invitation.objects.filter(participant=participant, status="accepted").count() == 1
        else:  # the resend won: the old link is dead and exactly one new one is live
            assert live == 1
