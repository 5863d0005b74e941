"""Invitations: issuing, sending, resending, revoking, accepting and declining.

Token scheme
------------
The raw token exists only in the email. A new invitation row gets an *unusable*
hash (the SHA-256 of a random token nobody ever sees), so the row can exist before
any email is sent and ``token_hash`` stays unique and non-null. The send task
(``invitations_send``) generates the real token and, in one conditional UPDATE,
stores its hash, bumps ``attempts`` and the expiry, *claiming* that attempt:

* a second run of the task for the same invitation sees either a different
  ``attempts`` (its UPDATE matches no row: another run claimed it) or status
  ``sent`` (nothing to do), so it never sends a second email;
* a retry after a failed send rotates the hash again, so only the link in the
  email that actually went out works;
* resending creates a *new* invitation and revokes the old one, so an old link
  is dead twice over (revoked, and its hash is no longer current).

A crash between "email handed to SMTP" and "row marked sent" leaves the row
pending; a later retry sends again with a fresh token. At-least-once delivery
with only the newest link working is the right trade for invitations.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import membership_add
from mentoring.models import Invitation, Participant, Program
from mentoring.selectors import latest_invitation_id, with_invitation_status
from mentoring.services.writable import program_writable
from turazo.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from turazo.core.jobs import enqueue_on_commit
from turazo.core.models import lock_existing, save_existing

SEND_BATCH_SIZE = 200
SEND_LEASE = timedelta(minutes=10)
MAX_TOKEN_LENGTH = 100
Status = Invitation.Status


# --- Tokens -------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """A fresh (raw token, hash) pair."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def _expiry(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=settings.INVITATION_TTL_DAYS)


# --- Reads --------------------------------------------------------------------------

EFFECTIVE_STATUSES = [s.value for s in Status]


def invitation_status_q(status: str, *, prefix: str = "") -> Q:
    """A filter for an *effective* status: a live invitation past its expiry counts as expired."""
    now = timezone.now()
    live = {f"{prefix}status__in": Invitation.LIVE}
    if status == Status.EXPIRED:
        return Q(**{f"{prefix}status": Status.EXPIRED}) | Q(**live, **{f"{prefix}expires_at__lte": now})
    if status in Invitation.LIVE:
        return Q(**{f"{prefix}status": status, f"{prefix}expires_at__gt": now})
    return Q(**{f"{prefix}status": status})


def invitation_list(*, organization, program: Program | None = None, status: str | None = None):
    """Invitations of an organization, newest first, with what the list and API show."""
    qs = Invitation.objects.for_organization(organization).select_related("participant", "invited_by")
    if program is not None:
        qs = qs.filter(participant__program=program)
    if status:
        qs = qs.filter(invitation_status_q(status))
    return qs.order_by("-created_at", "-pk")


def participant_list_with_latest_invitation(*, program: Program, status: str | None = None):
    """The program's participants (not removed), each annotated with its ``invitation_status``
    (the one every page shows) and ``latest_invitation_id``; ``status`` filters on the former."""
    qs = (
        with_invitation_status(Participant.objects.filter(program=program).select_related("user"))
        .exclude(status=Participant.Status.REMOVED)
        .annotate(latest_invitation_id=latest_invitation_id())
        .order_by("full_name", "email", "pk")
    )
    if status:
        qs = qs.filter(invitation_status=status)
    return qs


def attach_latest_invitations(participants: Sequence[Participant]) -> None:
    """Set ``participant.latest_invitation`` (or None) with one query for the whole page."""
    ids = [p.latest_invitation_id for p in participants if p.latest_invitation_id]
    by_id = Invitation.objects.select_related("invited_by").in_bulk(ids)
    for p in participants:
        p.latest_invitation = by_id.get(p.latest_invitation_id)


# --- Issuing and sending ----------------------------------------------------------------


def _enqueue_send(ids: Sequence[int]) -> None:
    from mentoring.tasks.invitations import invitations_send

    for start in range(0, len(ids), SEND_BATCH_SIZE):
        enqueue_on_commit(invitations_send, list(ids[start : start + SEND_BATCH_SIZE]))


def _has_live_or_accepted():
    return Exists(Invitation.objects.filter(participant=OuterRef("pk"), status__in=[*Invitation.LIVE, Status.ACCEPTED]))


