"""Mentorships: the one place that decides whether a mentor can take a mentee, and that
starts and ends mentorships.

Publishing a match run, a mentor accepting a request or an offer, and an admin adding a
pair by hand all call ``mentorships_create`` (or ``mentorship_create`` for one pair). It
locks the participants' rows (mentors first, in primary-key order, so two callers never
deadlock), re-reads the mentors' load under the lock, and checks each pair's structural
rules: both people active in the same program in the right roles, the mentee without an
active mentor, the mentor with a free place. Matching rules (shared language, own manager,
pairs an admin forbade, minimum score) belong to the matching app, which checks them before
calling here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from mentoring.models import Mentorship, Participant, Program, effective_capacity
from mentoring.services.writable import program_writable
from mentoring.signals import mentorship_ended, mentorships_started
from turazo.core.errors import Conflict, ValidationFailed
from turazo.core.models import lock_existing, save_existing

MENTORSHIP_GONE = gettext_lazy("This mentorship was deleted meanwhile.")
END_REASON_MAX = 300


def mentor_loads(mentor_ids: Iterable[int]) -> dict[int, int]:
    """Active mentorships per mentor (mentors without any are absent)."""
    return dict(
        Mentorship.objects.filter(mentor_id__in=list(mentor_ids), status=Mentorship.Status.ACTIVE)
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )


def mentor_free_places(mentor: Participant) -> int:
    """Places left: the mentor's effective capacity minus their active mentorships (never < 0)."""
    used = mentor_loads([mentor.pk]).get(mentor.pk, 0)
    return max(effective_capacity(mentor.capacity, mentor.program.default_capacity) - used, 0)


@dataclass(frozen=True)
class Pair:
    mentor_id: int
    mentee_id: int
    score: float | None = None
    explanation: str = ""


@dataclass
class CreateResult:
    created: list[Mentorship] = field(default_factory=list)
    #: (pair, why it was not created), in the order the pairs were given
    skipped: list[tuple[Pair, str]] = field(default_factory=list)


def _lock_participants(program: Program, ids: set[int]) -> dict[int, Participant]:
    # FOR NO KEY UPDATE: excludes other pairings of these people, but not rows elsewhere that
    # merely reference them (suggestions, jobs), so a refresh running meanwhile cannot deadlock.
    return {
        p.pk: p
        for p in Participant.objects.select_for_update(of=("self",), no_key=True)
        .select_related("program")
        .filter(program=program, pk__in=ids)
        .order_by("pk")
    }


def _problem(
    pair: Pair, *, program: Program, people: dict[int, Participant], load: dict[int, int], matched: set[int]
) -> str | None:
    """Why ``pair`` cannot become a mentorship now, or None. One sentence a person can act on."""
    mentor, mentee = people.get(pair.mentor_id), people.get(pair.mentee_id)
    if mentor is None or mentee is None:
        return _("One of these people is not in %(program)s.") % {"program": program.name}
    if mentor.pk == mentee.pk:
        return _("A person cannot mentor themselves.")
    if mentor.role != Participant.Role.MENTOR:
        return _("%(name)s is not a mentor in this program.") % {"name": mentor.display_name}
    if mentee.role != Participant.Role.MENTEE:
        return _("%(name)s is not a mentee in this program.") % {"name": mentee.display_name}
    for person in (mentee, mentor):
        if person.status != Participant.Status.ACTIVE:
            return _("%(name)s has not joined the program or has left it.") % {"name": person.display_name}
    if mentee.pk in matched:
        return _("%(name)s already has a mentor.") % {"name": mentee.display_name}
    if load.get(mentor.pk, 0) >= effective_capacity(mentor.capacity, program.default_capacity):
        return _("%(name)s has no free place left.") % {"name": mentor.display_name}
    return None


