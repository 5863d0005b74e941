"""Invitation services: issuing, resending, revoking, accepting and declining by token."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from accounts.models import Membership
from mentoring.models import Invitation, Participant
from mentoring.services.invitations import (
    invitation_accept,
    invitation_accept_with_signup,
    invitation_decline,
    invitation_issue_bulk,
    invitation_lookup,
    invitation_resend,
    invitation_resend_bulk,
    invitation_revoke,
    token_hash,
    token_new,
)
from tests.accounts.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.mentoring.factories import InvitationFactory, ParticipantFactory, ProgramFactory
from turazo.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://[^\s]+/invitations/([A-Za-z0-9_-]+)/")


def _token_in(message) -> str:
    return LINK.search(message.body).group(1)


def _live(participant, *, status="sent", **kwargs) -> tuple[Invitation, str]:
    token, hashed = token_new()
    invitation = InvitationFactory(participant=participant, token_hash=hashed, status=status, **kwargs)
    return invitation, token


@pytest.fixture
def invitee(program):
    return ParticipantFactory(program=program, email="new.mentee@acme.test", full_name="Nina New", role="mentee")


# --- issuing -------------------------------------------------------------------------


def test_issue_bulk_creates_one_invitation_each_and_emails_after_commit(
    program, hr_admin, django_capture_on_commit_callbacks
):
    people = ParticipantFactory.create_batch(3, program=program)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = invitation_issue_bulk(participants=people, invited_by=hr_admin)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1  # one send task for the batch
    assert sorted(i.participant_id for i in created) == sorted(p.pk for p in people)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert set(Invitation.objects.values_list("status", flat=True)) == {"sent"}


def test_issue_bulk_uses_a_fixed_number_of_queries(program, hr_admin, django_assert_num_queries):
    people = ParticipantFactory.create_batch(25, program=program)
    with django_assert_num_queries(6):  # savepoint, lock, select eligible, insert, outbox job, release
        invitation_issue_bulk(participants=people, invited_by=hr_admin)
    assert Invitation.objects.count() == 25


def test_issue_bulk_skips_people_with_a_live_or_accepted_invitation_and_those_not_invited(program, hr_admin):
    has_live = ParticipantFactory(program=program)
    _live(has_live)
    has_accepted = ParticipantFactory(program=program)
    _live(has_accepted, status="accepted")
    removed = ParticipantFactory(program=program, status="removed")
    active = ParticipantFactory(program=program, status="active")
    had_expired = ParticipantFactory(program=program)
    _live(had_expired, status="expired")
    fresh = ParticipantFactory(program=program)

    created = invitation_issue_bulk(
        participants=[has_live, has_accepted, removed, active, had_expired, fresh], invited_by=hr_admin
    )

    assert sorted(i.participant_id for i in created) == sorted([had_expired.pk, fresh.pk])
    assert has_live.invitations.count() == 1 and removed.invitations.count() == 0


def test_issue_bulk_twice_creates_nothing_the_second_time(program, hr_admin):
    people = ParticipantFactory.create_batch(2, program=program)
    invitation_issue_bulk(participants=people, invited_by=hr_admin)
    assert invitation_issue_bulk(participants=people, invited_by=hr_admin) == []
    assert Invitation.objects.count() == 2


def test_new_invitations_expire_after_the_configured_days(program, hr_admin, settings):
    settings.INVITATION_TTL_DAYS = 3
    (invitation,) = invitation_issue_bulk(participants=[ParticipantFactory(program=program)], invited_by=hr_admin)
    expected = timezone.now() + dt.timedelta(days=3)
    assert abs((invitation.expires_at - expected).total_seconds()) < 5


# --- looking up -----------------------------------------------------------------------


def test_only_the_sha256_of_the_token_is_stored(invitee, hr_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_issue_bulk(participants=[invitee], invited_by=hr_admin)
    token = _token_in(mail.outbox[0])
    stored = Invitation.objects.get()
    assert stored.token_hash == token_hash(token) and token not in stored.token_hash
    assert invitation_lookup(token=token).pk == stored.pk


@pytest.mark.parametrize("token", ["", "x" * 101, "not-a-real-token"])
def test_unknown_or_malformed_tokens_are_not_found(token, invitee):
    _live(invitee)
    with pytest.raises(NotFound, match="not valid"):
        invitation_lookup(token=token)


def test_a_tampered_token_is_not_found(invitee):
    _, token = _live(invitee)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(NotFound):
        invitation_lookup(token=tampered)


# --- accepting ------------------------------------------------------------------------


def test_accept_joins_the_organization_links_the_participant_and_verifies_the_email(invitee, organization):
    user = UserFactory(email="new.mentee@acme.test", verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    invitation, token = _live(invitee)

    accepted = invitation_accept(token=token, user=user)

    invitation.refresh_from_db()
    invitee.refresh_from_db()
    assert accepted.pk == invitation.pk
    assert invitation.status == "accepted" and invitation.responded_at is not None
    assert invitee.user == user and invitee.status == "active"
    assert Membership.objects.filter(user=user, organization=organization, is_admin=False).exists()
    assert EmailAddress.objects.get(user=user, email=user.email).verified


def test_accept_by_someone_from_another_organization_adds_this_one_without_a_new_account(invitee, organization):
    user = UserFactory(email="new.mentee@acme.test")
    MembershipFactory(user=user, organization=OrganizationFactory(name="Previous employer"))
    _, token = _live(invitee)

    invitation_accept(token=token, user=user)

    assert set(user.memberships.values_list("organization__name", flat=True)) == {"Previous employer", "Acme"}


def test_accept_matches_the_email_case_insensitively(invitee):
    user = UserFactory(email="new.mentee@acme.test")
    invitee.email = "New.Mentee@ACME.test"
    invitee.save()
    _, token = _live(invitee)
    assert invitation_accept(token=token, user=user).status == "accepted"


def test_accept_with_another_account_is_refused_and_changes_nothing(invitee):
    stranger = UserFactory(email="someone.else@acme.test")
    invitation, token = _live(invitee)
    with pytest.raises(PermissionDenied, match="is for new.mentee@acme.test, but you are signed in as someone.else"):
        invitation_accept(token=token, user=stranger)
    invitation.refresh_from_db()
    assert invitation.status == "sent" and not Membership.objects.filter(user=stranger).exists()


def test_decline_with_another_account_is_refused_and_changes_nothing(invitee):
    stranger = UserFactory(email="someone.else@acme.test")
    invitation, token = _live(invitee)
    with pytest.raises(PermissionDenied, match="is for new.mentee@acme.test, but you are signed in as someone.else"):
        invitation_decline(token=token, user=stranger)
    invitation.refresh_from_db()
    invitee.refresh_from_db()
    assert invitation.status == "sent"
    assert invitee.status == "invited"


def test_a_second_accept_says_it_was_already_accepted(invitee):
    user = UserFactory(email="new.mentee@acme.test")
    _, token = _live(invitee)
    invitation_accept(token=token, user=user)
    with pytest.raises(Conflict, match="already accepted on"):
        invitation_accept(token=token, user=user)
    assert Membership.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [("revoked", "withdrawn or replaced"), ("declined", "was declined"), ("expired", "has expired")],
)
def test_closed_invitations_cannot_be_accepted(invitee, status, message):
    user = UserFactory(email="new.mentee@acme.test")
    _, token = _live(invitee, status=status)
    with pytest.raises(Conflict, match=message):
        invitation_accept(token=token, user=user)
    invitee.refresh_from_db()
    assert invitee.status == "invited" and not Membership.objects.filter(user=user).exists()


def test_a_live_invitation_past_its_expiry_cannot_be_accepted(invitee):
    user = UserFactory(email="new.mentee@acme.test")
    _, token = _live(invitee, expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(Conflict, match="has expired"):
        invitation_accept(token=token, user=user)


def test_accepting_for_a_removed_participant_is_refused(invitee):
    invitee.status = "removed"
    invitee.save()
    user = UserFactory(email="new.mentee@acme.test")
    _, token = _live(invitee)
    with pytest.raises(Conflict, match="no longer part of this program"):
        invitation_accept(token=token, user=user)


# --- sign-up and accept ---------------------------------------------------------------


def test_signup_creates_a_verified_account_and_accepts(invitee, organization):
    _, token = _live(invitee)
    user, invitation = invitation_accept_with_signup(
        token=token, full_name=" Nina New ", password="a-long-Secret-phrase-42"
    )
    assert (
        user.email == "new.mentee@acme.test"
        and user.full_name == "Nina New"
        and user.check_password("a-long-Secret-phrase-42")
    )
    assert EmailAddress.objects.get(user=user).verified
    assert invitation.status == "accepted"
    assert Membership.objects.filter(user=user, organization=organization).exists()


def test_signup_with_a_weak_password_saves_nothing(invitee):
    invitation, token = _live(invitee)
    with pytest.raises(ValidationFailed) as error:
        invitation_accept_with_signup(token=token, full_name="Nina", password="short")
    assert "password1" in error.value.fields
    invitation.refresh_from_db()
    assert invitation.status == "sent"
    assert not EmailAddress.objects.filter(email=invitee.email).exists()


def test_signup_when_the_account_exists_is_a_conflict(invitee):
    UserFactory(email="new.mentee@acme.test")
    _, token = _live(invitee)
    with pytest.raises(Conflict, match="already exists. Sign in"):
        invitation_accept_with_signup(token=token, full_name="Nina", password="a-long-Secret-phrase-42")


# --- declining -------------------------------------------------------------------------


def test_decline_marks_invitation_and_participant_and_second_click_says_so(invitee):
    invitation, token = _live(invitee)
    invitation_decline(token=token)
    invitation.refresh_from_db()
    invitee.refresh_from_db()
    assert invitation.status == "declined" and invitee.status == "declined"
    with pytest.raises(Conflict, match="was declined"):
        invitation_decline(token=token)


# --- resending and revoking --------------------------------------------------------------


def test_resend_revokes_the_old_invitation_and_emails_a_new_link(invitee, hr_admin, django_capture_on_commit_callbacks):
    old, old_token = _live(invitee)
    with django_capture_on_commit_callbacks(execute=True):
        new = invitation_resend(invitation=old, actor=hr_admin)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == "revoked" and new.status == "sent" and new.invited_by == hr_admin
    new_token = _token_in(mail.outbox[-1])
    assert new_token != old_token
    with pytest.raises(Conflict, match="withdrawn or replaced"):
        invitation_accept(token=old_token, user=UserFactory(email=invitee.email))


def test_resend_by_participant_works_when_never_invited(invitee, hr_admin):
    new = invitation_resend(participant=invitee, actor=hr_admin)
    assert new.participant == invitee and Invitation.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "message"), [("active", "already joined"), ("declined", "declined"), ("removed", "removed")]
)
def test_resend_is_refused_when_the_participant_cannot_be_invited(invitee, hr_admin, status, message):
    invitation, _ = _live(invitee, status="accepted" if status == "active" else "sent")
    invitee.status = status
    invitee.save()
    with pytest.raises(Conflict, match=message):
        invitation_resend(invitation=invitation, actor=hr_admin)
    assert Invitation.objects.count() == 1


def test_revoke_kills_the_link_and_a_second_revoke_is_a_conflict(invitee, hr_admin):
    invitation, token = _live(invitee)
    invitation_revoke(invitation=invitation, actor=hr_admin)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    with pytest.raises(Conflict, match="already revoked"):
        invitation_revoke(invitation=invitation, actor=hr_admin)
    with pytest.raises(Conflict):
        invitation_accept(token=token, user=UserFactory(email=invitee.email))


def test_accepted_invitation_cannot_be_revoked(invitee, hr_admin):
    invitation, _ = _live(invitee, status="accepted")
    with pytest.raises(Conflict, match="already accepted"):
        invitation_revoke(invitation=invitation, actor=hr_admin)


def test_resend_bulk_without_ids_reaches_pending_failed_expired_and_never_invited(program, hr_admin):
    by_state = {}
    for state in ["pending", "failed", "expired", "sent", "accepted", "declined", "revoked", "sent-but-overdue"]:
        participant = ParticipantFactory(program=program, full_name=state)
        status = "sent" if state == "sent-but-overdue" else state
        expires = timezone.now() - dt.timedelta(hours=1) if state == "sent-but-overdue" else None
        _live(participant, status=status, **({"expires_at": expires} if expires else {}))
        by_state[state] = participant
    by_state["accepted"].status = "active"
    by_state["accepted"].save()
    by_state["declined"].status = "declined"
    by_state["declined"].save()
    never = ParticipantFactory(program=program, full_name="never")
    other_program = ParticipantFactory(program=ProgramFactory(organization=program.organization))

    created = invitation_resend_bulk(program=program, actor=hr_admin)

    reached = {i.participant.full_name for i in Invitation.objects.filter(pk__in=[c.pk for c in created])}
    assert reached == {"pending", "failed", "expired", "sent-but-overdue", "never"}
    assert not other_program.invitations.exists()
    assert by_state["failed"].invitations.filter(status="revoked").count() == 1
    assert never.invitations.count() == 1


def test_resend_bulk_with_ids_ignores_other_programs_and_people_who_answered(program, hr_admin):
    waiting = ParticipantFactory(program=program)
    _live(waiting)
    joined = ParticipantFactory(program=program, status="active")
    elsewhere = ParticipantFactory(program=ProgramFactory(organization=OrganizationFactory()))

    created = invitation_resend_bulk(
        program=program, actor=hr_admin, participant_ids=[waiting.pk, joined.pk, elsewhere.pk]
    )

    assert [i.participant_id for i in created] == [waiting.pk]
    assert waiting.invitations.filter(status="revoked").count() == 1
    assert not elsewhere.invitations.exists() and not joined.invitations.exists()


def test_participant_status_is_unchanged_by_issuing(program, hr_admin):
    person = ParticipantFactory(program=program)
    invitation_issue_bulk(participants=[person], invited_by=hr_admin)
    person.refresh_from_db()
    assert person.status == Participant.Status.INVITED
