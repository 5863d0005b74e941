"""The emails of the matching app, rendered through ``turazo.core.notifications``
(subject, text and HTML from ``templates/emails/<name>{_subject.txt,.txt,.html}``,
links absolute from SITE_URL). Tasks only send what these build."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from matching.models import MatchProposal
from turazo.core.notifications import absolute_url, notification_build


def match_published_emails(proposal: MatchProposal, *, connection=None) -> list[EmailMultiAlternatives]:
    """One email to the mentee and one to the mentor, each naming the other and why."""
    program = proposal.run.program
    link = absolute_url(reverse("dashboard"))
    return [
        notification_build(
            template="match_published",
            context={
                "person": person,
                "other": other,
                "other_role": role,
                "program": program,
                "organization": program.organization,
                "explanation": proposal.explanation,
                "link": link,
            },
            to=person.user.email if person.user_id else person.email,
            recipient=person,
            connection=connection,
        )
        for person, other, role in (
            (proposal.mentee, proposal.mentor, "mentor"),
            (proposal.mentor, proposal.mentee, "mentee"),
        )
    ]
