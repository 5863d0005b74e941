"""Turazo's UI components as template tags: ``{% load ui %}``.

Each tag renders one template under ``templates/components/`` so the markup lives in one
place; docs/design.md shows them all and ``/dev/styleguide/`` renders them (DEBUG only).

* ``{% avatar person size="md" %}``: initials on a stable colour, or the photo when there is one.
* ``{% person person meta=... href=... size=... %}``: avatar, name first, then title or email.
* ``{% person_card person role_label=... note=... href=... actions=... %}``: the larger card
  for homes (your mentor, your mentees); ``actions`` names a template included in the footer.
* ``{% status_badge kind status label %}``: the one tone and icon a status has across the app.
* ``{% role_tag role label %}``: mentor, mentee or admin, as a neutral tag.
* ``{% empty_state icon title body action_url=... action_label=... %}``
* ``{% stat_tile value label icon=... tone=... href=... id=... %}``
* ``{% next_step title body url label icon=... %}``: the one call to action of a page.
* ``{% icon "name" label=... %}``: a Bootstrap icon, hidden from screen readers unless labelled.
* ``{% screenshot "name" alt lazy=True %}``: a product screenshot from ``static/img/product/``
  (bin/screenshots makes them): light and dark, 1x and 2x, with its real width and height.
* ``{{ value|pct_class }}``: ``pct-N`` width class for a 0–100 value (progress bars, charts).
* ``{% daterange start end %}`` and ``{{ moment|when }}``: dates and times in the shared formats.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django import template
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

register = template.Library()

AVATAR_COLOURS = 8

# One meaning per tone, the same on every page. Tones (see turazo.css, "Status badges"):
#   neutral   not started yet (draft, not sent, queued)
#   progress  under way, waiting on someone else (enrolling, sent, running)
#   attention needs a person to act (matches to review, an expired invitation, a preview to confirm)
#   success   done and good (active, accepted, done, published)
#   danger    went wrong (failed)
#   ended     over, by choice or by time (closed, declined, revoked, removed, cancelled, ended)
#   brand     a mark an admin put on purpose (published, pinned)
STATUS_TONES: dict[str, dict[str, tuple[str, str]]] = {
    "program": {
        "draft": ("neutral", "pencil"),
        "enrolling": ("progress", "person-plus"),
        "matching": ("attention", "diagram-3"),
        "active": ("success", "check-circle"),
        "closed": ("ended", "archive"),
    },
    "participant": {
        "invited": ("progress", "envelope"),
        "active": ("success", "check-circle"),
        "declined": ("ended", "x-circle"),
        "removed": ("ended", "dash-circle"),
    },
    # A participant's invitation status (Participant.InvitationStatus); "accepted" is an
    # invitation's own status (the invitation API's word for a joined participant's link).
    "invitation": {
        "not_invited": ("neutral", "envelope-dash"),
        "pending": ("neutral", "hourglass-split"),
        "sent": ("progress", "send"),
        "failed": ("danger", "exclamation-triangle"),
        "accepted": ("success", "check-circle"),
        "declined": ("ended", "x-circle"),
        "expired": ("attention", "clock-history"),
        "revoked": ("ended", "slash-circle"),
        "joined": ("success", "check-circle"),
        "removed": ("ended", "dash-circle"),
    },
    "import": {
        "checking": ("progress", "hourglass-split"),
        "previewed": ("attention", "eye"),
        "queued": ("neutral", "hourglass-split"),
        "running": ("progress", "arrow-repeat"),
        "done": ("success", "check-circle"),
        "failed": ("danger", "exclamation-triangle"),
    },
    "run": {
        "queued": ("neutral", "hourglass-split"),
        "running": ("progress", "arrow-repeat"),
        "done": ("success", "check-circle"),
        "failed": ("danger", "exclamation-triangle"),
        "cancelled": ("ended", "slash-circle"),
        "published": ("brand", "megaphone"),
        "pinned": ("brand", "pin-angle"),
        "forbidden": ("ended", "slash-circle"),
    },
    "request": {
        "pending": ("progress", "hourglass-split"),
        "accepted": ("success", "check-circle"),
        "declined": ("ended", "x-circle"),
        "expired": ("attention", "clock-history"),
        "withdrawn": ("ended", "arrow-counterclockwise"),
        "cancelled": ("ended", "slash-circle"),
    },
    "mentorship": {
        "active": ("success", "people"),
        "ended": ("ended", "archive"),
    },
    "session": {
        "scheduled": ("progress", "calendar-event"),
        "completed": ("success", "check-circle"),
        "cancelled": ("ended", "x-circle"),
        "no_show": ("attention", "person-x"),
    },
    "goal": {
        "open": ("neutral", "circle"),
        "in_progress": ("progress", "arrow-right-circle"),
        "done": ("success", "check-circle"),
    },
    "profile": {
        "complete": ("success", "check-circle"),
        "partial": ("attention", "pencil"),
        "empty": ("neutral", "circle"),
        "required": ("attention", "asterisk"),
    },
}


def _display_name(person: Any) -> str:
    for attr in ("display_name", "full_name"):
        value = getattr(person, attr, "")
        if value:
            return str(value)
    if hasattr(person, "get_full_name"):
        return person.get_full_name()
    return str(person or "")


def _email(person: Any) -> str:
    return str(getattr(person, "email", "") or "")


def initials(name: str) -> str:
    """Up to two letters: first and last word of a name; the start of an email's local part."""
    name = name.strip()
    if "@" in name and " " not in name:
        name = name.split("@", 1)[0].replace(".", " ").replace("_", " ").replace("-", " ")
    words = [w for w in name.split() if w[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:1].upper()
    return (words[0][:1] + words[-1][:1]).upper()


def avatar_colour(key: str) -> int:
    """A stable colour index for a person: the same email gets the same colour on every page."""
    digest = hashlib.sha256(key.strip().lower().encode()).digest()
    return digest[0] % AVATAR_COLOURS


def _avatar_context(person: Any, size: str = "md") -> dict:
    name = _display_name(person)
    photo = getattr(person, "photo_url", "") or ""
    return {
        "initials": initials(name),
        "colour": avatar_colour(_email(person) or name),
        "size": size,
        "photo": photo,
        "name": name,
    }


@register.inclusion_tag("components/avatar.html")
def avatar(person: Any, size: str = "md") -> dict:
    return _avatar_context(person, size)


@register.inclusion_tag("components/person.html")
def person(person: Any, meta: str | None = None, href: str = "", size: str = "md", show_email: bool = True) -> dict:
    """A person in a list or table: the name first, then the job title and/or the email."""
    name = _display_name(person)
    email = _email(person)
    if meta is None:
        parts = [str(getattr(person, "job_title", "") or "")]
        if show_email and email and email != name:
            parts.append(email)
        meta = " · ".join(p for p in parts if p)
    return {"avatar": _avatar_context(person, size), "name": name, "meta": meta, "href": href}


@register.inclusion_tag("components/person_card.html", takes_context=True)
def person_card(
    context: template.Context,
    person: Any,
    role_label: str = "",
    note: str = "",
    note_label: str = "",
    href: str = "",
    actions: str = "",
) -> dict:
    """A person on a home page: large avatar, name, title and department, email link, a note
    (e.g. why you were matched) and an optional actions template rendered with the page's context."""
    flat = context.flatten()
    flat.update(
        {
            "card_person": person,
            "avatar": _avatar_context(person, "lg"),
            "name": _display_name(person),
            "email": _email(person),
            "job_title": getattr(person, "job_title", ""),
            "department": getattr(person, "department", ""),
            "role_label": role_label,
            "note": note,
            "note_label": note_label or _("Why you were matched"),
            "href": href,
            "actions": actions,
        }
    )
    return flat


@register.inclusion_tag("components/status_badge.html")
def status_badge(kind: str, status: str, label: str = "") -> dict:
    tone, icon = STATUS_TONES.get(kind, {}).get(str(status), ("neutral", "circle"))
    return {"tone": tone, "icon": icon, "label": label or str(status).capitalize()}


ROLE_ICONS = {"mentor": "mortarboard", "mentee": "person", "admin": "briefcase"}


@register.inclusion_tag("components/role_tag.html")
def role_tag(role: str, label: str = "") -> dict:
    """Who someone is in a program: a neutral tag, never a status colour."""
    return {"icon": ROLE_ICONS.get(str(role), "person"), "label": label or str(role).capitalize()}


@register.inclusion_tag("components/empty_state.html")
def empty_state(
    icon: str,
    title: str,
    body: str = "",
    action_url: str = "",
    action_label: str = "",
    action_icon: str = "",
    secondary_url: str = "",
    secondary_label: str = "",
    heading_level: int = 2,
    small: bool = False,
) -> dict:
    return {
        "icon": icon,
        "title": title,
        "body": body,
        "action_url": action_url,
        "action_label": action_label,
        "action_icon": action_icon,
        "secondary_url": secondary_url,
        "secondary_label": secondary_label,
        "heading_tag": f"h{heading_level}" if 1 <= heading_level <= 6 else "p",
        "small": small,
    }


@register.inclusion_tag("components/stat_tile.html")
def stat_tile(value: Any, label: str, icon: str = "", tone: str = "brand", href: str = "", id: str = "") -> dict:
    return {"value": value, "label": label, "icon": icon, "tone": tone, "href": href, "id": id}


@register.inclusion_tag("components/next_step.html")
def next_step(
    title: str, body: str, url: str, label: str, icon: str = "arrow-right-circle", label_suffix: str = ""
) -> dict:
    """``label_suffix`` is read by screen readers only: it tells apart buttons that look alike
    ("Complete your profile" *for Acme Mentoring 2027*)."""
    return {"title": title, "body": body, "url": url, "label": label, "icon": icon, "label_suffix": label_suffix}


@register.inclusion_tag("components/icon.html")
def icon(name: str, label: str = "", css: str = "") -> dict:
    return {"name": name, "label": label, "css": css}


@register.filter
def pct_class(value: Any) -> str:
    """``pct-N`` for a percentage, clamped to 0–100, so bars need no inline style."""
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        number = 0
    return f"pct-{min(100, max(0, number))}"


# --- Dates and times: one set of formats (turazo/formats/), in the viewer's zone --------------


@register.simple_tag
def daterange(start: date | None, end: date | None) -> str:
    """``7 Mar – 8 Jun 2027`` within one year, ``7 Dec 2026 – 8 Jun 2027`` across two: the
    start year is never dropped when it differs."""
    if not start or not end:
        return formats.date_format(start or end, "DATE_FORMAT") if (start or end) else ""
    if start.year == end.year:
        first = formats.date_format(start, "MONTH_DAY_FORMAT")
    else:
        first = formats.date_format(start, "DATE_FORMAT")
    return f"{first} – {formats.date_format(end, 'DATE_FORMAT')}"


@register.filter(is_safe=True)
def when(value: datetime | None, fmt: str = "DATETIME_FORMAT") -> str:
    """An aware datetime as ``<time datetime="ISO">7 Dec 2026, 22:45</time>`` in the active zone."""
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    shown = formats.date_format(value, fmt)
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), shown)


