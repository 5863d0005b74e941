"""Security of the invitation link: an account someone else pre-registered with the
invited address must not become usable with *their* password when the invitee clicks."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import Membership, User
from mentoring.models import Invitation
from mentoring.services.invitations import token_new
from tests.accounts.factories import UserFactory
from tests.mentoring.factories import InvitationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

ATTACKER_PASSWORD = "attacker-chose-this-1"
INVITEE_PASSWORD = "a-long-Secret-phrase-42"


@pytest.fixture
def sent(program, hr_admin):
    participant = ParticipantFactory(program=program, email="nina@acme.test", full_name="Nina New", role="mentee")
    token, hashed = token_new()
    InvitationFactory(participant=participant, token_hash=hashed, status="sent", invited_by=hr_admin)
    return token


@pytest.fixture
def preregistered():
    """Someone signed up with the invitee's address (allauth signup is open) but could not
    confirm it: they do not read that mailbox."""
    user = UserFactory(email="nina@acme.test", verified=False)
    user.set_password(ATTACKER_PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return user


def _can_sign_in(client, password: str) -> bool:
    client.post("/accounts/login/", {"login": "nina@acme.test", "password": password})
    signed_in = "_auth_user_id" in client.session
    client.logout()
    return signed_in


def test_accepting_while_signed_out_does_not_hand_a_preregistered_account_to_its_creator(client, sent, preregistered):
    assert not _can_sign_in(client, ATTACKER_PASSWORD)  # unverified: allauth refuses

    client.post(reverse("invitation-detail", args=[sent]), {"action": "accept"})  # the real invitee clicks

    # The click proves the invitee reads the mailbox, not that the account's password is theirs.
    assert not _can_sign_in(client, ATTACKER_PASSWORD)


def test_the_invitee_claims_a_never_used_account_by_choosing_the_password(client, sent, preregistered, organization):
    response = client.post(reverse("invitation-detail", args=[sent]), {"action": "accept"})
    assert response.status_code == 302 and response["Location"] == reverse("invitation-signup", args=[sent])

    response = client.post(
        reverse("invitation-signup", args=[sent]),
        {"full_name": "Nina N.", "password1": INVITEE_PASSWORD, "password2": INVITEE_PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email="nina@acme.test")
    assert user.pk == preregistered.pk and user.full_name == "Nina N."
    assert int(client.session["_auth_user_id"]) == user.pk
    assert EmailAddress.objects.get(user=user, email="nina@acme.test").verified
    assert Invitation.objects.get().status == "accepted"
    assert Membership.objects.filter(user=user, organization=organization).exists()
    client.logout()
    assert not _can_sign_in(client, ATTACKER_PASSWORD)
    assert _can_sign_in(client, INVITEE_PASSWORD)


def test_an_account_in_use_is_never_claimed_through_the_signup_page(client, sent):
    owner = UserFactory(email="nina@acme.test")  # verified: its owner signs in instead
    response = client.post(
        reverse("invitation-signup", args=[sent]),
        {"full_name": "Mallory", "password1": ATTACKER_PASSWORD, "password2": ATTACKER_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    owner.refresh_from_db()
    assert owner.check_password("correct-horse-battery") and owner.full_name != "Mallory"
    assert Invitation.objects.get().status == "sent"
