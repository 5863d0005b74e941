"""Each mentorship's session activity (``PairActivity``), kept up to date in the transaction
that changes its sessions.

Every write to a session goes through ``Session.save()`` (booking, rescheduling, cancelling,
no-shows: the post_save receiver in ``scheduling.receivers`` refreshes the pair) or through one
of the two bulk completions, which refresh the pairs they touched. Sessions are deleted only
with their mentorship (whose row goes with them), so there is no delete receiver: one would
also turn every cascade into a query per session. ``pair_activity_refresh``
recomputes a pair's row from its sessions, so it is right whatever changed; the row is locked
first, so two transactions changing the same pair's sessions refresh one after the other and
the second sees the first's sessions (READ COMMITTED: each statement reads what is committed
when it starts). ``manage.py refresh_pair_activity`` rebuilds every row (after a bulk change
made outside the services)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from mentoring.models import Mentorship
from scheduling.models import PairActivity, Session

LIVE = (Session.Status.SCHEDULED, Session.Status.COMPLETED, Session.Status.NO_SHOW)
BATCH = 2000


def pair_activity_refresh(mentorship_ids: Iterable[int]) -> int:
    """Recompute the activity of these mentorships from their sessions; returns how many."""
    ids = sorted(set(mentorship_ids))  # one lock order for every caller: no deadlock
    for start in range(0, len(ids), BATCH):
        _refresh(ids[start : start + BATCH])
    return len(ids)


def _refresh(ids: list[int]) -> None:
    with transaction.atomic():
        pairs = dict(Mentorship.objects.filter(pk__in=ids).values_list("pk", "organization_id"))
        if not pairs:
            return
        PairActivity.objects.bulk_create(
            [PairActivity(mentorship_id=pk, organization_id=org) for pk, org in sorted(pairs.items())],
            ignore_conflicts=True,
        )
        rows = PairActivity.objects.filter(mentorship_id__in=pairs).order_by("mentorship_id")
        if connection.features.has_select_for_update:
            rows = rows.select_for_update()
        rows = list(rows)
        figures = {
            f["mentorship"]: f
            for f in Session.objects.filter(mentorship_id__in=pairs)
            .order_by()
            .values("mentorship")
            .annotate(
                held_count=Count("pk", filter=Q(status=Session.Status.COMPLETED)),
                last_held_start=Max("start", filter=Q(status=Session.Status.COMPLETED)),
                last_booked_at=Max("created_at", filter=Q(status__in=LIVE)),
                upcoming_until=Max("end", filter=Q(status=Session.Status.SCHEDULED)),
            )
        }
        now = timezone.now()
        for row in rows:
            f = figures.get(row.mentorship_id, {})
            row.updated_at = now
            row.held_count = f.get("held_count", 0)
            row.last_held_start = f.get("last_held_start")
            row.last_booked_at = f.get("last_booked_at")
            row.upcoming_until = f.get("upcoming_until")
        PairActivity.objects.bulk_update(
            rows, ["held_count", "last_held_start", "last_booked_at", "upcoming_until", "updated_at"]
        )


def pair_activity_rebuild() -> int:
    """Every mentorship's row, recomputed (the repair command and the data migration)."""
    return pair_activity_refresh(Mentorship.objects.values_list("pk", flat=True))


def sessions_complete_due(*, now: datetime | None = None, among: Iterable[int] | None = None) -> int:
    """Mark scheduled sessions whose end has passed (all of them, or those of ``among``) as
    completed, and refresh their pairs. Safe to run any time, from the sweep or the reminder
    dispatcher."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Session.objects.filter(status=Session.Status.SCHEDULED, end__lte=now)
        if among is not None:
            due = due.filter(pk__in=list(among))
        # Locked first, so the pairs refreshed are exactly those of the sessions completed.
        touched = dict(due.select_for_update().values_list("pk", "mentorship_id"))
        if not touched:
            return 0
        done = Session.objects.filter(pk__in=touched, status=Session.Status.SCHEDULED).update(
            status=Session.Status.COMPLETED, completed_at=now, updated_at=now
        )
        pair_activity_refresh(touched.values())
    return done
