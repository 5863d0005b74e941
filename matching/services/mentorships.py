"""Mentorships from the matching side: an admin adds a pair by hand or rematches an
unmatched mentee, either person or an admin ends a mentorship, and both people are told.

The hard matching rules (shared language, not the mentee's own manager, not the same person,
not a pair the admin forbade) are the engine's: ``pair_problem`` and ``score_pairs`` run on
the program's matching input, so an added pair obeys exactly what a run would. The
structural rules and the capacity lock are ``mentoring.services.mentorships``'s
(``mentorship_create``), shared with publishing and accepted requests.

(To move into ``matching/services/mentorships.py`` once the services package exists.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from matching import selectors
from matching.engine import InvalidInput, explain, pair_problem, score_pairs
from mentoring.models import Mentorship, Participant, Program
from mentoring.services.mentorships import mentorship_create, mentorship_end
from turazo.core.errors import Conflict, PermissionDenied, ValidationFailed
from turazo.core.notifications import absolute_url, notification_build

#: Programs in which pairs may start by hand.
OPEN_STATUSES = (Program.Status.ENROLLING, Program.Status.MATCHING, Program.Status.ACTIVE)
CANDIDATES_LIMIT = 8


def _hard_rule_text(code: str, mentor: Participant, mentee: Participant) -> str:
    names = {"mentor": mentor.display_name, "mentee": mentee.display_name}
    return {
        "language": _("%(mentor)s and %(mentee)s share no language."),
        "manager": _("%(mentor)s is %(mentee)s's manager: a mentee cannot be mentored by their own manager."),
        "self": _("A person cannot mentor themselves."),
        "forbidden": _(
            "An admin forbade the pair %(mentor)s → %(mentee)s on the matching page; remove that rule first."
        ),
    }.get(code, _("%(mentor)s or %(mentee)s no longer takes part in matching.")) % names


def _active(program: Program, pk: int | None, role: str, field: str) -> Participant:
    person = (
        Participant.objects.filter(program=program, pk=pk, role=role, status=Participant.Status.ACTIVE).first()
        if pk
        else None
    )
    if person is None:
        label = _("an active mentor") if role == Participant.Role.MENTOR else _("an active mentee")
        raise ValidationFailed(
            _("Choose %(who)s of %(program)s.") % {"who": label, "program": program.name},
            fields={field: [_("Choose %(who)s of this program.") % {"who": label}]},
        )
    return person


def _check_open(program: Program) -> None:
    if program.status not in OPEN_STATUSES:
        raise Conflict(
            _("%(program)s is %(status)s: pairs can be added while it is enrolling, matching or active.")
            % {"program": program.name, "status": program.get_status_display().lower()}
        )


def _has_mentor(program: Program, mentee: Participant) -> Mentorship | None:
    return (
        Mentorship.objects.filter(program=program, mentee=mentee, status=Mentorship.Status.ACTIVE)
        .select_related("mentor")
        .first()
    )


def mentorship_add_pair(*, program: Program, mentor_id: int | None, mentee_id: int | None, actor: User) -> Mentorship:
    """An admin pairs a mentor and a mentee by hand (source "admin").

    400 when either is not an active participant in that role or a hard rule excludes the
    pair; 409 when the program is not open, the mentee already has a mentor or the mentor
    has no free place (re-checked under the mentors' lock, so two admins adding the last
    place get one mentorship)."""
    _check_open(program)
    mentor = _active(program, mentor_id, Participant.Role.MENTOR, "mentor")
    mentee = _active(program, mentee_id, Participant.Role.MENTEE, "mentee")
    current = _has_mentor(program, mentee)
    if current is not None:
        raise Conflict(
            _("%(mentee)s already has a mentor (%(mentor)s); end that mentorship first.")
            % {"mentee": mentee.display_name, "mentor": current.mentor.display_name}
        )
    loaded = selectors.match_input_for_program(
        program, weights=selectors.program_weights(program), rules=selectors.program_rules(program)
    )
    problem = pair_problem(loaded.input, mentee.pk, mentor.pk)
    if problem is not None:
        raise ValidationFailed(
            _hard_rule_text(problem, mentor, mentee), fields={"mentor": [_("This pair breaks a hard rule.")]}
        )
    try:
        (scored,) = score_pairs(loaded.input, mentee.pk, [mentor.pk], thresholds=False)
    except (InvalidInput, ValueError):
        raise Conflict(_hard_rule_text("unknown", mentor, mentee))
    with transaction.atomic():
        return mentorship_create(
            program=program,
            mentor=mentor,
            mentee=mentee,
            source=Mentorship.Source.ADMIN,
            actor=actor,
            score=scored.score,
            explanation=explain(scored),
        )


@dataclass(frozen=True)
class Candidate:
    mentor: Participant
    score: float
    explanation: str
    free: int


def rematch_candidates(*, program: Program, mentee: Participant, limit: int = CANDIDATES_LIMIT) -> list[Candidate]:
    """The mentee's best valid mentors (the engine's hard rules and thresholds) who still
    have a free place, best first. Empty when the mentee has a mentor or is not active."""
    loaded = selectors.match_input_for_program(
        program, weights=selectors.program_weights(program), rules=selectors.program_rules(program)
    )
    try:
        pairs = score_pairs(loaded.input, mentee.pk, None)
    except InvalidInput:
        return []
    free = loaded.mentor_remaining
    picked = [p for p in pairs if free.get(p.mentor_id, 0) > 0][:limit]
    mentors = Participant.objects.in_bulk([p.mentor_id for p in picked])
    return [
        Candidate(mentor=mentors[p.mentor_id], score=p.score, explanation=explain(p), free=free[p.mentor_id])
        for p in picked
    ]


def mentorship_can_end(mentorship: Mentorship, user: User, *, admin: bool) -> bool:
    """Either person of the pair, or an HR admin of its organization."""
    return admin or user.pk in (mentorship.mentor.user_id, mentorship.mentee.user_id)


def mentorship_end_by(*, mentorship: Mentorship, actor: User, admin: bool, reason: str = "") -> Mentorship:
    """End a mentorship as ``actor`` (one of the pair, or an admin when ``admin``). The other
    person — both, when an admin ends it — is emailed; the pair's future sessions are
    cancelled (scheduling listens to ``mentorship_ended``)."""
    if not mentorship_can_end(mentorship, actor, admin=admin):
        raise PermissionDenied(_("Only the mentor, the mentee or an HR admin can end this mentorship."))
    return mentorship_end(mentorship=mentorship, actor=actor, reason=reason)


# --- emails ------------------------------------------------------------------------------


def _address(person: Participant) -> str:
    return person.user.email if person.user_id and person.user.email else person.email


def mentorship_introduction_emails(mentorship: Mentorship, *, connection=None) -> list[EmailMultiAlternatives]:
    """One email to each person: who the other is (profile summary), why they were paired,
    and the next step — booking the first session."""
    program = mentorship.program
    book_url = absolute_url(reverse("session-book", args=[mentorship.pk]))
    home_url = absolute_url(reverse("dashboard"))
    messages = []
    for person, other, other_role in (
        (mentorship.mentee, mentorship.mentor, "mentor"),
        (mentorship.mentor, mentorship.mentee, "mentee"),
    ):
        messages.append(
            notification_build(
                template="matching/mentorship_introduction",
                context={
                    "mentorship": mentorship,
                    "person": person,
                    "other": other,
                    "other_role": other_role,
                    "program": program,
                    "organization": program.organization,
                    "book_url": book_url,
                    "home_url": home_url,
                },
                to=_address(person),
                recipient=person,
                connection=connection,
            )
        )
    return messages


def mentorship_ended_recipients(mentorship: Mentorship) -> list[tuple[Participant, Participant]]:
    """(who is told, the other person): the other one when either ended it, both otherwise."""
    actor_id = mentorship.ended_by_id
    pairs = [(mentorship.mentee, mentorship.mentor), (mentorship.mentor, mentorship.mentee)]
    return [(person, other) for person, other in pairs if actor_id is None or person.user_id != actor_id]


def mentorship_ended_emails(mentorship: Mentorship, *, connection=None) -> list[EmailMultiAlternatives]:
    program = mentorship.program
    ended_by_admin = mentorship.ended_by_id not in (mentorship.mentor.user_id, mentorship.mentee.user_id)
    return [
        notification_build(
            template="matching/mentorship_ended",
            context={
                "mentorship": mentorship,
                "person": person,
                "other": other,
                "program": program,
                "organization": program.organization,
                "ended_by_admin": ended_by_admin,
                "home_url": absolute_url(reverse("dashboard")),
            },
            to=_address(person),
            recipient=person,
            connection=connection,
        )
        for person, other in mentorship_ended_recipients(mentorship)
    ]


_EMAIL_JOINS = ("program__organization", "mentor__user", "mentee__user", "ended_by")


def mentorships_introduce(*, mentorship_ids: Iterable[int]) -> int:
    """Send the introduction of each mentorship once: each row is claimed with a
    conditional UPDATE before its emails go out, so a second run (or a second worker)
    sends nothing; a failed send gives the claim back."""
    sent = 0
    for pk in list(mentorship_ids):
        if not Mentorship.objects.filter(pk=pk, introduced_at__isnull=True).update(introduced_at=timezone.now()):
            continue
        mentorship = Mentorship.objects.select_related(*_EMAIL_JOINS).filter(pk=pk).first()
        if mentorship is None or mentorship.status != Mentorship.Status.ACTIVE:
            continue  # ended before we got here: no introduction to something that is over
        try:
            for message in mentorship_introduction_emails(mentorship):
                message.send()
        except Exception:
            Mentorship.objects.filter(pk=pk).update(introduced_at=None)
            raise
        sent += 1
    return sent


def mentorship_ended_notify(*, mentorship_id: int) -> int:
    """Tell the other person (both, after an admin ended it) once; see ``mentorships_introduce``."""
    if not Mentorship.objects.filter(
        pk=mentorship_id, status=Mentorship.Status.ENDED, end_notified_at__isnull=True
    ).update(end_notified_at=timezone.now()):
        return 0
    mentorship = Mentorship.objects.select_related(*_EMAIL_JOINS).get(pk=mentorship_id)
    messages = mentorship_ended_emails(mentorship)
    try:
        for message in messages:
            message.send()
    except Exception:
        Mentorship.objects.filter(pk=mentorship_id).update(end_notified_at=None)
        raise
    return len(messages)