@transaction.atomic
def invitation_issue_bulk(*, participants: Sequence[Participant], invited_by: User | None) -> list[Invitation]:
    """Create a pending invitation for each participant who is still *invited* (not
    active, declined or removed) and has no live or accepted invitation, and queue the
    emails after commit (one task per batch of ids). Returns the invitations created.

    Four queries whatever the number: lock the participants (in pk order, so two
    callers never deadlock), select the eligible ones, bulk insert, and nothing per row.
    """
    ids = sorted({p.pk for p in participants})
    if not ids:
        return []
    list(Participant.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    eligible = list(
        Participant.objects.filter(pk__in=ids, status=Participant.Status.INVITED)
        .exclude(_has_live_or_accepted())
        .select_related("program")
        .only("pk", "organization_id", "program__status", "program__name")
        .order_by("pk")
    )
    for participant in eligible:  # no extra query: the program came with the eligible rows
        program_writable(participant.program)
    expires_at = _expiry()
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                participant_id=pk,
                organization_id=organization_id,
                token_hash=token_new()[1],  # unusable until the send task sets the real one
                expires_at=expires_at,
                invited_by=invited_by,
            )
            for pk, organization_id in ((p.pk, p.organization_id) for p in eligible)
        ]
    )
    _enqueue_send([i.pk for i in invitations])
    return invitations


@dataclass(frozen=True)
class Claim:
    """One send attempt that this caller owns: the raw token goes into the email."""

    invitation: Invitation
    token: str


def _claimable() -> Q:
    return (
        Q(status=Status.FAILED)
        | Q(status=Status.PENDING, attempts=0)
        # Claimed before but neither sent nor failed: another run is sending it right now,
        # unless that claim is older than any send could take (the worker died).
        | Q(status=Status.PENDING, updated_at__lt=timezone.now() - SEND_LEASE)
    )


def invitations_to_send(*, invitation_ids: Sequence[int]) -> list[Invitation]:
    """The invitations among ``invitation_ids`` that may be sent now, with everything
    the email needs, in one query (the send task claims each one after this)."""
    return list(
        Invitation.objects.select_related("participant__program", "organization", "invited_by")
        .filter(_claimable(), pk__in=invitation_ids, participant__status=Participant.Status.INVITED)
        .order_by("pk")
    )


def invitation_claim_for_sending(
    *, invitation_id: int | None = None, invitation: Invitation | None = None
) -> Claim | None:
    """Claim the next send attempt of a live, unsent invitation: rotate its token, bump
    ``attempts`` and the expiry with a conditional UPDATE. Returns None when there is
    nothing to send (already sent, answered, revoked, participant gone) or another
    run claimed it first or is sending it now. Pass an ``invitation`` loaded by
    ``invitations_to_send`` to skip the look-up."""
    if invitation is None:
        found = invitations_to_send(invitation_ids=[invitation_id])
        if not found:
            return None
        invitation = found[0]
    token, hashed = token_new()
    expires_at = _expiry()
    claimed = Invitation.objects.filter(
        _claimable(), pk=invitation.pk, status=invitation.status, attempts=invitation.attempts
    ).update(token_hash=hashed, attempts=invitation.attempts + 1, expires_at=expires_at, updated_at=timezone.now())
    if claimed != 1:
        return None
    invitation.token_hash, invitation.attempts, invitation.expires_at = hashed, invitation.attempts + 1, expires_at
    return Claim(invitation=invitation, token=token)


def invitation_mark_sent(*, invitation: Invitation) -> bool:
    """Record a delivered email, unless the invitation was revoked or resent meanwhile."""
    now = timezone.now()
    return bool(
        Invitation.objects.filter(
            pk=invitation.pk, token_hash=invitation.token_hash, status__in=[Status.PENDING, Status.FAILED]
        ).update(status=Status.SENT, sent_at=now, last_error="", updated_at=now)
    )


def invitation_mark_failed(*, invitation: Invitation, error: str) -> bool:
    return bool(
        Invitation.objects.filter(
            pk=invitation.pk, token_hash=invitation.token_hash, status__in=[Status.PENDING, Status.FAILED]
        ).update(status=Status.FAILED, last_error=error[:300], updated_at=timezone.now())
    )


def invitation_expire_overdue() -> int:
    """Mark live invitations past their expiry as expired. Safe to run any number of times."""
    now = timezone.now()
    return Invitation.objects.filter(status__in=Invitation.LIVE, expires_at__lte=now).update(
        status=Status.EXPIRED, updated_at=now
    )


# --- Admin actions -------------------------------------------------------------------------


