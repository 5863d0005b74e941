"""Invitation pages: the emailed link (GET shows, POST answers), the sign-up that
accepts, and the HR admin's invitations list with resend and revoke."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.middleware import SESSION_KEY
from accounts.models import Membership, User
from mentoring.models import Invitation, Participant
from mentoring.services.invitations import token_new
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.mentoring.factories import InvitationFactory, ParticipantFactory, ProgramFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Secret-phrase-42"
LINK = re.compile(r"http://[^\s]+/invitations/([A-Za-z0-9_-]+)/")


@pytest.fixture
def invitee(program):
    return ParticipantFactory(program=program, email="nina@acme.test", full_name="Nina New", role="mentor")


def _live(participant, *, status="sent", **kwargs) -> tuple[Invitation, str]:
    token, hashed = token_new()
    return InvitationFactory(participant=participant, token_hash=hashed, status=status, **kwargs), token


@pytest.fixture
def sent(invitee, hr_admin):
    return _live(invitee, invited_by=hr_admin)


def _url(token: str) -> str:
    return reverse("invitation-detail", args=[token])


def _profile_url(participant: Participant) -> str:
    try:
        return reverse("profile-edit", args=[participant.pk])
    except NoReverseMatch:
        return reverse("dashboard")


def _snapshot():
    return (
        list(
            Invitation.objects.order_by("pk").values_list(
                "status", "attempts", "token_hash", "updated_at", "responded_at"
            )
        ),
        list(Participant.objects.order_by("pk").values_list("status", "user_id")),
        Membership.objects.count(),
        User.objects.count(),
    )


# --- the link ----------------------------------------------------------------------------


def test_get_and_head_ten_times_change_nothing(client, sent):
    _, token = sent
    before = _snapshot()
    for _ in range(10):
        assert client.get(_url(token)).status_code == 200
        assert client.head(_url(token)).status_code == 200
    assert _snapshot() == before
    assert mail.outbox == []


def test_the_page_shows_organization_program_role_inviter_and_expiry(client, sent):
    invitation, token = sent
    response = client.get(_url(token))
    html = response.content.decode()
    assert "You're invited to Acme Mentoring 2027" in html
    assert "Acme" in html and "Mentor" in html and "Helen HR" in html and "nina@acme.test" in html
    assert timezone.localtime(invitation.expires_at).strftime("%Y-%m-%dT%H:%M") in html
    assert 'name="action" value="accept"' in html and 'name="action" value="decline"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_page_does_not_leak_other_participants(client, sent, program):
    ParticipantFactory(program=program, email="someone.else@acme.test", full_name="Secret Person")
    html = client.get(_url(sent[1])).content.decode()
    assert "someone.else@acme.test" not in html and "Secret Person" not in html


@pytest.mark.parametrize("token", ["nope", "x" * 200])
def test_an_unknown_token_gets_a_clear_404_page(client, token, sent):
    response = client.get(_url(token))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_a_tampered_token_gets_a_404_page(client, sent):
    token = sent[1]
    response = client.get(_url(token[:-2] + ("zz" if not token.endswith("zz") else "yy")))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("accepted", "already accepted"),
        ("declined", "was declined"),
        ("revoked", "withdrawn or replaced"),
        ("expired", "has expired"),
    ],
)
def test_a_closed_invitation_gets_a_410_page_saying_what_happened(client, invitee, status, message):
    _, token = _live(invitee, status=status, responded_at=timezone.now())
    for method in (client.get, client.post):
        response = method(_url(token), {"action": "accept"})
        assert response.status_code == 410
        assert message in response.content.decode()


def test_a_live_invitation_past_its_expiry_gets_a_410_page(client, invitee):
    _, token = _live(invitee, expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.get(_url(token))
    assert response.status_code == 410 and "has expired" in response.content.decode()


def test_the_old_link_of_a_resent_invitation_is_rejected(client, sent, hr_admin, django_capture_on_commit_callbacks):
    invitation, old_token = sent
    client.force_login(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invitation-resend", args=[invitation.participant.program_id, invitation.pk]))
    client.logout()
    response = client.get(_url(old_token))
    assert response.status_code == 410 and "replaced by a newer one" in response.content.decode()
    new_token = LINK.search(mail.outbox[-1].body).group(1)
    assert client.get(_url(new_token)).status_code == 200


def test_only_get_head_and_post_are_allowed(client, sent):
    assert client.put(_url(sent[1])).status_code == 405


def test_an_unknown_action_is_refused(client, sent):
    response = client.post(_url(sent[1]), {"action": "delete"})
    assert response.status_code == 400 and "Choose Accept or Decline" in response.content.decode()
    assert Invitation.objects.get().status == "sent"


# --- accepting ---------------------------------------------------------------------------


def test_logged_out_accept_without_an_account_goes_to_signup(client, sent):
    response = client.post(_url(sent[1]), {"action": "accept"})
    assert response.status_code == 302
    assert response["Location"] == reverse("invitation-signup", args=[sent[1]])
    assert Invitation.objects.get().status == "sent"


def test_logged_out_accept_with_an_account_goes_to_login_and_back(client, sent):
    UserFactory(email="nina@acme.test")
    response = client.post(_url(sent[1]), {"action": "accept"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=%2Finvitations%2F{sent[1]}%2F"
    assert Invitation.objects.get().status == "sent"


def test_an_existing_account_that_never_confirmed_its_email_can_sign_in_to_accept(client, sent):
    # An account its owner has used (e.g. through the admin); a never-used one is claimed
    # instead, see test_security_invitations.py.
    user = UserFactory(email="nina@acme.test", verified=False, last_login=timezone.now())
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    here = _url(sent[1])
    assert client.get(here).status_code == 200
    assert not EmailAddress.objects.get(user=user).verified  # GET changes nothing

    client.post(here, {"action": "accept"})
    assert EmailAddress.objects.get(user=user).verified  # the link proved the mailbox
    login = client.post(
        f"/accounts/login/?next={here}", {"login": "nina@acme.test", "password": "correct-horse-battery"}
    )
    assert login.status_code == 302 and login["Location"] == here
    assert client.post(here, {"action": "accept"}).status_code == 302
    assert Invitation.objects.get().status == "accepted"


def test_signed_in_accept_joins_and_goes_straight_to_the_profile(client, sent, organization):
    invitation, token = sent
    user = UserFactory(email="nina@acme.test")
    client.force_login(user)

    response = client.post(_url(token), {"action": "accept"})

    invitation.refresh_from_db()
    participant = invitation.participant
    participant.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == _profile_url(participant)
    assert invitation.status == "accepted" and participant.user == user and participant.status == "active"
    assert client.session[SESSION_KEY] == organization.pk
    second = client.post(_url(token), {"action": "accept"})
    assert second.status_code == 410 and "already accepted" in second.content.decode()
    assert Membership.objects.filter(user=user).count() == 1


def test_a_member_of_another_organization_joins_this_one_with_the_same_account(client, sent, other_organization):
    user = UserFactory(email="nina@acme.test")
    MembershipFactory(user=user, organization=other_organization)
    client.force_login(user)
    client.post(_url(sent[1]), {"action": "accept"})
    assert User.objects.filter(email="nina@acme.test").count() == 1
    assert set(user.memberships.values_list("organization__name", flat=True)) == {"Acme", "Globex"}


def test_signed_in_as_someone_else_the_page_says_whom_the_invitation_is_for(client, sent, mentee):
    client.force_login(mentee)
    page = client.get(_url(sent[1])).content.decode()
    assert (
        "This invitation is for <strong>nina@acme.test</strong>, but you are signed in as <strong>mentee@acme.test</strong>"
        in page
    )
    before = _snapshot()
    response = client.post(_url(sent[1]), {"action": "accept"})
    assert response.status_code == 403
    assert "Sign out and open the link again" in response.content.decode()
    assert _snapshot() == before


def test_signed_in_as_someone_else_they_cannot_decline_the_invitation(client, sent, mentee):
    """A shared computer or the wrong account: not the invitee's answer."""
    client.force_login(mentee)
    page = client.get(_url(sent[1])).content.decode()
    assert 'value="decline"' not in page
    before = _snapshot()
    response = client.post(_url(sent[1]), {"action": "decline"})
    assert response.status_code == 403
    assert (
        "This invitation is for nina@acme.test, but you are signed in as mentee@acme.test. "
        "Sign out and open the link again to answer it." in response.content.decode()
    )
    assert _snapshot() == before


