"""The emails about one mentorship request or offer (see matching/services/requests.py).

* to the mentor, when it opens and once as a reminder: the mentee's summary, the score and
  reasons, the message, and Accept / Decline action links (turazo/core/action_links.py)
  that expire with the request;
* to the mentee, when it is accepted, declined (by the mentor or because the mentor became
  full) or expired, with a way to suggest another mentor;
* to the mentor, when it is withdrawn (by the mentee, or because another mentor accepted).

Offers tell only the mentor: the mentee hears of the match when it starts.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import MentorshipRequest
from matching.services.requests import (
    EV_ACCEPTED,
    EV_CREATED,
    EV_DECLINED,
    EV_EXPIRED,
    EV_REMINDER,
    EV_WITHDRAWN,
)
from turazo.core.action_links import action_links_issue
from turazo.core.notifications import absolute_url, notification_build

ACCEPT, DECLINE = "request.accept", "request.decline"
Kind, Status = MentorshipRequest.Kind, MentorshipRequest.Status


def _address(participant) -> str:
    return participant.user.email if participant.user_id else participant.email


def _zone(participant) -> ZoneInfo:
    try:
        return ZoneInfo(participant.timezone or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def request_message(req: MentorshipRequest, event: str, *, connection=None) -> EmailMultiAlternatives | None:
    """The email one event of ``req`` sends, or None when nobody is to be told (the request
    moved on before the job ran, an offer's mentee, or an acceptance: the introduction says it)."""
    offer = req.kind == Kind.OFFER
    if event in (EV_CREATED, EV_REMINDER):
        if req.status != Status.PENDING:
            return None  # answered or closed before the email went out: nothing to ask
        person, template = req.mentor, "matching/request_new"
    elif event == EV_WITHDRAWN:
        person, template = req.mentor, "matching/request_withdrawn"
    elif event in (EV_ACCEPTED, EV_DECLINED, EV_EXPIRED):
        if offer or req.status == Status.ACCEPTED:
            # An offer's mentee never knew of it; an accepted request's mentee hears it in the
            # mentorship's introduction ("… accepted your request"), one email, not two.
            return None
        person, template = req.mentee, "matching/request_answered"
    else:
        raise ValueError(f"unknown request event {event!r}")
    zone = _zone(person)
    context = {
        "req": req,
        "mentor": req.mentor,
        "mentee": req.mentee,
        "program": req.program,
        "organization": req.organization,
        "person": person,
        "reminder": event == EV_REMINDER,
        "expires_day": date_format(timezone.localtime(req.expires_at, zone), "DATETIME_FORMAT"),
        "inbox_url": absolute_url(reverse("requests-inbox")),
        "suggestions_url": absolute_url(reverse("my-suggestions")),
        "home_url": absolute_url(reverse("dashboard")),
    }
    if template == "matching/request_new" and req.mentor.user_id:
        accept, decline = action_links_issue(
            purposes=[ACCEPT, DECLINE], target=req, recipient=req.mentor.user, expires_at=req.expires_at
        )
        context["accept_url"], context["decline_url"] = accept.url, decline.url
    with timezone.override(zone):
        return notification_build(
            template=template,
            context=context,
            to=_address(person),
            recipient=person,
            connection=connection,
            headers={"X-Turazo-Request": f"{req.pk}/{event}"},
        )
