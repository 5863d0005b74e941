"""Nudges: a friendly, editable email to people who are stuck, with the link to their next
step, at most once per person, kind and ISO week.

The limit is the database's: ``Nudge`` has a unique constraint on (participant, kind, week),
and each row is inserted in its own savepoint, so two admins clicking at once, a double
submit and the automatic sweep all end with one row, and so one email, per person. The row
is written in the caller's transaction and the email goes through the job outbox
(``enqueue_on_commit``); the task claims the row (queued → sent) with a conditional UPDATE,
so a task that runs twice sends once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insights import selectors
from insights.models import Nudge, ProgramHealthSettings, iso_week
from mentoring.models import Mentorship, Participant, Program
from turazo.core.errors import Conflict, NotFound, ValidationFailed
from turazo.core.jobs import enqueue_on_commit
from turazo.core.notifications import absolute_url, notification_send

logger = logging.getLogger(__name__)

MESSAGE_MAX = 2000
BULK_MAX = 500
DELIVER_TASK = "insights.nudge_deliver"

DEFAULT_MESSAGES = {
    Nudge.Kind.PROFILE_INCOMPLETE: (
        gettext_lazy(
            "Your profile in {program} is nearly there. A few more answers help us find the mentor "
            "(or mentee) who fits you best, and help them know you before you meet. "
            "It takes about five minutes."
        )
    ),
    Nudge.Kind.NO_SESSION: (
        gettext_lazy(
            "You have been matched in {program} — a great start! The next step is your first session. "
            "Pick a time that suits you both; the invite lands in both your calendars."
        )
    ),
    Nudge.Kind.QUIET_PAIR: (
        gettext_lazy(
            "It has been a while since your last session in {program}. Regular conversations are where "
            "mentoring pays off: could you pick a time for the next one? It only takes a minute."
        )
    ),
}
ACTION_LABELS = {
    Nudge.Kind.PROFILE_INCOMPLETE: gettext_lazy("Complete your profile"),
    Nudge.Kind.NO_SESSION: gettext_lazy("Book a session"),
    Nudge.Kind.QUIET_PAIR: gettext_lazy("Book a session"),
}


def default_message(kind: str, program: Program) -> str:
    return DEFAULT_MESSAGES[Nudge.Kind(kind)].format(program=program.name)


@dataclass
class NudgeResult:
    sent: list[Nudge] = field(default_factory=list)
    already: list[Participant] = field(default_factory=list)  # nudged about this kind this week

    @property
    def sent_count(self) -> int:
        return len(self.sent)


def _targets(
    *, program: Program, kind: str, participant_ids: list[int], mentorship_ids: list[int]
) -> list[tuple[Participant, Mentorship | None]]:
    """Who gets the nudge: the chosen people (profile) or both people of the chosen pairs.
    Only people and pairs that still need it, in this program; anything else is a 400."""
    if kind == Nudge.Kind.PROFILE_INCOMPLETE:
        if not participant_ids:
            raise ValidationFailed(_("Choose at least one person to nudge."), fields={"participants": [_("Required.")]})
        people = list(selectors.profile_incomplete(program).filter(pk__in=participant_ids))
        if len(people) != len(set(participant_ids)):
            raise ValidationFailed(
                _(
                    "Some of the chosen people are not in this program or have completed their profile since. "
                    "Reload the page and choose again."
                ),
                fields={"participants": [_("Not all of them need this nudge.")]},
            )
        return [(p, None) for p in people]
    if not mentorship_ids:
        raise ValidationFailed(_("Choose at least one pair to nudge."), fields={"mentorships": [_("Required.")]})
    source = selectors.matched_no_session(program) if kind == Nudge.Kind.NO_SESSION else selectors.quiet_pairs(program)
    pairs = list(source.filter(pk__in=mentorship_ids))
    if len(pairs) != len(set(mentorship_ids)):
        raise ValidationFailed(
            _(
                "Some of the chosen pairs are not in this program or no longer need this nudge (a session was "
                "booked, or the pair ended). Reload the page and choose again."
            ),
            fields={"mentorships": [_("Not all of them need this nudge.")]},
        )
    return [(person, pair) for pair in pairs for person in (pair.mentee, pair.mentor)]


def nudges_send(
    *,
    program: Program,
    kind: str,
    actor=None,
    message: str = "",
    participant_ids: list[int] | None = None,
    mentorship_ids: list[int] | None = None,
    now: datetime | None = None,
) -> NudgeResult:
    """Nudge the chosen people (``profile``) or both people of the chosen pairs (``no_session``,
    ``quiet_pair``). ``actor`` None means the automatic sweep. People already nudged about
    ``kind`` this week are skipped and reported in ``already``."""
    if kind not in Nudge.Kind.values:
        raise ValidationFailed(
            _("Unknown kind of nudge %(kind)s; use one of %(kinds)s.")
            % {"kind": repr(kind), "kinds": ", ".join(Nudge.Kind.values)},
            fields={"kind": [_("Unknown.")]},
        )
    if program.status == Program.Status.CLOSED:
        raise Conflict(_("This program is closed: nobody can be nudged any more."))
    message = (message or "").strip() or default_message(kind, program)
    if len(message) > MESSAGE_MAX:
        raise ValidationFailed(
            _("The message is %(count)s characters long; keep it under %(max)s.")
            % {"count": len(message), "max": MESSAGE_MAX},
            fields={"message": [_("At most %(max)s characters.") % {"max": MESSAGE_MAX}]},
        )
    ids = list(participant_ids or []) + list(mentorship_ids or [])
    if len(ids) > BULK_MAX:
        raise ValidationFailed(_("Nudge at most %(max)s at a time.") % {"max": BULK_MAX})
    now = now or timezone.now()
    week = iso_week(now)
    result = NudgeResult()
    with transaction.atomic():
        for person, pair in _targets(
            program=program, kind=kind, participant_ids=participant_ids or [], mentorship_ids=mentorship_ids or []
        ):
            try:
                with transaction.atomic():  # a savepoint: a duplicate rolls back this row only
                    nudge = Nudge.objects.create(
                        organization_id=program.organization_id,
                        program=program,
                        participant=person,
                        mentorship=pair,
                        kind=kind,
                        week=week,
                        message=message,
                        sent_by=actor,
                        automatic=actor is None,
                    )
            except IntegrityError:
                result.already.append(person)
                continue
            enqueue_on_commit(DELIVER_TASK, nudge.pk)
            result.sent.append(nudge)
    return result


def _link(nudge: Nudge) -> str:
    if nudge.kind == Nudge.Kind.PROFILE_INCOMPLETE or nudge.mentorship_id is None:
        return absolute_url(reverse("profile-edit", args=[nudge.participant_id]))
    return absolute_url(reverse("session-book", args=[nudge.mentorship_id]))


def nudge_deliver(*, nudge_id: int) -> bool:
    """Send one queued nudge; True when this call sent it. Claimed with a conditional
    UPDATE (queued → sent) first, so a second run sends nothing; a failed send is marked
    failed with the reason and raised for the task's retry to put it back."""
    nudge = (
        Nudge.objects.select_related(
            "program", "organization", "participant__user", "sent_by", "mentorship__mentor", "mentorship__mentee"
        )
        .filter(pk=nudge_id)
        .first()
    )
    if nudge is None:
        return False
    claimed = Nudge.objects.filter(pk=nudge.pk, status__in=[Nudge.Status.QUEUED, Nudge.Status.FAILED]).update(
        status=Nudge.Status.SENT, sent_at=timezone.now(), error=""
    )
    if not claimed:
        return False
    person = nudge.participant
    other = None
    if nudge.mentorship is not None:
        other = nudge.mentorship.mentor if nudge.mentorship.mentee_id == person.pk else nudge.mentorship.mentee
    try:
        notification_send(
            template="insights/nudge",
            context={
                "nudge": nudge,
                "person": person,
                "other": other,
                "program": nudge.program,
                "organization": nudge.organization,
                "sender": nudge.sent_by.get_full_name() if nudge.sent_by else "",
                "link": _link(nudge),
                "action_label": ACTION_LABELS[Nudge.Kind(nudge.kind)],
            },
            to=person.user.email if person.user_id else person.email,
            recipient=person.user,
        )
    except Exception as e:
        Nudge.objects.filter(pk=nudge.pk).update(status=Nudge.Status.FAILED, sent_at=None, error=str(e)[:300])
        raise
    return True


