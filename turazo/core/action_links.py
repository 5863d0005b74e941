"""Email action links: one mechanism for every "do this from the email" button.

Mail scanners open every link in an email, so a link never acts on GET: it shows a
confirmation page, and only a POST from that page acts. Each link is

* **random**: 32 bytes from ``secrets``; only its SHA-256 is stored (``ActionLink``);
* **for one purpose and one object**: ``purpose`` names the handler, ``target`` the row;
* **for one person**: the handler acts as ``recipient`` (the person the email went to);
* **expiring** at ``expires_at``;
* **single-use**: the POST that acts records ``used_at`` and an ``outcome`` sentence in
  the same transaction as the action, under a row lock, so two clicks never both act and
  the second one reads what already happened ("You cancelled this session on ...").

Every link lives under one URL, ``/links/<token>/`` (the route parameter is named
``token``, so the log redaction hides it). An app adds a kind of link by registering an
``ActionHandler`` subclass for its purpose (usually in ``AppConfig.ready``)::

    @register
    class SessionCancel(ActionHandler):
        purpose = "session.cancel"
        template_name = "scheduling/links/cancel.html"
        def get_target_queryset(self): return Session.objects.select_related(...)
        def get_context(self, request, link, target): ...   # what the confirmation page shows
        def closed_message(self, link, target): ...   # the object moved on: say how
        def perform(self, request, link, target) -> str: ...   # act; return the outcome

and issues links with ``action_link_issue(purpose=..., target=..., recipient=..., expires_at=...)``
(or several at once with ``action_links_issue``),
putting ``action_link_url(token)`` into the email.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from turazo.core.errors import DomainError
from turazo.core.models import ActionLink, lock_existing
from turazo.core.tenancy import tenant_exempt

MAX_TOKEN_LENGTH = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    """A new link: ``token`` goes into the email (and nowhere else); ``url`` is absolute."""

    link: ActionLink
    token: str

    @property
    def url(self) -> str:
        return action_link_url(self.token)


def action_link_url(token: str) -> str:
    return settings.SITE_URL + reverse("action-link", args=[token])


def action_link_issue(*, purpose: str, target: models.Model, recipient: Any | None, expires_at: datetime) -> IssuedLink:
    """Create a link for ``recipient`` to act on ``target``; the raw token is only returned."""
    return action_links_issue(purposes=[purpose], target=target, recipient=recipient, expires_at=expires_at)[0]


def action_links_issue(
    *, purposes: list[str], target: models.Model, recipient: Any | None, expires_at: datetime
) -> list[IssuedLink]:
    """One link per purpose for the same target and recipient, in one INSERT (an email with
    several buttons)."""
    for purpose in purposes:
        if purpose not in _HANDLERS:
            raise ValueError(f"No action handler is registered for purpose {purpose!r}.")
    target_type = ContentType.objects.get_for_model(target)
    tokens = [secrets.token_urlsafe(32) for _ in purposes]
    links = ActionLink.objects.bulk_create(
        ActionLink(
            token_hash=token_hash(token),
            purpose=purpose,
            target_type=target_type,
            target_id=target.pk,
            recipient=recipient,
            expires_at=expires_at,
        )
        for purpose, token in zip(purposes, tokens, strict=True)
    )
    return [IssuedLink(link=link, token=token) for link, token in zip(links, tokens, strict=True)]


def action_link_find(*, token: str) -> ActionLink | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return ActionLink.objects.select_related("recipient").filter(token_hash=token_hash(token)).first()


def action_links_expire_for(*, target: models.Model, purposes: list[str] | None = None) -> int:
    """End the unused links to ``target`` now (e.g. a row that was deleted or closed)."""
    qs = ActionLink.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk, used_at__isnull=True
    )
    if purposes:
        qs = qs.filter(purpose__in=purposes)
    return qs.update(expires_at=timezone.now())


#: How long a link is kept after it expired, so a late second click still says what happened.
KEEP_AFTER_EXPIRY = timedelta(days=90)


def action_links_purge(*, now: datetime | None = None) -> int:
    """Delete links that expired more than KEEP_AFTER_EXPIRY ago (a periodic task)."""
    return ActionLink.objects.filter(expires_at__lt=(now or timezone.now()) - KEEP_AFTER_EXPIRY).delete()[0]


# --- Handlers ------------------------------------------------------------------------------


class ActionHandler:
    """What one kind of link does. Subclasses set ``purpose`` and ``template_name`` and
    implement ``get_target_queryset`` and ``perform``; the view does the rest."""

    purpose: ClassVar[str]
    #: The confirmation page. The default needs ``heading``, ``summary``, ``button_label``
    #: (and optionally ``details``, ``danger``) from ``get_context``.
    template_name: ClassVar[str] = "core/action_links/confirm.html"
    #: Shown as the page title on the "no longer open" page.
    closed_title: ClassVar[str] = gettext_lazy("This link is no longer open")

    def get_target_queryset(self) -> models.QuerySet:
        raise NotImplementedError

    def closed_message(self, link: ActionLink, target: models.Model) -> str | None:
        """A sentence when the target moved on and the action no longer applies (the
        session was cancelled from the app, the request withdrawn...), else None."""
        return None

    def get_context(self, request: HttpRequest, link: ActionLink, target: models.Model) -> dict[str, Any]:
        return {}

    def perform(self, request: HttpRequest, link: ActionLink, target: models.Model) -> str:
        """Act as ``link.recipient`` and return the outcome sentence ("You cancelled ...").

        Runs inside a transaction with the link row locked; raise a ``DomainError`` to
        refuse (nothing is saved, the link stays usable, the page shows the message)."""
        raise NotImplementedError

    def done_context(self, request: HttpRequest, link: ActionLink, target: models.Model) -> dict[str, Any]:
        """Extra context for the page after a successful POST."""
        return {}


_HANDLERS: dict[str, ActionHandler] = {}


def register(handler_class: type[ActionHandler]) -> type[ActionHandler]:
    """Class decorator: make ``handler_class`` act on links of its ``purpose``."""
    _HANDLERS[handler_class.purpose] = handler_class()
    return handler_class


def handler_for(purpose: str) -> ActionHandler | None:
    return _HANDLERS.get(purpose)


# --- The page -------------------------------------------------------------------------------


def _closed(request: HttpRequest, message: str, *, title: str, status: int, link: ActionLink | None = None):
    context = {"title": title, "message": message, "link": link}
    return render(request, "core/action_links/closed.html", context, status=status)


def used_message(link: ActionLink) -> str:
    return _("This link was already used: %(outcome)s") % {"outcome": link.outcome}


@tenant_exempt("token-authorized email action link: acts only on the object the link was issued for")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def action_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET/HEAD show the confirmation page and change nothing; POST acts once."""
    link = action_link_find(token=token)
    handler = handler_for(link.purpose) if link else None
    if link is None or handler is None:
        return _closed(
            request,
            _(
                "This link is not valid. Check that you copied the whole link from the email, "
                "or open Turazo and do it from there."
            ),
            title=_("Link not found"),
            status=404,
        )
    target = handler.get_target_queryset().filter(pk=link.target_id).first()
    if target is None:
        return _closed(request, _("What this link was for no longer exists."), title=handler.closed_title, status=410)
    if link.is_used:
        return _closed(request, used_message(link), title=handler.closed_title, status=410, link=link)
    moot = handler.closed_message(link, target)
    if moot:
        return _closed(request, moot, title=handler.closed_title, status=410, link=link)
    if link.is_expired:
        expired = timezone.localtime(link.expires_at)  # in the viewer's language and zone, zone named
        when = f"{date_format(expired, 'DATETIME_FORMAT')} {expired.tzname()}"
        return _closed(
            request,
            _("This link expired on %(when)s. Open Turazo to do it from there.") % {"when": when},
            title=handler.closed_title,
            status=410,
            link=link,
        )

    error: DomainError | None = None
    if request.method == "POST":
        try:
            with transaction.atomic():
                locked = lock_existing(ActionLink, pk=link.pk, gone=_("This link no longer exists."))
                if locked.is_used:  # another click won the race
                    return _closed(request, used_message(locked), title=handler.closed_title, status=410, link=locked)
                outcome = handler.perform(request, locked, target)
                locked.used_at, locked.outcome = timezone.now(), outcome[:300]
                ActionLink.objects.filter(pk=locked.pk).update(used_at=locked.used_at, outcome=locked.outcome)
        except DomainError as e:
            error = e
        else:
            context = {"title": _("Done"), "message": outcome, "link": locked, "target": target}
            context.update(handler.done_context(request, locked, target))
            return render(request, "core/action_links/done.html", context)

    context = {"link": link, "target": target, "token": token, "error": error}
    context.update(handler.get_context(request, link, target))
    status = error.status_code if error else 200
    return render(request, handler.template_name, context, status=status)
