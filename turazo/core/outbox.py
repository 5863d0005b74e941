"""Embedded-default email: every message is written to OUTBOX_DIR as an .eml file,
and a DEBUG-only page lists them with clickable links, so a newcomer can follow
invitation and verification emails without a mail server.

The page shows every link of every email (invitation tokens, password resets), so it
answers only requests from this machine, or a signed-in superuser: ``make run
ADDR=0.0.0.0:8000`` must not hand the whole LAN everyone's links.
"""

from __future__ import annotations

import email
import email.policy
import ipaddress
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from turazo.core.tenancy import tenant_exempt


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        outbox = Path(settings.OUTBOX_DIR)
        outbox.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            (outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)


@dataclass
class OutboxMessage:
    id: str
    subject: str
    to: str
    sent_at: datetime
    text: str
    html: str
    attachments: tuple[str, ...] = ()

    @property
    def text_with_links(self) -> SafeString:
        return mark_safe(_URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escape(self.text)))


_URL = re.compile(r"https?://[^\s<>\"']+")
_ID = re.compile(r"^[0-9T]+-[0-9a-f]{8}$")


def _read(path: Path) -> OutboxMessage:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    stamp = path.stem.split("-")[0]
    parts = []
    for part in msg.walk():
        if part.get_filename():
            parts.append(f"{part.get_filename()} ({part.get_content_type()})")
        elif part.get_content_type() == "text/calendar":
            parts.append(
                _("calendar invitation (text/calendar; method=%(method)s)")
                % {"method": part.get_param("method") or "-"}
            )
    return OutboxMessage(
        id=path.stem,
        subject=str(msg["Subject"] or ""),
        to=str(msg["To"] or ""),
        sent_at=datetime.strptime(stamp, "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC),
        text=text.get_content() if text else "",
        html=html.get_content() if html else "",
        attachments=tuple(parts),
    )


def read_outbox(limit: int = 200) -> list[OutboxMessage]:
    outbox = Path(settings.OUTBOX_DIR)
    if not outbox.exists():
        return []
    return [_read(p) for p in sorted(outbox.glob("*.eml"), reverse=True)[:limit]]


def _from_this_machine(request: HttpRequest) -> bool:
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def outbox_allowed(request: HttpRequest) -> bool:
    """The outbox is on (DEBUG, outbox backend) and this request may read it."""
    return settings.OUTBOX_ENABLED and (_from_this_machine(request) or request.user.is_superuser)


@tenant_exempt("DEBUG-only developer outbox; lists emails this install sent")
def outbox_view(request: HttpRequest, message_id: str | None = None) -> HttpResponse:
    if not settings.OUTBOX_ENABLED:
        raise Http404("The outbox is only available in the embedded default (DEBUG).")
    if not outbox_allowed(request):
        return render(request, "core/outbox_forbidden.html", status=403)
    messages = read_outbox()
    selected = None
    if message_id:
        if not _ID.match(message_id) or not (Path(settings.OUTBOX_DIR) / f"{message_id}.eml").exists():
            raise Http404("No such email.")
        selected = _read(Path(settings.OUTBOX_DIR) / f"{message_id}.eml")
    elif messages:
        selected = messages[0]
    return render(request, "core/outbox.html", {"emails": messages, "selected": selected})
