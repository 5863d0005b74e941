"""Reschedule and cancel from the email (action links, see turazo/core/action_links.py).

The links act as the person the email was sent to, until the session starts. Opening one
shows a page (a slot picker, or the cancellation to confirm); only the POST from that page
changes anything, once.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scheduling.emails import CANCEL, RESCHEDULE
from scheduling.forms import RescheduleForm
from scheduling.models import Session
from scheduling.selectors import SESSION_JOINS
from scheduling.services.availability import participant_zone
from scheduling.services.sessions import MAX_NOTE, session_cancel, session_reschedule
from scheduling.views.picker import picker_context
from scheduling.week import human, parse_start, viewer_zone
from turazo.core.action_links import ActionHandler, register
from turazo.core.errors import ValidationFailed
from turazo.core.models import ActionLink


def when(session: Session, zone: str) -> str:
    return f"{human(session.start, zone)} ({zone})"


class _SessionLink(ActionHandler):
    closed_title = gettext_lazy("This session can no longer be changed from this link")

    def get_target_queryset(self):
        return Session.objects.select_related(*SESSION_JOINS)

    def closed_message(self, link: ActionLink, session: Session) -> str | None:
        if session.role_of(link.recipient) is None:
            return _("This link is not valid for this session any more.")
        if session.status == Session.Status.CANCELLED:
            zone = self._zone(link, session)
            when_cancelled = timezone.localtime(session.cancelled_at, ZoneInfo(zone))
            values = {"when": human(when_cancelled), "zone": zone}
            if session.cancelled_by is None:
                return _("This session was already cancelled on %(when)s (%(zone)s).") % values
            if session.cancelled_by.pk == link.recipient_id:
                return _("This session was already cancelled by you on %(when)s (%(zone)s).") % values
            return _("This session was already cancelled by %(name)s on %(when)s (%(zone)s).") % {
                **values,
                "name": session.cancelled_by.get_full_name(),
            }
        if session.status != Session.Status.SCHEDULED or session.has_started():
            return _("This session has already started, so it can no longer be rescheduled or cancelled.")
        return None

    def _zone(self, link: ActionLink, session: Session) -> str:
        me = session.mentor if session.role_of(link.recipient) == "mentor" else session.mentee
        return participant_zone(me)

    def base_context(self, link: ActionLink, session: Session) -> dict:
        role = session.role_of(link.recipient)
        me, other = (session.mentor, session.mentee) if role == "mentor" else (session.mentee, session.mentor)
        return {"session": session, "me": me, "other": other, "role": role, "other_zone": participant_zone(other)}


@register
class SessionRescheduleLink(_SessionLink):
    purpose = RESCHEDULE
    template_name = "scheduling/links/reschedule.html"

    def get_context(self, request: HttpRequest, link: ActionLink, session: Session) -> dict:
        context = self.base_context(link, session)
        context.update(
            picker_context(
                request,
                mentorship=session.mentorship,
                other=context["other"],
                exclude_session=session,
                action_url=request.path,
            )
        )
        context["form"] = RescheduleForm(request.POST or None)
        context["mode"] = "reschedule"
        return context

    def perform(self, request: HttpRequest, link: ActionLink, session: Session) -> str:
        start = parse_start(request.POST.get("start"))
        if start is None:
            raise ValidationFailed(_("Pick one of the free times first."), fields={"start": [_("Pick a time.")]})
        note = request.POST.get("note", "")[: MAX_NOTE + 1]
        session = session_reschedule(session=session, start=start, actor=link.recipient, note=note)
        zone = viewer_zone(request)
        other = session.mentee if session.role_of(link.recipient) == "mentor" else session.mentor
        return _("You moved your session with %(name)s to %(when)s. %(name)s gets an updated calendar invite.") % {
            "name": other.display_name,
            "when": when(session, zone),
        }


@register
class SessionCancelLink(_SessionLink):
    purpose = CANCEL
    template_name = "scheduling/links/cancel.html"

    def get_context(self, request: HttpRequest, link: ActionLink, session: Session) -> dict:
        context = self.base_context(link, session)
        context["zone"] = viewer_zone(request)
        return context

    def perform(self, request: HttpRequest, link: ActionLink, session: Session) -> str:
        reason = request.POST.get("reason", "")[: MAX_NOTE + 1]
        session = session_cancel(session=session, actor=link.recipient, reason=reason)
        zone = viewer_zone(request)
        other = session.mentee if session.role_of(link.recipient) == "mentor" else session.mentor
        if session.late_cancellation:
            cancelled = _(
                "You cancelled your session with %(name)s on %(when)s. %(name)s has been told. It was inside the "
                "program's notice period, so it is marked as a late cancellation."
            )
        else:
            cancelled = _("You cancelled your session with %(name)s on %(when)s. %(name)s has been told.")
        return cancelled % {"name": other.display_name, "when": when(session, zone)}