def test_signed_in_with_the_invited_address_they_can_decline(client, sent):
    client.force_login(UserFactory(email="nina@acme.test"))
    response = client.post(_url(sent[1]), {"action": "decline"})
    assert response.status_code == 200
    sent[0].refresh_from_db()
    assert sent[0].status == "declined"


def test_decline_is_recorded_and_a_second_click_says_so(client, sent):
    invitation, token = sent
    response = client.post(_url(token), {"action": "decline"})
    assert response.status_code == 200 and "Invitation declined" in response.content.decode()
    invitation.refresh_from_db()
    invitation.participant.refresh_from_db()
    assert invitation.status == "declined" and invitation.participant.status == "declined"
    again = client.get(_url(token))
    assert again.status_code == 410 and "was declined on" in again.content.decode()


# --- sign-up -------------------------------------------------------------------------------


def test_signup_page_prefills_the_invited_email_read_only(client, sent):
    html = client.get(reverse("invitation-signup", args=[sent[1]])).content.decode()
    assert re.search(r'<input type="email" name="email" value="nina@acme.test"[^>]*disabled', html)
    assert 'value="Nina New"' in html


def test_signup_creates_a_verified_account_logs_in_accepts_and_opens_the_profile(client, sent, organization):
    invitation, token = sent
    response = client.post(
        reverse("invitation-signup", args=[token]),
        {"email": "attacker@evil.test", "full_name": "Nina N.", "password1": PASSWORD, "password2": PASSWORD},
    )
    user = User.objects.get(email="nina@acme.test")  # the disabled field ignores what was posted
    invitation.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == _profile_url(invitation.participant)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert EmailAddress.objects.get(user=user, email="nina@acme.test").verified
    assert invitation.status == "accepted"
    assert Membership.objects.filter(user=user, organization=organization).exists()
    assert not User.objects.filter(email="attacker@evil.test").exists()
    assert mail.outbox == []  # no verification email: the token proved the mailbox


