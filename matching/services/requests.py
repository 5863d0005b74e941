"""Mentorship requests and match offers: the one place that opens, answers and closes them.

A mentee asks a mentor (``request_create``); the mentor accepts or declines
(``request_accept`` / ``request_decline``), from the app, the API or the email's action
links; the mentee may withdraw (``request_withdraw``); a periodic sweep reminds mentors
once and expires what nobody answered (``requests_sweep``). With "mentors confirm
matches" on, publishing a run opens *offers* (``offers_create``) that mentors answer the
same way.

Locks, always in this order, so no two callers deadlock:

1. participant rows (mentor, then mentee) — ``mentorships_create`` takes them in the same
   order, and re-taking them inside the same transaction is free;
2. request rows, several at once only in primary-key order.

Accepting marks the request accepted *before* creating the mentorship; the
``mentorships_started`` receiver (``requests_close_after_start``) then, in the same
transaction and for every way a mentorship starts (a request, an offer, publishing, an
admin's pair), withdraws the mentee's other open requests and declines the open requests
of mentors who became full. Emails go out after commit through the job outbox, one job
per change of one request (``request_notify_task``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from matching import selectors
from matching.engine import InvalidInput, Proposal, explain, score_pairs
from matching.engine.scoring import Scorer
from matching.models import MatchProposal, MentorshipRequest, PairRule
from mentoring.models import Mentorship, Participant, Program, effective_capacity
from mentoring.services.mentorships import mentor_loads, mentorship_create
from turazo.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from turazo.core.jobs import enqueue_on_commit
from turazo.core.models import save_existing

logger = logging.getLogger(__name__)

Status = MentorshipRequest.Status
Kind = MentorshipRequest.Kind
SELF_SELECTION_MODES = (Program.MatchingMode.MENTEE_CHOOSES, Program.MatchingMode.BOTH)
OPEN_PROGRAM_STATUSES = (Program.Status.ENROLLING, Program.Status.MATCHING, Program.Status.ACTIVE)
REQUEST_GONE = gettext_lazy("This request was deleted meanwhile.")

# Events a request's emails are about (see matching/request_emails.py).
EV_CREATED, EV_REMINDER, EV_ACCEPTED, EV_DECLINED, EV_EXPIRED, EV_WITHDRAWN = (
    "created", "reminder", "accepted", "declined", "expired", "withdrawn",
)  # fmt: skip


def _notify(req_id: int, event: str) -> None:
    from matching.tasks import request_notify_task

    enqueue_on_commit(request_notify_task, req_id, event)


def _day(moment: dt.datetime) -> str:
    return date_format(timezone.localdate(moment), "MONTH_DAY_FORMAT")


# --- hard matching rules, through the engine ---------------------------------------------


@dataclass(frozen=True)
class Fit:
    """How a mentee and a mentor fit: the engine's score and reasons, or why they may not pair."""

    score: float | None
    explanation: str
    details: dict
    problem: str | None = None


def proposal_reasons(p: Proposal) -> str:
    """The suggestion's sentence, without the run-only notes (a request is not held to the
    program's minimum score or shared hours: only hard rules apply)."""
    details = {k: v for k, v in p.details.items() if not k.startswith("below_")}
    return explain(dataclasses.replace(p, details=details, pinned=False))


def _hard_rule_problem(scorer: Scorer, mentee: Participant, mentor: Participant) -> str | None:
    i, j = scorer.mentee_pos.get(mentee.pk), scorer.mentor_pos.get(mentor.pk)
    if i is None or j is None:
        return _("%(name)s is not taking part in matching in this program.") % {"name": mentor.display_name}
    lang, not_excl, _hours = scorer.hard_ok(i)
    if not lang[j]:
        return _(
            "You and %(name)s share no language. Add a language you speak to your profile, or choose another mentor."
        ) % {"name": mentor.display_name}
    if not not_excl[j]:
        why = scorer.excl_reason.get((i, j), "forbidden")
        if why == "manager":
            return _("%(name)s is your manager; choose a mentor outside your reporting line.") % {
                "name": mentor.display_name
            }
        if why == "self":
            return _("You cannot be your own mentor.")
        return _("Your program's organisers ruled out pairing you with %(name)s; choose another mentor.") % {
            "name": mentor.display_name
        }
    return None


