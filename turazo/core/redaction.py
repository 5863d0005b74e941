"""Secrets in URLs never reach the logs.

Email links carry their secret in the URL: invitation tokens, allauth's password-reset
and email-confirmation keys, and whatever token links come next. Access logs write
every URL (and the Referer of the page after it); Django writes the path of every
4xx/5xx. Whoever reads the logs could otherwise follow the link.

``RedactSecretsFilter`` is a logging filter on every handler that writes such lines:
Django's console and runserver handlers (``settings.LOGGING``), gunicorn's access and
error logs (``GunicornLogger``) and Celery's (``turazo/celery.py``). It rewrites each
URL in a message, replacing:

- the value of every URL parameter named in ``SECRET_URL_PARAMETERS`` in a route of
  the URLconf: a new route with ``<str:token>`` or ``<key>`` is covered with no
  further work (``tests/core/test_redaction.py`` walks the URLconf to keep it so);
- the value of every query parameter named in ``SECRET_QUERY_PARAMETERS``;
- the same inside URLs nested in query values (``/accounts/login/?next=/invitations/…``).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from urllib.parse import quote, unquote_plus

REDACTED = "[redacted]"

#: URL parameters (in routes) whose value is a secret.
SECRET_URL_PARAMETERS = frozenset({"token", "key", "uidb36", "uidb64", "secret", "signature"})
#: URL parameters that are not secrets. Ids (names ending in ``id`` or ``pk``) never are.
#: Every other parameter name in the URLconf must be in one of these two sets
#: (tests/core/test_redaction.py): a new route makes that choice explicitly.
PUBLIC_URL_PARAMETERS = frozenset({"app_label", "format", "url", "unmatched"})  # unmatched: the API's catch-all 404
#: Query parameters whose value is a secret.
SECRET_QUERY_PARAMETERS = SECRET_URL_PARAMETERS | {"password", "code", "access_token", "refresh_token"}

# A URL in a log line: absolute (a Referer) or a path starting after a space, a quote,
# a bracket or "=" (so "10/Dec/2026" in a timestamp or "HTTP/1.1" are not paths).
_URL_IN_TEXT = re.compile(r"""(?:\bhttps?://[^\s/"'<>]+|(?<![^\s"'(\[=]))/[^\s"'<>]*""")
_ABSOLUTE = re.compile(r"^(https?://[^/?#]*)(.*)$", re.DOTALL)


@functools.cache
def _secret_routes() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    """Every route of the URLconf with a secret parameter, as one regex of its full path
    (without the leading slash) and the names of its secret groups."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix: str) -> Iterator[str]:
        for pattern in patterns:
            regex = pattern.pattern.regex.pattern.removeprefix("^")
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + regex)
            else:
                yield prefix + regex

    routes = []
    for full in walk(get_resolver().url_patterns, ""):
        compiled = re.compile(full)
        secret = tuple(name for name in compiled.groupindex if name in SECRET_URL_PARAMETERS)
        if secret:
            routes.append((compiled, secret))
    return tuple(routes)


def _routes_or_none() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] | None:
    from django.apps import apps

    if not apps.ready:
        return None
    return _secret_routes()


def _redact_path(path: str) -> str:
    routes = _routes_or_none()
    if routes is None:
        # Before Django is set up we cannot know the routes: keep only the first segment.
        head, sep, rest = path.lstrip("/").partition("/")
        return f"/{head}{sep}{REDACTED}" if rest else path
    relative = path.removeprefix("/")
    for candidate, added in ((relative, ""), (relative + "/", "/")):
        for regex, names in routes:
            match = regex.match(candidate)
            if match is None or match.end() != len(candidate):
                continue
            spans = sorted((match.span(name) for name in names if match.group(name) is not None), reverse=True)
            for start, end in spans:
                candidate = candidate[:start] + REDACTED + candidate[end:]
            return path[: len(path) - len(relative)] + candidate.removesuffix(added)
    return path


def _redact_query(query: str) -> str:
    parts = []
    for part in query.split("&"):
        name, eq, value = part.partition("=")
        if eq and unquote_plus(name).lower() in SECRET_QUERY_PARAMETERS:
            value = REDACTED
        elif eq:
            decoded = unquote_plus(value)
            if decoded.startswith(("/", "http://", "https://")):
                redacted = redact_url(decoded)
                if redacted != decoded:
                    value = quote(redacted, safe="/:[]")
        parts.append(f"{name}{eq}{value}")
    return "&".join(parts)


def redact_url(url: str) -> str:
    """``url`` (a path, or an absolute http(s) URL) with its secrets replaced by ``[redacted]``."""
    origin, rest = "", url
    if match := _ABSOLUTE.match(url):
        origin, rest = match.groups()
    rest, hash_, fragment = rest.partition("#")
    path, question, query = rest.partition("?")
    redacted = _redact_path(path) + question + (_redact_query(query) if question else "")
    return origin + redacted + hash_ + fragment


def redact(text: str) -> str:
    """``text`` with every URL in it redacted."""
    if "/" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)


class RedactSecretsFilter(logging.Filter):
    """Rewrites a record's message (and traceback) with every URL secret redacted.
    Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let the handler report it as usual
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def add_filter(*targets: logging.Logger | logging.Handler) -> None:
    """Put one ``RedactSecretsFilter`` on each logger or handler (once)."""
    for target in targets:
        if not any(isinstance(f, RedactSecretsFilter) for f in target.filters):
            target.addFilter(RedactSecretsFilter())


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is only needed to serve production
    pass
else:

    class GunicornLogger(_GunicornLogger):
        """gunicorn's logger with URL secrets redacted from the access and error logs
        (``logger_class`` in ``turazo/gunicorn.conf.py``)."""

        def setup(self, cfg) -> None:
            super().setup(cfg)
            add_filter(self.access_log, self.error_log)