# --- Settings and the automatic sweep ------------------------------------------------------------


def health_settings_for(program: Program) -> ProgramHealthSettings:
    settings, _ = ProgramHealthSettings.objects.get_or_create(
        program=program, defaults={"organization_id": program.organization_id}
    )
    return settings


def health_settings_update(
    *, program: Program, auto_nudge_quiet_pairs: bool, quiet_pair_message: str = ""
) -> ProgramHealthSettings:
    if len(quiet_pair_message) > MESSAGE_MAX:
        raise ValidationFailed(
            _("Keep the message under %(max)s characters.") % {"max": MESSAGE_MAX},
            fields={"quiet_pair_message": [_("Too long.")]},
        )
    settings = health_settings_for(program)
    ProgramHealthSettings.objects.filter(pk=settings.pk).update(
        auto_nudge_quiet_pairs=auto_nudge_quiet_pairs, quiet_pair_message=quiet_pair_message.strip(),
        updated_at=timezone.now(),
    )  # fmt: skip
    settings.refresh_from_db()
    return settings


def quiet_pairs_nudge_automatically(*, now: datetime | None = None) -> int:
    """The beat task's work: in every active program whose settings say so, nudge both people
    of each quiet pair not yet nudged this week. Safe to run twice at once: the unique
    constraint keeps one row per person and week, whoever inserts it first."""
    now = now or timezone.now()
    sent = 0
    for settings in ProgramHealthSettings.objects.filter(
        auto_nudge_quiet_pairs=True, program__status=Program.Status.ACTIVE
    ).select_related("program"):
        week = iso_week(now)
        nudged = selectors.nudged_this_week(settings.program, Nudge.Kind.QUIET_PAIR, now)
        pairs = [
            pk
            for pk, mentor_id, mentee_id in selectors.quiet_pairs(settings.program, now).values_list(
                "pk", "mentor_id", "mentee_id"
            )
            if not (mentor_id in nudged and mentee_id in nudged)
        ][:BULK_MAX]
        if not pairs:
            continue
        try:
            result = nudges_send(
                program=settings.program,
                kind=Nudge.Kind.QUIET_PAIR,
                message=settings.quiet_pair_message,
                mentorship_ids=pairs,
                now=now,
            )
        except (ValidationFailed, Conflict) as e:  # a pair changed meanwhile: next run
            logger.info("program %s: automatic quiet-pair nudges skipped (%s)", settings.program_id, e.message)
            continue
        sent += result.sent_count
        logger.info("program %s week %s: %s automatic quiet-pair nudges", settings.program_id, week, result.sent_count)
    return sent


def get_nudge(*, program: Program, pk: int) -> Nudge:
    nudge = Nudge.objects.filter(program=program, pk=pk).first()
    if nudge is None:
        raise NotFound(_("No such nudge in this program."))
    return nudge