def _why_not_resendable(participant: Participant) -> str | None:
    name = participant.display_name
    if participant.status == Participant.Status.ACTIVE:
        return _("%(name)s has already joined the program; there is nothing to resend.") % {"name": name}
    if participant.status == Participant.Status.DECLINED:
        return _("%(name)s declined the invitation. Add them again if they changed their mind.") % {"name": name}
    if participant.status == Participant.Status.REMOVED:
        return _("%(name)s was removed from the program.") % {"name": name}
    return None


@transaction.atomic
def invitation_resend(
    *, invitation: Invitation | None = None, participant: Participant | None = None, actor: User | None
) -> Invitation:
    """Replace a participant's invitation with a new one (new token, new expiry) and
    send it. The old live invitation, if any, is revoked so its link dies."""
    if participant is None:
        if invitation is None:
            raise ValueError("Pass an invitation or a participant.")
        participant = invitation.participant
    participant = lock_existing(
        Participant,
        pk=participant.pk,
        gone=_("%(name)s was deleted from the program meanwhile.") % {"name": participant.display_name},
    )
    program_writable(participant.program)
    reason = _why_not_resendable(participant)
    if reason is None and participant.invitations.filter(status=Status.ACCEPTED).exists():
        reason = _("%(name)s has already accepted an invitation.") % {"name": participant.display_name}
    if reason:
        raise Conflict(reason, code="not_resendable")
    now = timezone.now()
    participant.invitations.filter(status__in=Invitation.LIVE).update(status=Status.REVOKED, updated_at=now)
    new = Invitation.objects.create(
        participant=participant,
        organization_id=participant.organization_id,
        token_hash=token_new()[1],
        expires_at=_expiry(now),
        invited_by=actor,
    )
    _enqueue_send([new.pk])
    return new


RESENDABLE_STATUSES = (Status.PENDING, Status.FAILED, Status.EXPIRED)


def participants_to_resend(*, program: Program, participant_ids: Iterable[int] | None = None):
    """Who ``invitation_resend_bulk`` would send to (see there)."""
    participants = Participant.objects.filter(program=program, status=Participant.Status.INVITED).exclude(
        Exists(Invitation.objects.filter(participant=OuterRef("pk"), status=Status.ACCEPTED))
    )
    if participant_ids is not None:
        participants = participants.filter(pk__in=list(participant_ids))
    else:
        participants = participants.annotate(latest_invitation_id=latest_invitation_id()).filter(
            Q(latest_invitation_id__isnull=True)
            | Exists(
                Invitation.objects.filter(
                    Q(status__in=RESENDABLE_STATUSES) | invitation_status_q(Status.EXPIRED),
                    pk=OuterRef("latest_invitation_id"),
                )
            )
        )
    return participants


@transaction.atomic
def invitation_resend_bulk(
    *, program: Program, actor: User | None, participant_ids: Iterable[int] | None = None
) -> list[Invitation]:
    """Resend invitations in one go and return the new ones.

    With ``participant_ids`` (the participants table's bulk action): every chosen
    participant of this program who has not joined, declined or been removed and has
    no accepted invitation. Without (the "resend to everyone pending" button): those
    whose latest invitation is pending, failed or expired, plus those never invited.
    Ids from other programs are ignored. A fixed number of queries.
    """
    program_writable(program)
    participants = participants_to_resend(program=program, participant_ids=participant_ids)
    ids = list(participants.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return []
    list(Participant.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    closed = Program.objects.filter(participants__pk__in=ids, status=Program.Status.CLOSED).first()
    if closed is not None:
        program_writable(closed)
    # Someone may have answered between the first look and the lock: look again.
    ids = list(participants.filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    Invitation.objects.filter(participant_id__in=ids, status__in=Invitation.LIVE).update(
        status=Status.REVOKED, updated_at=now
    )
    expires_at = _expiry(now)
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                participant_id=pk,
                organization_id=program.organization_id,
                token_hash=token_new()[1],
                expires_at=expires_at,
                invited_by=actor,
            )
            for pk in ids
        ]
    )
    _enqueue_send([i.pk for i in invitations])
    return invitations


_NOT_REVOCABLE = {
    Status.ACCEPTED: gettext_lazy("This invitation was already accepted; there is nothing to revoke."),
    Status.DECLINED: gettext_lazy("This invitation was declined; there is nothing to revoke."),
    Status.REVOKED: gettext_lazy("This invitation was already revoked; there is nothing to revoke."),
    Status.EXPIRED: gettext_lazy("This invitation has expired; there is nothing to revoke."),
}