@register.inclusion_tag("includes/nav_link.html", takes_context=True)
def nav_link(context: template.Context, url_name: str, icon: str, label: str, match_prefix: str = "") -> dict:
    """One destination of the main navigation; ``current`` when this page is it (or lies under
    ``match_prefix``). The variant ("top" or "bottom") comes from the including template."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = bool(match and match.url_name == url_name) or bool(
        match_prefix and request is not None and request.path.startswith(match_prefix)
    )
    return {
        "url": reverse(url_name),
        "icon": icon,
        "label": label,
        "current": current,
        "variant": context.get("variant", "top"),
    }


SCREENSHOTS = "img/product"


@lru_cache(maxsize=64)
def screenshot_size(path: str) -> tuple[int, int]:
    """Width and height of a static image, read from its header (once per process)."""
    from PIL import Image  # only the pages that show screenshots need it

    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"static/{path} is missing: run bin/screenshots (docs/design.md).")
    with Image.open(found) as image:
        return image.size


# Wide screens show a screenshot in a 7/12 column (at most ~740 px); phones across the screen.
SCREENSHOT_SIZES = "(min-width: 1400px) 740px, (min-width: 992px) 56vw, 100vw"


@register.inclusion_tag("components/screenshot.html")
def screenshot(name: str, alt: str, lazy: bool = True, sizes: str = SCREENSHOT_SIZES) -> dict:
    """``static/img/product/NAME-{light,dark}{,-2x}.webp`` as one ``<picture>``: the dark pair
    when the system asks for dark mode (as the site's own theme follows it), both widths in
    ``srcset`` so each screen takes the one it needs, the 1x file's width and height against
    layout shift, and ``loading="lazy"`` unless it is above the fold."""
    files = {
        f"{mode}{key}": f"{SCREENSHOTS}/{name}-{mode}{suffix}.webp"
        for mode in ("light", "dark")
        for key, suffix in (("", ""), ("2x", "-2x"))
    }
    for path in files.values():
        screenshot_size(path)  # every variant exists, or the page fails loudly
    width, height = screenshot_size(files["light"])
    return {
        "files": files,
        "alt": alt,
        "width": width,
        "height": height,
        "width2x": screenshot_size(files["light2x"])[0],
        "sizes": sizes,
        "lazy": lazy,
    }