def fits_for_mentee(mentee: Participant, mentor_ids: Iterable[int] | None = None) -> dict[int, Proposal]:
    """The engine's valid pairs of this mentee (hard rules only, no minimum score), by mentor id."""
    program = mentee.program
    loaded = selectors.match_input_for_program(
        program, weights=selectors.program_weights(program), rules=selectors.program_rules(program)
    )
    ids = None if mentor_ids is None else [m for m in mentor_ids if m in loaded.mentor_remaining]
    try:
        pairs = score_pairs(loaded.input, mentee.pk, ids, thresholds=False)
    except InvalidInput:
        return {}
    return {p.mentor_id: p for p in pairs}


def pair_fit(mentee: Participant, mentor: Participant) -> Fit:
    """Score and reasons of one pair, or the hard rule it breaks (shared language, the
    mentee's manager, a pair an organiser forbade) — the engine's rules, written once."""
    program = mentee.program
    loaded = selectors.match_input_for_program(
        program, weights=selectors.program_weights(program), rules=selectors.program_rules(program)
    )
    scorer = Scorer(loaded.input)
    problem = _hard_rule_problem(scorer, mentee, mentor)
    if problem:
        return Fit(None, "", {}, problem)
    pairs = score_pairs(loaded.input, mentee.pk, [mentor.pk], thresholds=False)
    if not pairs:  # a hard rule the checks above do not name
        return Fit(None, "", {}, _("%(name)s cannot mentor you in this program.") % {"name": mentor.display_name})
    return Fit(pairs[0].score, proposal_reasons(pairs[0]), pairs[0].details)


# --- rules a person can read -------------------------------------------------------------


def self_selection_problem(program: Program) -> str | None:
    """Why mentees of ``program`` cannot ask for a mentor now, or None."""
    if program.matching_mode not in SELF_SELECTION_MODES:
        return _("In %(program)s the HR team matches mentees with mentors, so mentors cannot be requested.") % {
            "program": program.name
        }
    if program.status not in OPEN_PROGRAM_STATUSES:
        return _("%(program)s is %(status)s, so mentors cannot be requested now.") % {
            "program": program.name,
            "status": program.get_status_display().lower(),
        }
    return None


def _lock(ids: Iterable[int]) -> dict[int, Participant]:
    return {
        p.pk: p
        for p in Participant.objects.select_for_update(of=("self",), no_key=True)
        .select_related("program", "user")
        .filter(pk__in=list(ids))
        .order_by("pk")
    }


