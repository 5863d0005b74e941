"""Notes of a mentorship or of one of its sessions.

Shared notes are read by the mentor and the mentee; private notes only by their author.
Only the author changes or deletes a note. HR admins never read note bodies (see
journal/selectors.py: no selector gives them one)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from journal.models import Note
from mentoring.models import Mentorship
from mentoring.services.writable import program_writable
from scheduling.models import Session
from turazo.core.errors import PermissionDenied, ValidationFailed
from turazo.core.models import save_existing

BODY_MAX = 5000
NOTE_GONE = gettext_lazy("This note was deleted meanwhile.")


def in_pair(mentorship: Mentorship, user: User) -> bool:
    return user.pk in (mentorship.mentor.user_id, mentorship.mentee.user_id)


def _clean_body(body: str) -> str:
    body = (body or "").strip().replace("\r\n", "\n")
    if not body:
        raise ValidationFailed(_("Write something first."), fields={"body": [_("The note is empty.")]})
    if len(body) > BODY_MAX:
        message = _("Keep a note under %(max)d characters; split a long one in two.") % {"max": BODY_MAX}
        raise ValidationFailed(message, fields={"body": [message]})
    return body


def _clean_visibility(visibility: str) -> str:
    if visibility not in Note.Visibility.values:
        message = _("Choose “shared” (both of you read it) or “private” (only you).")
        raise ValidationFailed(message, fields={"visibility": [message]})
    return visibility


def note_create(
    *,
    mentorship: Mentorship,
    actor: User,
    body: str,
    visibility: str = Note.Visibility.SHARED,
    session: Session | None = None,
) -> Note:
    """A note by the mentor or the mentee, on the mentorship or on one of its sessions."""
    if not in_pair(mentorship, actor):
        raise PermissionDenied(_("Only the mentor and the mentee keep notes on this mentorship."))
    program_writable(mentorship.program)
    body = _clean_body(body)
    visibility = _clean_visibility(visibility)
    if session is not None and session.mentorship_id != mentorship.pk:
        message = _("That session belongs to another mentorship.")
        raise ValidationFailed(message, fields={"session": [message]})
    return Note.objects.create(
        organization_id=mentorship.organization_id,
        mentorship=mentorship,
        session=session,
        author=actor,
        visibility=visibility,
        body=body,
    )


def _check_author(note: Note, actor: User) -> None:
    if note.author_id != actor.pk:
        raise PermissionDenied(_("Only the person who wrote this note can change or delete it."))


def note_update(*, note: Note, actor: User, body: str | None = None, visibility: str | None = None) -> Note:
    _check_author(note, actor)
    program_writable(note.mentorship.program)
    fields = []
    if body is not None:
        note.body = _clean_body(body)
        fields.append("body")
    if visibility is not None:
        note.visibility = _clean_visibility(visibility)
        fields.append("visibility")
    if fields:
        save_existing(note, update_fields=[*fields, "updated_at"], gone=NOTE_GONE)
    return note


def note_delete(*, note: Note, actor: User) -> None:
    _check_author(note, actor)
    program_writable(note.mentorship.program)
    Note.objects.filter(pk=note.pk).delete()
