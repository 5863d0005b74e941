"""The emails of the mentoring app, rendered through ``turazo.core.notifications``
(subject, text and HTML from ``templates/emails/<name>{_subject.txt,.txt,.html}``,
links absolute from SITE_URL). Tasks only send what these build."""

from __future__ import annotations

import zoneinfo

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Invitation
from turazo.core.notifications import absolute_url, notification_build


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name) if name else zoneinfo.ZoneInfo("UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def invitation_email(*, invitation: Invitation, token: str, connection=None) -> EmailMultiAlternatives:
    """The invitation email (plain text and HTML) for one claimed send attempt."""
    participant = invitation.participant
    program = participant.program
    zone = _zone(participant.timezone)
    return notification_build(
        template="invitation",
        context={
            "participant": participant,
            "program": program,
            "organization": invitation.organization,
            "role": participant.get_role_display().lower(),
            "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else None,
            "link": absolute_url(reverse("invitation-detail", args=[token])),
            "expires_at": timezone.localtime(invitation.expires_at, zone),
            "zone_name": str(zone),
        },
        to=participant.email,
        recipient=participant,
        connection=connection,
    )
