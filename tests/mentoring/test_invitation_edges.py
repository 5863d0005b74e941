from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from mentoring.services.invitations import invitation_email_matches
from tests.accounts.factories import UserFactory
from tests.mentoring.factories import InvitationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def test_an_unverified_secondary_address_does_not_match_the_invitation(program):
    invitation = InvitationFactory(participant=ParticipantFactory(program=program, email="invitee@acme.test"))
    someone = UserFactory(email="someone@else.test")
    EmailAddress.objects.create(user=someone, email="invitee@acme.test", verified=False, primary=False)
    assert not invitation_email_matches(invitation=invitation, user=someone)
    EmailAddress.objects.filter(user=someone, email="invitee@acme.test").update(verified=True)
    assert invitation_email_matches(invitation=invitation, user=someone)


def test_revoking_with_htmx_after_the_participant_was_removed_reloads_the_list(client, hr_admin, program):
    participant = ParticipantFactory(program=program, full_name="Gone Person")
    invitation = InvitationFactory(participant=participant, status="sent")
    participant.status = "removed"
    participant.save()
    client.force_login(hr_admin)
    response = client.post(f"/programs/{program.pk}/invitations/{invitation.pk}/revoke/", HTTP_HX_REQUEST="true")
    assert (response.status_code, response.headers.get("HX-Refresh")) == (204, "true")
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
