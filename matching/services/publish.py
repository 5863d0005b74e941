"""Publishing a run: its proposals become mentorships, once; both people are emailed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from matching.models import MatchProposal, MatchRun
from matching.services.common import BATCH, RUN_GONE
from mentoring.models import Mentorship, Program
from mentoring.services.mentorships import Pair, mentorships_create
from mentoring.services.writable import program_writable
from turazo.core.errors import Conflict
from turazo.core.models import lock_existing, save_existing


@dataclass(frozen=True)
class PublishResult:
    created: int
    already_published: int
    skipped: list[str]
    offered: int = 0  # offers opened instead (the program has "mentors confirm matches" on)

    @property
    def message(self) -> str:
        if self.offered:
            text = ngettext(
                "Sent %(count)d match offer; the mentor accepts or declines it from the email.",
                "Sent %(count)d match offers; each mentor accepts or declines from the email.",
                self.offered,
            ) % {"count": self.offered}
        elif not self.created and self.already_published:
            text = ngettext(
                "Nothing new to publish: the %(count)d pair of this run is already a mentorship.",
                "Nothing new to publish: the %(count)d pairs of this run are already mentorships.",
                self.already_published,
            ) % {"count": self.already_published}
        else:
            text = ngettext(
                "Published %(count)d mentorship; both people get an email.",
                "Published %(count)d mentorships; both people get an email.",
                self.created,
            ) % {"count": self.created}
        if self.skipped:
            text += " " + ngettext("%(count)d pair skipped: ", "%(count)d pairs skipped: ", len(self.skipped)) % {
                "count": len(self.skipped)
            }
            text += "; ".join(s.rstrip(".") for s in self.skipped[:5])
            text += "…" if len(self.skipped) > 5 else "."
        return text


def match_run_publish(*, run: MatchRun, actor: User | None) -> PublishResult:
    """Turn proposals into mentorships (source "matching"), once.

    Mentors of the program are locked while capacity is re-checked against
    active mentorships, so a concurrent publish or request cannot overfill one.
    Emails go out after commit."""
    with transaction.atomic():
        run = lock_existing(MatchRun.objects.select_related("program"), pk=run.pk, gone=RUN_GONE)
        program_writable(run.program)
        if run.status != MatchRun.Status.DONE:
            raise Conflict(
                _("Only a finished run can be published; this one is %(status)s.")
                % {"status": run.get_status_display().lower()}
            )
        program = run.program
        proposals = list(run.proposals.select_related("mentee", "mentor").order_by("-pinned", "-score", "pk"))
        fresh = [p for p in proposals if p.mentorship_id is None]
        already = len(proposals) - len(fresh)
        if program.mentors_confirm_matches:
            return _publish_as_offers(run=run, program=program, fresh=fresh, already=already, actor=actor)
        result = mentorships_create(
            program=program,
            pairs=[Pair(p.mentor_id, p.mentee_id, score=p.score, explanation=p.explanation) for p in fresh],
            source=Mentorship.Source.MATCHING,
            actor=actor,
        )
        skipped = [reason for _pair, reason in result.skipped]
        by_pair = {(m.mentor_id, m.mentee_id): m for m in result.created}
        linked = []
        for p in fresh:
            m = by_pair.get((p.mentor_id, p.mentee_id))
            if m is not None:
                p.mentorship = m
                linked.append(p)
        MatchProposal.objects.bulk_update(linked, ["mentorship"], batch_size=BATCH)
        created = result.created
        if run.published_at is None:
            run.published_at = timezone.now()
            save_existing(run, update_fields=["published_at", "updated_at"], gone=RUN_GONE)
        Program.objects.filter(pk=program.pk, status__in=[Program.Status.ENROLLING, Program.Status.MATCHING]).update(
            status=Program.Status.ACTIVE
        )
    return PublishResult(created=len(created), already_published=already, skipped=skipped)


def _publish_as_offers(
    *, run: MatchRun, program: Program, fresh: list[MatchProposal], already: int, actor: User | None
) -> PublishResult:
    """Mentors confirm matches: each pair becomes an offer the mentor accepts or declines."""
    from matching.services.requests import offers_create

    offered, skipped = offers_create(program=program, proposals=fresh, actor=actor)
    if run.published_at is None:
        run.published_at = timezone.now()
        save_existing(run, update_fields=["published_at", "updated_at"], gone=RUN_GONE)
    Program.objects.filter(pk=program.pk, status__in=[Program.Status.ENROLLING, Program.Status.MATCHING]).update(
        status=Program.Status.ACTIVE
    )
    return PublishResult(created=0, already_published=already, skipped=skipped, offered=offered)
