"""One way to render and send an email: subject, plain text and HTML from templates, with
absolute links, optionally a calendar invitation.

For a template name ``scheduling/session_booked`` the service renders

* ``emails/scheduling/session_booked_subject.txt`` (folded onto one line),
* ``emails/scheduling/session_booked.txt`` (the plain-text body, always sent),
* ``emails/scheduling/session_booked.html`` (the HTML alternative, usually extending
  ``emails/base.html``),

with the caller's context plus ``site_url`` and ``recipient``. Links in templates are
made absolute with ``absolute_url()`` (or ``{{ site_url }}{% url ... %}``) from
``settings.SITE_URL``.

A ``CalendarPart`` adds an iTIP message the way calendar apps expect it (RFC 6047): a
``text/calendar; method=REQUEST`` (or CANCEL) alternative next to the text and HTML, so
Gmail, Outlook and Apple Mail show "add to calendar" / update the existing entry, and the
same bytes as an ``.ics`` attachment for clients that only look at attachments.

Senders build messages with ``notification_build`` and send them with their own
connection (so a batch reuses one SMTP connection), or call ``notification_send``.

Emails are written in the install's language (``settings.LANGUAGE_CODE``), whoever's
request or worker sends them: people have no language preference yet, and an email to a
mentor should not switch language with the browser of the admin who paired them. A
per-person language would be activated here (docs/translating.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.mime.text import MIMEText
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEText
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation

from turazo.core.mail import subject_line

CALENDAR_METHODS = ("REQUEST", "CANCEL", "PUBLISH")


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse``) as a link that works from an email."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + (path if path.startswith("/") else "/" + path)


@dataclass(frozen=True)
class CalendarPart:
    """An iCalendar object (bytes from scheduling/ics.py) sent with ``method``."""

    method: str
    content: bytes
    filename: str = "invite.ics"

    def __post_init__(self) -> None:
        if self.method not in CALENDAR_METHODS:
            raise ValueError(f"Calendar method must be one of {', '.join(CALENDAR_METHODS)}, got {self.method!r}.")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


class _NotificationEmail(EmailMultiAlternatives):
    """An EmailMultiAlternatives whose alternatives may carry MIME parameters
    (``text/calendar; method=REQUEST``), which Django's own class cannot write."""

    def _create_mime_attachment(self, content, mimetype):
        base, _, params = mimetype.partition(";")
        if not params:
            return super()._create_mime_attachment(content, mimetype)
        maintype, subtype = base.strip().split("/", 1)
        if isinstance(content, bytes):
            content = content.decode()
        part: MIMEText = SafeMIMEText(content, subtype, "utf-8")
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name and name.lower() != "charset":
                part.set_param(name, value)
        return part


def _render_plain(name: str, context: Mapping[str, Any]) -> str:
    """A text template without HTML escaping: a name like "O'Brien" stays as typed."""
    return get_template(name).template.render(Context(dict(context), autoescape=False))


def notification_render(*, template: str, context: Mapping[str, Any], recipient: Any = None) -> Rendered:
    """The subject, text and HTML of ``template`` (see the module docstring)."""
    ctx = {"site_url": settings.SITE_URL, "recipient": recipient, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = subject_line(_render_plain(f"emails/{template}_subject.txt", ctx))
        text = _render_plain(f"emails/{template}.txt", ctx)
        try:
            html = render_to_string(f"emails/{template}.html", ctx)
        except TemplateDoesNotExist:
            html = ""
    return Rendered(subject=subject, text=text, html=html)


def notification_build(
    *,
    template: str,
    context: Mapping[str, Any],
    to: str | Sequence[str],
    recipient: Any = None,
    calendar: CalendarPart | None = None,
    headers: Mapping[str, str] | None = None,
    connection: Any = None,
) -> EmailMultiAlternatives:
    """An email ready to ``send()``: text body, HTML alternative, optional calendar part."""
    rendered = notification_render(template=template, context=context, recipient=recipient)
    message = _NotificationEmail(
        subject=rendered.subject,
        body=rendered.text,
        to=[to] if isinstance(to, str) else list(to),
        headers=dict(headers or {}),
        connection=connection,
    )
    if rendered.html:
        message.attach_alternative(rendered.html, "text/html")
    if calendar is not None:
        message.attach_alternative(calendar.content, f"text/calendar; method={calendar.method}")
        message.attach(calendar.filename, calendar.content, "application/ics")
    return message


def notification_send(**kwargs: Any) -> int:
    """Build (see ``notification_build``) and send one email; returns 1 when sent."""
    return notification_build(**kwargs).send()