def mentorships_create(*, program: Program, pairs: Sequence[Pair], source: str, actor: User | None) -> CreateResult:
    """Start a mentorship for every pair that may have one, in order; skip the others with
    the reason. Call inside ``transaction.atomic`` (it opens one if there is none) — the
    locks are held until the caller's transaction ends."""
    program_writable(program)
    if source not in Mentorship.Source.values:
        raise ValidationFailed(_("Unknown mentorship source %(source)s.") % {"source": repr(source)})
    result = CreateResult()
    if not pairs:
        return result
    with transaction.atomic():
        mentor_ids = {p.mentor_id for p in pairs}
        mentee_ids = {p.mentee_id for p in pairs}
        # Mentors first (every caller does the same), then mentees: no lock-order cycles.
        people = _lock_participants(program, mentor_ids)
        people |= _lock_participants(program, mentee_ids - mentor_ids)
        load = mentor_loads(mentor_ids)
        matched = set(
            Mentorship.objects.filter(
                program=program, mentee_id__in=mentee_ids, status=Mentorship.Status.ACTIVE
            ).values_list("mentee_id", flat=True)
        )
        rows: list[Mentorship] = []
        for pair in pairs:
            problem = _problem(pair, program=program, people=people, load=load, matched=matched)
            if problem:
                result.skipped.append((pair, problem))
                continue
            load[pair.mentor_id] = load.get(pair.mentor_id, 0) + 1
            matched.add(pair.mentee_id)
            rows.append(
                Mentorship(
                    organization_id=program.organization_id,
                    program=program,
                    mentor_id=pair.mentor_id,
                    mentee_id=pair.mentee_id,
                    source=source,
                    score=pair.score,
                    explanation=pair.explanation,
                    created_by=actor,
                )
            )
        try:
            with transaction.atomic():
                Mentorship.objects.bulk_create(rows, batch_size=2000)
        except IntegrityError:  # only a writer that bypassed these locks can cause it
            raise Conflict(_("Someone else paired these people just now; reload and try again."))
        result.created = rows
        if rows:
            mentorships_started.send(sender=Mentorship, mentorships=rows)
    return result


def mentorship_create(
    *,
    program: Program,
    mentor: Participant,
    mentee: Participant,
    source: str,
    actor: User | None,
    score: float | None = None,
    explanation: str = "",
) -> Mentorship:
    """One pair; Conflict with the reason when it may not start."""
    result = mentorships_create(
        program=program,
        pairs=[Pair(mentor_id=mentor.pk, mentee_id=mentee.pk, score=score, explanation=explanation)],
        source=source,
        actor=actor,
    )
    if result.skipped:
        raise Conflict(result.skipped[0][1])
    return result.created[0]


def mentorship_end(
    *, mentorship: Mentorship, actor: User | None, reason: str = "", notify: bool = True
) -> Mentorship:
    """End an active mentorship (by either person or an admin), with an optional reason.
    Ending one that already ended is a Conflict that says when it ended. ``notify=False``
    when the caller tells the people itself (closing a program sends its own email)."""
    reason = (reason or "").strip()
    if len(reason) > END_REASON_MAX:
        raise ValidationFailed(
            _("Keep the reason under %(max)d characters.") % {"max": END_REASON_MAX},
            fields={"reason": [_("At most %(max)d characters.") % {"max": END_REASON_MAX}]},
        )
    with transaction.atomic():
        row = lock_existing(Mentorship, pk=mentorship.pk, gone=MENTORSHIP_GONE)
        if row.status != Mentorship.Status.ACTIVE:
            raise Conflict(
                _("This mentorship already ended on %(date)s.")
                % {"date": date_format(timezone.localdate(row.ended_at))}
            )
        row.status = Mentorship.Status.ENDED
        row.ended_at = timezone.now()
        row.ended_by = actor
        row.end_reason = reason
        save_existing(
            row, update_fields=["status", "ended_at", "ended_by", "end_reason", "updated_at"], gone=MENTORSHIP_GONE
        )
        mentorship_ended.send(sender=Mentorship, mentorship=row, actor=actor, notify=notify)
    return row