def test_the_new_account_can_sign_in_later_without_verifying_again(client, sent):
    client.post(
        reverse("invitation-signup", args=[sent[1]]),
        {"full_name": "Nina", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.logout()
    response = client.post("/accounts/login/", {"login": "nina@acme.test", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"full_name": "Nina", "password1": PASSWORD, "password2": PASSWORD + "x"}, "The two passwords differ"),
        ({"full_name": "Nina", "password1": "short", "password2": "short"}, "too short"),
        ({"full_name": "", "password1": PASSWORD, "password2": PASSWORD}, "This field is required"),
    ],
)
def test_signup_errors_are_shown_and_nothing_is_saved(client, sent, data, error):
    response = client.post(reverse("invitation-signup", args=[sent[1]]), data)
    assert response.status_code == 400 and error in response.content.decode()
    assert not User.objects.filter(email="nina@acme.test").exists()
    assert Invitation.objects.get().status == "sent"


def test_signup_when_the_account_already_exists_sends_to_login(client, sent):
    UserFactory(email="nina@acme.test")
    response = client.get(reverse("invitation-signup", args=[sent[1]]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_signup_when_signed_in_goes_back_to_the_invitation(client, sent, mentee):
    client.force_login(mentee)
    response = client.get(reverse("invitation-signup", args=[sent[1]]))
    assert response.status_code == 302 and response["Location"] == _url(sent[1])


def test_signup_with_a_closed_or_unknown_token_gets_the_clear_page(client, invitee):
    _, token = _live(invitee, status="revoked")
    assert client.get(reverse("invitation-signup", args=[token])).status_code == 410
    assert client.get(reverse("invitation-signup", args=["unknown"])).status_code == 404


# --- the admin's list ------------------------------------------------------------------------


def _admin_urls(program, invitation):
    return [
        ("get", reverse("invitation-list", args=[program.pk])),
        ("get", reverse("invitation-resend-all", args=[program.pk])),
        ("post", reverse("invitation-resend-all", args=[program.pk])),
        ("post", reverse("invitation-resend", args=[program.pk, invitation.pk])),
        ("post", reverse("invitation-revoke", args=[program.pk, invitation.pk])),
    ]


def test_the_list_shows_each_participants_latest_invitation(client, hr_admin, program):
    failed = ParticipantFactory(program=program, full_name="Fay Failed")
    InvitationFactory(participant=failed, status="revoked")
    InvitationFactory(participant=failed, status="failed", attempts=3, last_error="SMTPServerDisconnected: closed")
    overdue = ParticipantFactory(program=program, full_name="Otto Overdue")
    InvitationFactory(participant=overdue, status="sent", expires_at=timezone.now() - dt.timedelta(days=1))
    ParticipantFactory(program=program, full_name="Nora Never")
    ParticipantFactory(program=program, full_name="Rex Removed", status="removed")
    client.force_login(hr_admin)

    html = client.get(reverse("invitation-list", args=[program.pk])).content.decode()

    rows = {
        name: re.search(rf"{name}.*?</tr>", html, re.S).group(0)
        for name in ("Fay Failed", "Otto Overdue", "Nora Never")
    }
    assert "Failed to send" in rows["Fay Failed"] and "SMTPServerDisconnected: closed" in rows["Fay Failed"]
    assert '<td data-label="Attempts" class="tabular">3</td>' in rows["Fay Failed"]
    assert "Revoked" not in rows["Fay Failed"]
    assert "Expired" in rows["Otto Overdue"]
    assert "Not invited" in rows["Nora Never"]
    assert "</i> Send<" in rows["Nora Never"]
    assert "Rex Removed" not in html


def test_the_list_filters_by_effective_status(client, hr_admin, program):
    InvitationFactory(
        participant=ParticipantFactory(program=program, full_name="Otto Overdue"),
        status="sent",
        expires_at=timezone.now() - dt.timedelta(days=1),
    )
    InvitationFactory(participant=ParticipantFactory(program=program, full_name="Sam Sent"), status="sent")
    client.force_login(hr_admin)
    html = client.get(reverse("invitation-list", args=[program.pk]), {"status": "expired"}).content.decode()
    assert "Otto Overdue" in html and "Sam Sent" not in html
    partial = client.get(
        reverse("invitation-list", args=[program.pk]), {"status": "sent"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.content.decode() and "Sam Sent" in partial.content.decode()


def test_the_list_keeps_a_fixed_number_of_queries(client, hr_admin, program):
    client.force_login(hr_admin)
    for _ in range(3):
        InvitationFactory(participant=ParticipantFactory(program=program))
    url = reverse("invitation-list", args=[program.pk])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(30):
        InvitationFactory(participant=ParticipantFactory(program=program), status="failed")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_resend_from_the_list_revokes_the_old_and_sends_a_new_one(
    client, hr_admin, sent, program, django_capture_on_commit_callbacks
):
    invitation, _ = sent
    client.force_login(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invitation-resend", args=[program.pk, invitation.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("invitation-list", args=[program.pk])
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert invitation.participant.invitations.filter(status="sent").count() == 1
    assert mail.outbox[0].to == ["nina@acme.test"]


def test_resend_with_htmx_returns_the_row_and_a_live_message(
    client, hr_admin, sent, program, django_capture_on_commit_callbacks
):
    invitation, _ = sent
    client.force_login(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitation-resend", args=[program.pk, invitation.pk]), headers={"HX-Request": "true"}
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="invitation-row-{invitation.participant_id}">')
    assert (
        'hx-swap-oob="true"' in html
        and 'role="status"' in html
        and "A new invitation is on its way to nina@acme.test" in html
    )


def test_resending_an_accepted_invitation_says_why_not(client, hr_admin, invitee, program):
    invitation, _ = _live(invitee, status="accepted")
    invitee.status = "active"
    invitee.save()
    client.force_login(hr_admin)
    response = client.post(
        reverse("invitation-resend", args=[program.pk, invitation.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 409 and "already joined the program" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_revoke_from_the_list(client, hr_admin, sent, program):
    invitation, token = sent
    client.force_login(hr_admin)
    response = client.post(
        reverse("invitation-revoke", args=[program.pk, invitation.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "is revoked" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    again = client.post(reverse("invitation-revoke", args=[program.pk, invitation.pk]))
    assert again.status_code == 302
    assert "already revoked" in client.get(reverse("invitation-list", args=[program.pk])).content.decode()


def test_resend_all_asks_first_then_resends_to_everyone_pending(
    client, hr_admin, program, django_capture_on_commit_callbacks
):
    InvitationFactory(participant=ParticipantFactory(program=program), status="failed")
    InvitationFactory(
        participant=ParticipantFactory(program=program), status="sent", expires_at=timezone.now() - dt.timedelta(days=1)
    )
    InvitationFactory(participant=ParticipantFactory(program=program), status="sent")
    ParticipantFactory(program=program)
    client.force_login(hr_admin)

    confirm = client.get(reverse("invitation-resend-all", args=[program.pk]))
    assert "3 participants will get a new invitation" in confirm.content.decode()
    assert Invitation.objects.count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invitation-resend-all", args=[program.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 3
    assert Invitation.objects.filter(status="sent").count() == 4


def test_send_to_one_never_invited_participant(client, hr_admin, program, django_capture_on_commit_callbacks):
    never = ParticipantFactory(program=program, email="never@acme.test")
    ParticipantFactory(program=program)
    client.force_login(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invitation-resend-all", args=[program.pk]), {"participant": [str(never.pk)]})
    assert [m.to for m in mail.outbox] == [["never@acme.test"]]


def test_program_admin_pages_need_a_login(client, sent, program):
    for method, url in _admin_urls(program, sent[0]):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_mentees_and_mentors_get_403_on_admin_pages(client, request, sent, program, who):
    client.force_login(request.getfixturevalue(who))
    before = _snapshot()
    for method, url in _admin_urls(program, sent[0]):
        assert getattr(client, method)(url).status_code == 403, url
    assert _snapshot() == before


def test_an_admin_of_another_organization_gets_404_on_every_invitation_page(
    client, outsider, other_organization, sent, program
):
    client.force_login(outsider)
    before = _snapshot()
    for method, url in _admin_urls(program, sent[0]):
        assert getattr(client, method)(url).status_code == 404, url
    # Their own program id with our invitation id: still 404.
    own = ProgramFactory(organization=other_organization)
    for name in ("invitation-resend", "invitation-revoke"):
        assert client.post(reverse(name, args=[own.pk, sent[0].pk])).status_code == 404
    assert _snapshot() == before