def _lock_request(pk: int) -> MentorshipRequest:
    row = (
        MentorshipRequest.objects.select_for_update(of=("self",))
        .select_related("program", "mentee__user", "mentor__user", "proposal")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise NotFound(REQUEST_GONE)
    return row


def request_create(*, mentee: Participant, mentor_id: int, message: str, actor: User) -> MentorshipRequest:
    """The mentee asks a mentor. Every rule of self-selection is checked here, with the
    mentor's and the mentee's rows locked, so two tabs (or two people) cannot overshoot the
    pending limit or ask a full mentor. Raises ValidationFailed / Conflict / PermissionDenied
    with a sentence the mentee can act on."""
    message = (message or "").strip()
    if len(message) > MentorshipRequest.MESSAGE_MAX:
        raise ValidationFailed(
            _("Keep your message under %(max)d characters; it is %(n)d.")
            % {"max": MentorshipRequest.MESSAGE_MAX, "n": len(message)},
            fields={"message": [_("At most %(max)d characters.") % {"max": MentorshipRequest.MESSAGE_MAX}]},
        )
    if mentee.user_id is None or mentee.user_id != actor.pk:
        raise PermissionDenied(_("Only the mentee can ask for a mentor."))
    mentor = Participant.objects.select_related("program").filter(program_id=mentee.program_id, pk=mentor_id).first()
    if mentor is None or mentor.role != Participant.Role.MENTOR:
        raise ValidationFailed(
            _("That person is not a mentor of this program."), fields={"mentor": [_("Choose a listed mentor.")]}
        )
    # Scoring reads the whole program; do it before taking the locks, then decide under them.
    fit = pair_fit(mentee, mentor)
    with transaction.atomic():
        people = _lock([mentor.pk])
        people |= _lock([mentee.pk])
        mentor, mentee = people[mentor.pk], people[mentee.pk]
        program = mentee.program
        problem = self_selection_problem(program)
        if problem:
            raise Conflict(problem)
        if mentee.role != Participant.Role.MENTEE or mentee.status != Participant.Status.ACTIVE:
            raise PermissionDenied(
                _("Only active mentees of %(program)s can ask for a mentor.") % {"program": program.name}
            )
        if mentor.status != Participant.Status.ACTIVE:
            raise Conflict(_("%(name)s is not taking part in %(program)s any more.") % {
                "name": mentor.display_name, "program": program.name,
            })  # fmt: skip
        current = (
            Mentorship.objects.filter(mentee=mentee, status=Mentorship.Status.ACTIVE).select_related("mentor").first()
        )
        if current:
            raise Conflict(
                _("You already have a mentor in %(program)s: %(name)s.")
                % {"program": program.name, "name": current.mentor.display_name}
            )
        pending = list(MentorshipRequest.objects.filter(mentee=mentee, status=Status.PENDING))
        same = next((r for r in pending if r.mentor_id == mentor.pk), None)
        if same:
            raise Conflict(
                _("You already asked %(name)s on %(date)s; wait for the answer, or withdraw that request first.")
                % {"name": mentor.display_name, "date": _day(same.created_at)}
            )
        if len(pending) >= program.max_pending_requests:
            raise Conflict(
                ngettext(
                    "You have %(count)d request waiting for an answer, the most %(program)s allows; "
                    "withdraw it or wait for the answer.",
                    "You have %(count)d requests waiting for an answer, the most %(program)s allows; "
                    "withdraw one or wait for the answers.",
                    len(pending),
                )
                % {"count": len(pending), "program": program.name}
            )
        used = mentor_loads([mentor.pk]).get(mentor.pk, 0)
        if used >= effective_capacity(mentor.capacity, program.default_capacity):
            raise Conflict(_("%(name)s has no free place left; choose another mentor.") % {"name": mentor.display_name})
        if fit.problem:
            raise Conflict(fit.problem)
        now = timezone.now()
        try:
            with transaction.atomic():
                req = MentorshipRequest.objects.create(
                    organization_id=program.organization_id,
                    program=program,
                    mentee=mentee,
                    mentor=mentor,
                    kind=Kind.REQUEST,
                    message=message,
                    score=fit.score,
                    explanation=fit.explanation,
                    created_by=actor,
                    expires_at=now + dt.timedelta(days=program.request_expiry_days),
                )
        except IntegrityError:  # the partial unique index: a request made past these locks
            raise Conflict(_("You already asked %(name)s; wait for the answer.") % {"name": mentor.display_name})
        _notify(req.pk, EV_CREATED)
    return req


def _closed_sentence(req: MentorshipRequest, *, viewer: User | None = None) -> str:
    """What happened to a request that is no longer open, for the person looking at it."""
    mentee, mentor = req.mentee.display_name, req.mentor.display_name
    day = _day(req.answered_at) if req.answered_at else ""
    by_viewer = viewer is not None and req.answered_by_id == viewer.pk
    if req.status == Status.ACCEPTED:
        if by_viewer:
            return _("You accepted %(mentee)s's request on %(date)s.") % {"mentee": mentee, "date": day}
        return _("%(mentor)s accepted %(mentee)s's request on %(date)s.") % {
            "mentor": mentor, "mentee": mentee, "date": day,
        }  # fmt: skip
    if req.status == Status.DECLINED:
        if by_viewer:
            return _("You declined %(mentee)s's request on %(date)s.") % {"mentee": mentee, "date": day}
        if req.answered_by_id is None:
            return _("This request was closed on %(date)s: %(note)s") % {"date": day, "note": req.closed_note}
        return _("%(mentor)s declined %(mentee)s's request on %(date)s.") % {
            "mentor": mentor, "mentee": mentee, "date": day,
        }  # fmt: skip
    if req.status == Status.EXPIRED:
        return _("This request expired unanswered on %(date)s.") % {"date": day}
    if req.status == Status.WITHDRAWN:
        if req.closed_note:
            return _("This request was withdrawn on %(date)s: %(note)s") % {"date": day, "note": req.closed_note}
        return _("%(mentee)s withdrew this request on %(date)s.") % {"mentee": mentee, "date": day}
    if req.status == Status.CANCELLED:
        return _("This request was cancelled on %(date)s.") % {"date": day}
    return ""


def request_closed_sentence(req: MentorshipRequest, *, viewer: User | None = None) -> str:
    return _closed_sentence(req, viewer=viewer)


def _check_open(req: MentorshipRequest, actor: User | None, now: dt.datetime) -> None:
    if req.status != Status.PENDING:
        raise Conflict(_closed_sentence(req, viewer=actor))
    if req.expires_at <= now:
        raise Conflict(_("This request expired on %(date)s without an answer.") % {"date": _day(req.expires_at)})


def _check_mentor(req: MentorshipRequest, actor: User | None) -> None:
    if actor is None or req.mentor.user_id != actor.pk:
        raise PermissionDenied(_("Only %(name)s can answer this request.") % {"name": req.mentor.display_name})


def request_accept(*, request: MentorshipRequest, actor: User | None) -> MentorshipRequest:
    """The mentor says yes: the mentorship starts (source "request", or "matching" for an
    offer) under the capacity lock of ``mentorship_create``; then the mentee's other open
    requests are withdrawn and, if the mentor is now full, their other open requests
    declined (``requests_close_after_start``). Conflict when it is no longer open or the
    mentor has no free place, and nothing changes."""
    with transaction.atomic():
        people = _lock([request.mentor_id])
        people |= _lock([request.mentee_id])
        req = _lock_request(request.pk)
        _check_mentor(req, actor)
        now = timezone.now()
        _check_open(req, actor, now)
        req.status, req.answered_at, req.answered_by = Status.ACCEPTED, now, actor
        save_existing(req, update_fields=["status", "answered_at", "answered_by", "updated_at"], gone=REQUEST_GONE)
        source = Mentorship.Source.MATCHING if req.kind == Kind.OFFER else Mentorship.Source.REQUEST
        mentorship = mentorship_create(
            program=req.program,
            mentor=people[req.mentor_id],
            mentee=people[req.mentee_id],
            source=source,
            actor=actor,
            score=req.score,
            explanation=req.explanation,
        )
        req.mentorship = mentorship
        save_existing(req, update_fields=["mentorship", "updated_at"], gone=REQUEST_GONE)
        if req.kind == Kind.OFFER and req.proposal_id:
            MatchProposal.objects.filter(pk=req.proposal_id, mentorship__isnull=True).update(mentorship=mentorship)
            from matching.tasks import match_published_notify_task

            enqueue_on_commit(match_published_notify_task, req.proposal.run_id)
        else:
            _notify(req.pk, EV_ACCEPTED)
    return req


def request_decline(*, request: MentorshipRequest, actor: User | None, reason: str = "") -> MentorshipRequest:
    """The mentor says no, with an optional reason the mentee reads; the mentee is pointed
    to fresh suggestions. An offer's mentee goes back to the pool for the next run, and the
    pair becomes forbidden (a rule the admin sees and can remove in the matching settings),
    so no later run proposes the mentor who said no."""
    reason = (reason or "").strip()
    if len(reason) > MentorshipRequest.REASON_MAX:
        raise ValidationFailed(
            _("Keep the reason under %(max)d characters.") % {"max": MentorshipRequest.REASON_MAX},
            fields={"reason": [_("At most %(max)d characters.") % {"max": MentorshipRequest.REASON_MAX}]},
        )
    with transaction.atomic():
        req = _lock_request(request.pk)
        _check_mentor(req, actor)
        now = timezone.now()
        _check_open(req, actor, now)
        req.status, req.answered_at, req.answered_by, req.decline_reason = Status.DECLINED, now, actor, reason
        save_existing(
            req,
            update_fields=["status", "answered_at", "answered_by", "decline_reason", "updated_at"],
            gone=REQUEST_GONE,
        )
        if req.kind == Kind.OFFER:
            PairRule.objects.update_or_create(
                program_id=req.program_id,
                mentee_id=req.mentee_id,
                mentor_id=req.mentor_id,
                defaults={"kind": PairRule.Kind.FORBID, "organization_id": req.organization_id, "created_by": actor},
            )
        _notify(req.pk, EV_DECLINED)
    return req


def request_withdraw(*, request: MentorshipRequest, actor: User) -> MentorshipRequest:
    """The mentee takes a request back; the mentor is told."""
    with transaction.atomic():
        req = _lock_request(request.pk)
        if req.kind != Kind.REQUEST or req.mentee.user_id != actor.pk:
            raise PermissionDenied(_("Only the mentee who made this request can withdraw it."))
        if req.status != Status.PENDING:
            raise Conflict(_closed_sentence(req, viewer=actor))
        req.status, req.answered_at, req.answered_by = Status.WITHDRAWN, timezone.now(), actor
        save_existing(req, update_fields=["status", "answered_at", "answered_by", "updated_at"], gone=REQUEST_GONE)
        _notify(req.pk, EV_WITHDRAWN)
    return req


# --- closing what a new mentorship made moot ----------------------------------------------


def requests_close_after_start(*, mentorships: list[Mentorship]) -> int:
    """Inside the transaction that started ``mentorships`` (participant rows locked): withdraw
    each new mentee's other open requests and offers (their mentors are told), and decline
    the open ones of every mentor who is now full, kindly (their mentees are told and
    pointed to fresh suggestions). Returns how many closed."""
    if not mentorships:
        return 0
    mentee_ids = {m.mentee_id for m in mentorships}
    mentor_ids = {m.mentor_id for m in mentorships}
    mentors = Participant.objects.select_related("program").filter(pk__in=mentor_ids)
    load = mentor_loads(mentor_ids)
    full = {m.pk for m in mentors if load.get(m.pk, 0) >= effective_capacity(m.capacity, m.program.default_capacity)}
    rows = list(
        MentorshipRequest.objects.select_for_update(of=("self",))
        .select_related("mentee", "mentor")
        .filter(Q(mentee_id__in=mentee_ids) | Q(mentor_id__in=full), status=Status.PENDING)
        .order_by("pk")
    )
    now = timezone.now()
    for req in rows:
        if req.mentee_id in mentee_ids:
            req.status = Status.WITHDRAWN
            req.closed_note = _("%(mentee)s now has a mentor, so this request was withdrawn automatically.") % {
                "mentee": req.mentee.display_name
            }
        else:
            req.status = Status.DECLINED
            req.closed_note = _(
                "%(mentor)s's mentoring places have all been taken, so they cannot take this request. "
                "It is not about you: other mentors are waiting."
            ) % {"mentor": req.mentor.display_name}
        req.answered_at = now
    MentorshipRequest.objects.bulk_update(rows, ["status", "closed_note", "answered_at", "updated_at"])
    for req in rows:
        _notify(req.pk, EV_WITHDRAWN if req.status == Status.WITHDRAWN else EV_DECLINED)
    return len(rows)


# --- the periodic sweep -------------------------------------------------------------------


@dataclass
class SweepResult:
    reminded: list[int] = dataclasses.field(default_factory=list)
    expired: list[int] = dataclasses.field(default_factory=list)
    cancelled: list[int] = dataclasses.field(default_factory=list)


def requests_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Remind each mentor once after the program's ``request_reminder_days``, expire
    requests past ``expires_at``, and cancel those whose program closed or whose mentor or
    mentee left it. Each row is claimed by a conditional UPDATE (WHERE still
    pending / not yet reminded), so a second run, or two workers at once, act once; the
    email job is enqueued in the claiming transaction."""
    now = now or timezone.now()
    result = SweepResult()
    due_expiry = MentorshipRequest.objects.filter(status=Status.PENDING, expires_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due_expiry[:1000]):
        with transaction.atomic():
            note = _("Nobody answered in time.")
            if MentorshipRequest.objects.filter(pk=pk, status=Status.PENDING, expires_at__lte=now).update(
                status=Status.EXPIRED, answered_at=now, closed_note=note, updated_at=now
            ):
                result.expired.append(pk)
                _notify(pk, EV_EXPIRED)
    # Cancelled: a person left the program, or it closed (nobody can answer any more).
    gone = MentorshipRequest.objects.filter(status=Status.PENDING).filter(
        ~Q(mentee__status=Participant.Status.ACTIVE)
        | ~Q(mentor__status=Participant.Status.ACTIVE)
        | Q(program__status=Program.Status.CLOSED)
    )
    for pk in list(gone.values_list("pk", flat=True)[:1000]):
        note = _("The program closed, or one of you left it.")
        if MentorshipRequest.objects.filter(pk=pk, status=Status.PENDING).update(
            status=Status.CANCELLED, answered_at=now, closed_note=note, updated_at=now
        ):
            result.cancelled.append(pk)
    # A reminder is due reminder_days after the request (the smallest setting is one day).
    candidates = (
        MentorshipRequest.objects.filter(
            status=Status.PENDING, reminded_at__isnull=True, created_at__lte=now - dt.timedelta(days=1)
        )
        .values_list("pk", "created_at", "program__request_reminder_days")
        .order_by("pk")
    )
    for pk, created_at, days in list(candidates[:5000]):
        if created_at + dt.timedelta(days=days) > now:
            continue
        with transaction.atomic():
            if MentorshipRequest.objects.filter(
                pk=pk, status=Status.PENDING, reminded_at__isnull=True, expires_at__gt=now
            ).update(reminded_at=now, updated_at=now):
                result.reminded.append(pk)
                _notify(pk, EV_REMINDER)
    return result


# --- offers: published matches the mentor confirms ----------------------------------------


def offers_create(*, program: Program, proposals: list[MatchProposal], actor: User | None) -> tuple[int, list[str]]:
    """Publishing with "mentors confirm matches" on: an offer per proposal whose mentee has
    no mentor and no open offer from this mentor; the mentor answers it like a request.
    Returns (offers opened, reasons for the pairs skipped)."""
    if not proposals:
        return 0, []
    mentor_ids = {p.mentor_id for p in proposals}
    mentee_ids = {p.mentee_id for p in proposals}
    people = _lock(mentor_ids)
    people |= _lock(mentee_ids - mentor_ids)
    matched = set(
        Mentorship.objects.filter(mentee_id__in=mentee_ids, status=Mentorship.Status.ACTIVE).values_list(
            "mentee_id", flat=True
        )
    )
    open_pairs = set(
        MentorshipRequest.objects.filter(mentee_id__in=mentee_ids, status=Status.PENDING).values_list(
            "mentee_id", "mentor_id"
        )
    )
    offered_mentees = set(
        MentorshipRequest.objects.filter(mentee_id__in=mentee_ids, kind=Kind.OFFER, status=Status.PENDING).values_list(
            "mentee_id", flat=True
        )
    )
    now = timezone.now()
    rows: list[MentorshipRequest] = []
    skipped: list[str] = []
    for p in proposals:
        mentee, mentor = people.get(p.mentee_id), people.get(p.mentor_id)
        if mentee is None or mentor is None:
            continue
        if p.mentee_id in matched:
            skipped.append(_("%(name)s already has a mentor") % {"name": mentee.display_name})
            continue
        if p.mentee_id in offered_mentees or (p.mentee_id, p.mentor_id) in open_pairs:
            continue  # already waiting for a mentor's answer
        if mentee.status != Participant.Status.ACTIVE or mentor.status != Participant.Status.ACTIVE:
            skipped.append(_("%(name)s has not joined the program or has left it") % {"name": mentee.display_name})
            continue
        offered_mentees.add(p.mentee_id)
        rows.append(
            MentorshipRequest(
                organization_id=program.organization_id,
                program=program,
                mentee_id=p.mentee_id,
                mentor_id=p.mentor_id,
                kind=Kind.OFFER,
                score=p.score,
                explanation=p.explanation,
                proposal=p,
                created_by=actor,
                expires_at=now + dt.timedelta(days=program.request_expiry_days),
            )
        )
    MentorshipRequest.objects.bulk_create(rows, batch_size=2000)
    for row in rows:
        _notify(row.pk, EV_CREATED)
    return len(rows), skipped


def offers_for_run(run) -> dict[int, MentorshipRequest]:
    """The latest offer of each proposal of a run, by proposal id (for the run's page)."""
    out: dict[int, MentorshipRequest] = {}
    for offer in (
        MentorshipRequest.objects.filter(proposal__run=run, kind=Kind.OFFER)
        .select_related("mentor__user", "mentee__user")
        .order_by("created_at", "pk")
    ):
        out[offer.proposal_id] = offer
    return out