def invitation_revoke(*, invitation: Invitation, actor: User | None) -> Invitation:
    """Kill a live invitation's link. An answered one cannot be revoked (409)."""
    program_writable(invitation.participant.program)
    now = timezone.now()
    changed = Invitation.objects.filter(pk=invitation.pk, status__in=Invitation.LIVE).update(
        status=Status.REVOKED, updated_at=now
    )
    invitation.refresh_from_db()
    if not changed:
        raise Conflict(
            _NOT_REVOCABLE.get(invitation.status)
            or _("This invitation is no longer live; there is nothing to revoke."),
            code="not_revocable",
        )
    return invitation


# --- Answering (by token) ----------------------------------------------------------------


def invitation_lookup(*, token: str) -> Invitation:
    """The invitation a link's token belongs to, with what its page shows; NotFound otherwise."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise NotFound(_("This invitation link is not valid. Check that you copied the whole link from the email."))
    invitation = (
        Invitation.objects.select_related("participant__program", "organization", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise NotFound(_("This invitation link is not valid. Check that you copied the whole link from the email."))
    return invitation


def invitation_closed_message(invitation: Invitation) -> str | None:
    """What already happened to an invitation that can no longer be answered, or None if it can."""
    when = date_format(timezone.localtime(invitation.responded_at), "DATE_FORMAT") if invitation.responded_at else None
    status = invitation.effective_status
    if status == Status.ACCEPTED:
        if when:
            return _("This invitation was already accepted on %(date)s. Sign in to continue.") % {"date": when}
        return _("This invitation was already accepted. Sign in to continue.")
    if status == Status.DECLINED:
        if when:
            return _("This invitation was declined on %(date)s. Ask your HR admin if you changed your mind.") % {
                "date": when
            }
        return _("This invitation was declined. Ask your HR admin if you changed your mind.")
    if status == Status.REVOKED:
        return _(
            "This invitation link is no longer valid: it was withdrawn or replaced by a newer "
            "one. Use the link in the latest email, or ask your HR admin."
        )
    if status == Status.EXPIRED:
        return _("This invitation has expired. Ask your HR admin to send you a new one.")
    if invitation.participant.status == Participant.Status.REMOVED:
        return _("You are no longer part of this program. Ask your HR admin if this is a mistake.")
    return None


def _lock_answerable(token: str) -> Invitation:
    invitation = invitation_lookup(token=token)
    # Lock the participant before the invitation, the order resends and issues use,
    # so an accept racing a resend waits instead of deadlocking.
    list(Participant.objects.select_for_update().filter(pk=invitation.participant_id).values_list("pk", flat=True))
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("participant__program", "organization", "invited_by")
        .get(pk=invitation.pk)
    )
    closed = invitation_closed_message(invitation)
    if closed:
        raise Conflict(closed, code=f"invitation_{invitation.effective_status}")
    return invitation


def invitation_email_matches(*, invitation: Invitation, user: User) -> bool:
    email = invitation.participant.email.lower()
    return (
        user.email.lower() == email
        or EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    )


def _mark_email_verified(*, user: User, email: str) -> None:
    """The invitation link proves the person reads this mailbox."""
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user,
            email=email,
            verified=True,
            primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
        )
    elif not address.verified:
        address.verified = True
        save_existing(address, update_fields=["verified"], gone=_("This email address was removed meanwhile."))


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Invitation:
    """Accept by token: the invitation row is locked and moved with a conditional
    UPDATE, so concurrent clicks yield exactly one acceptance and one membership; the
    others get a Conflict saying what happened."""
    invitation = _lock_answerable(token)
    program_writable(invitation.participant.program)
    participant = invitation.participant
    if not invitation_email_matches(invitation=invitation, user=user):
        raise PermissionDenied(
            _(
                "This invitation is for %(invited)s, but you are signed in as "
                "%(you)s. Sign out and open the link again, or ask your HR admin to invite "
                "this address."
            )
            % {"invited": participant.email, "you": user.email},
            code="wrong_account",
        )
    if participant.user_id and participant.user_id != user.pk:
        raise Conflict(_("Another account has already joined the program with this invitation."), code="taken")
    now = timezone.now()
    moved = Invitation.objects.filter(pk=invitation.pk, status__in=Invitation.LIVE, expires_at__gt=now).update(
        status=Status.ACCEPTED, responded_at=now, updated_at=now
    )
    if moved != 1:
        raise Conflict(_("This invitation was already answered."), code="invitation_answered")
    membership_add(user=user, organization=invitation.organization)
    Participant.objects.filter(pk=participant.pk).update(user=user, status=Participant.Status.ACTIVE, updated_at=now)
    _mark_email_verified(user=user, email=participant.email)
    invitation.status, invitation.responded_at = Status.ACCEPTED, now
    participant.user, participant.status = user, Participant.Status.ACTIVE
    return invitation


@transaction.atomic
def invitation_decline(*, token: str, user: User | None = None) -> Invitation:
    """Decline by token. Anyone holding the link may decline it when signed out (the
    link went to the invitee's mailbox); someone signed in with another account may
    not: that is a shared computer or the wrong account, not the invitee's answer."""
    invitation = _lock_answerable(token)
    participant = invitation.participant
    if user is not None and not invitation_email_matches(invitation=invitation, user=user):
        raise PermissionDenied(
            _(
                "This invitation is for %(invited)s, but you are signed in as "
                "%(you)s. Sign out and open the link again to answer it."
            )
            % {"invited": participant.email, "you": user.email},
            code="wrong_account",
        )
    now = timezone.now()
    moved = Invitation.objects.filter(pk=invitation.pk, status__in=Invitation.LIVE, expires_at__gt=now).update(
        status=Status.DECLINED, responded_at=now, updated_at=now
    )
    if moved != 1:
        raise Conflict(_("This invitation was already answered."), code="invitation_answered")
    Participant.objects.filter(pk=invitation.participant_id).update(status=Participant.Status.DECLINED, updated_at=now)
    invitation.status, invitation.responded_at = Status.DECLINED, now
    invitation.participant.status = Participant.Status.DECLINED
    return invitation


def invitation_account_exists(*, invitation: Invitation) -> bool:
    return User.objects.filter(email__iexact=invitation.participant.email).exists()


def _unclaimed(user: User | None) -> bool:
    """Nobody has ever used this account: it never signed in and no address of it was
    ever verified. Sign-up is open, so anyone may have created it with the invited
    address and a password of their choosing; the invitee claims it by choosing the
    password (see ``invitation_accept_with_signup``) instead of signing in with it."""
    return (
        user is not None
        and user.last_login is None
        and not EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def invitation_account_unclaimed(*, invitation: Invitation) -> bool:
    return _unclaimed(User.objects.filter(email__iexact=invitation.participant.email).first())


def invitation_prove_mailbox(*, token: str) -> None:
    """Someone with a live invitation link chose Accept while signed out, and an account
    with the invited address exists that has signed in before: the link proves they
    read that mailbox, so mark the address verified. Signing in still needs the password.

    A never-used account is left alone: verifying it would let whoever set its
    password (not necessarily the mailbox's owner) sign in; the invitee claims it."""
    invitation = invitation_lookup(token=token)
    if invitation_closed_message(invitation):
        return
    user = User.objects.filter(email__iexact=invitation.participant.email).first()
    if user is not None and not _unclaimed(user):
        _mark_email_verified(user=user, email=invitation.participant.email)


@transaction.atomic
def invitation_accept_with_signup(*, token: str, full_name: str, password: str) -> tuple[User, Invitation]:
    """Create the invited person's account (email verified: the token proves the mailbox)
    and accept the invitation, all or nothing. A never-used account with the invited
    address is claimed: its name and password are replaced by the invitee's."""
    invitation = _lock_answerable(token)
    program_writable(invitation.participant.program)
    email = invitation.participant.email.lower()
    existing = User.objects.select_for_update().filter(email__iexact=email).first()
    if existing is not None and not _unclaimed(existing):
        raise Conflict(
            _("An account for %(email)s already exists. Sign in to accept the invitation.") % {"email": email},
            code="account_exists",
        )
    user = existing or User(email=email)
    user.full_name = full_name.strip()
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise ValidationFailed(_("Choose a stronger password."), fields={"password1": list(e.messages)})
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict(
            _("An account for %(email)s already exists. Sign in to accept the invitation.") % {"email": email},
            code="account_exists",
        )
    if existing is not None:
        # Addresses someone else may have attached, unproven, go with the old password.
        EmailAddress.objects.filter(user=user, verified=False).exclude(email__iexact=email).delete()
        EmailAddress.objects.filter(user=user).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=email, defaults={"email": email, "verified": True, "primary": True}
    )
    return user, invitation_accept(token=token, user=user)
