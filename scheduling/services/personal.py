"""A person's own session settings in one organization: the calendar feed and which emails they want.

The calendar feed
-----------------
A secret URL (``/calendar/<token>.ics``) that calendar apps poll without signing in. Only
the token's SHA-256 is stored, so the URL is shown once, when it is made; regenerating
replaces the hash (the old URL then answers 404) and revoking deletes it. The feed holds
only that person's sessions in that organization; cancelled ones are left out, so
calendar apps remove them.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling import ics
from scheduling.models import CalendarFeed, NotificationPreference, Session

MAX_TOKEN_LENGTH = 100


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, user, organization) -> str:
    """A new feed URL token for ``user`` (replacing any earlier one); returned only here."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        organization=organization, user=user, defaults={"token_hash": _hash(token), "last_fetched_at": None}
    )
    return token


def calendar_feed_revoke(*, user, organization) -> bool:
    return CalendarFeed.objects.filter(organization=organization, user=user).delete()[0] > 0


def calendar_feed_find(*, token: str) -> CalendarFeed | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return CalendarFeed.objects.select_related("user", "organization").filter(token_hash=_hash(token)).first()


@dataclass(frozen=True)
class FeedBody:
    body: bytes
    etag: str
    last_modified: datetime


def calendar_feed_render(*, feed: CalendarFeed) -> FeedBody:
    """The feed's .ics, its ETag (a hash of the body) and Last-Modified (the latest change
    to any of the person's sessions, cancelled ones included, or when the feed was made)."""
    from scheduling.emails import session_event

    sessions = (
        Session.objects.for_organization(feed.organization)
        .involving(feed.user)
        .select_related("organization", "program", "mentor__user", "mentee__user")
        .order_by("start", "pk")
    )
    changed = sessions.aggregate(latest=Max("updated_at"))["latest"]
    last_modified = max(filter(None, [changed, feed.updated_at]))
    events = [session_event(s) for s in sessions if s.status != Session.Status.CANCELLED]
    body = ics.feed(
        events,
        name=_("Mentoring sessions · %(organization)s") % {"organization": feed.organization.name},
        description=_("Your Turazo mentoring sessions. Private: anyone with this link can see them."),
        stamp=last_modified,
    )
    return FeedBody(body=body, etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"', last_modified=last_modified)


def calendar_feed_touch(*, feed: CalendarFeed) -> None:
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())


def notification_preference_for(*, user, organization) -> NotificationPreference:
    pref = NotificationPreference.objects.filter(organization=organization, user=user).first()
    return pref or NotificationPreference(organization=organization, user=user)


def notification_preference_update(
    *, user, organization, remind_24h: bool, remind_1h: bool, feedback_requests: bool
) -> NotificationPreference:
    pref, _ = NotificationPreference.objects.update_or_create(
        organization=organization,
        user=user,
        defaults={"remind_24h": remind_24h, "remind_1h": remind_1h, "feedback_requests": feedback_requests},
    )
    return pref
