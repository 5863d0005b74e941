"""Accept and decline a mentorship request (or offer) from the mentor's email.

The links act as the mentor the email went to, until the request expires. Opening one
shows the request and a confirmation button (decline also asks for an optional reason);
only the POST from that page acts, once. A click after the request moved on says what
happened ("You accepted Priya's request on 3 Dec").
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.models import MentorshipRequest
from matching.request_emails import ACCEPT, DECLINE
from matching.services.requests import request_accept, request_closed_sentence, request_decline
from turazo.core.action_links import ActionHandler, register
from turazo.core.models import ActionLink


class _RequestLink(ActionHandler):
    closed_title = gettext_lazy("This request is no longer open")

    def get_target_queryset(self):
        return MentorshipRequest.objects.select_related("program", "organization", "mentee", "mentor", "answered_by")

    def closed_message(self, link: ActionLink, req: MentorshipRequest) -> str | None:
        if req.mentor.user_id != link.recipient_id:
            return _("This link is not valid for this request any more.")
        if req.status != MentorshipRequest.Status.PENDING:
            return request_closed_sentence(req, viewer=link.recipient)
        return None

    def get_context(self, request: HttpRequest, link: ActionLink, req: MentorshipRequest) -> dict:
        return {"req": req, "mode": self.mode}

    def done_context(self, request: HttpRequest, link: ActionLink, req: MentorshipRequest) -> dict:
        return {"follow_up": self.follow_up(req)}

    def follow_up(self, req: MentorshipRequest) -> str:
        return ""


@register
class RequestAcceptLink(_RequestLink):
    purpose = ACCEPT
    template_name = "matching/links/request_answer.html"
    mode = "accept"

    def perform(self, request: HttpRequest, link: ActionLink, req: MentorshipRequest) -> str:
        req = request_accept(request=req, actor=link.recipient)
        return request_closed_sentence(req, viewer=link.recipient)

    def follow_up(self, req: MentorshipRequest) -> str:
        return _("%(name)s has been told. Sign in to see your mentees and plan your first session.") % {
            "name": req.mentee.display_name
        }


@register
class RequestDeclineLink(_RequestLink):
    purpose = DECLINE
    template_name = "matching/links/request_answer.html"
    mode = "decline"

    def perform(self, request: HttpRequest, link: ActionLink, req: MentorshipRequest) -> str:
        reason = request.POST.get("reason", "")[: MentorshipRequest.REASON_MAX + 1]
        req = request_decline(request=req, actor=link.recipient, reason=reason)
        return request_closed_sentence(req, viewer=link.recipient)

    def follow_up(self, req: MentorshipRequest) -> str:
        if req.kind == MentorshipRequest.Kind.OFFER:
            return _("The HR team sees your answer and will find %(name)s another mentor.") % {
                "name": req.mentee.display_name
            }
        return _("%(name)s has been told and pointed to other mentors with a free place.") % {
            "name": req.mentee.display_name
        }
