"""Secrets in URLs (invitation tokens, password-reset and email-confirmation keys) are
redacted from every log line; what is not secret stays readable."""

from __future__ import annotations

import logging
import re

import pytest
from django.urls import URLResolver, get_resolver, reverse

from turazo.core.redaction import (
    PUBLIC_URL_PARAMETERS,
    REDACTED,
    SECRET_URL_PARAMETERS,
    RedactSecretsFilter,
    redact,
)

TOKEN = "Zk3v9Qd0_r-8YpLmN2bXwA7sT5uE1cH4oJ6iF0gK9aB"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            f'127.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET /invitations/{TOKEN}/ HTTP/1.1" 200 512 "-" "curl"',
            '127.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET /invitations/[redacted]/ HTTP/1.1" 200 512 "-" "curl"',
        ),
        (f"Not Found: /invitations/{TOKEN}/signup/", "Not Found: /invitations/[redacted]/signup/"),
        # without the trailing slash (CommonMiddleware answers with a redirect, still logged)
        (f'"GET /invitations/{TOKEN} HTTP/1.1" 301', '"GET /invitations/[redacted] HTTP/1.1" 301'),
        # the Referer of the page after the link
        (f'"GET /accounts/signup/ HTTP/1.1" 200 9 "https://turazo.example.com/invitations/{TOKEN}/" "Firefox"',
         '"GET /accounts/signup/ HTTP/1.1" 200 9 "https://turazo.example.com/invitations/[redacted]/" "Firefox"'),
        # a link nested in ?next=, plain or percent-encoded, and secret query parameters
        (f"GET /accounts/login/?next=/invitations/{TOKEN}/", "GET /accounts/login/?next=/invitations/[redacted]/"),
        (f"GET /accounts/login/?next=%2Finvitations%2F{TOKEN}%2F&x=1",
         "GET /accounts/login/?next=/invitations/[redacted]/&x=1"),
        (f"GET /anything/?token={TOKEN}&page=2", "GET /anything/?token=[redacted]&page=2"),
        # allauth: password reset (uidb36-key, and the page it redirects to) and email confirmation
        ("GET /accounts/password/reset/key/1z-cz8vb4-3f0e1d2c3b4a59687766/",
         "GET /accounts/password/reset/key/[redacted]-[redacted]/"),
        ("GET /accounts/confirm-email/MQ:1uXyZa:Qm9v-Zl9sXyZ0AbCdEfGhIjKlMn/",
         "GET /accounts/confirm-email/[redacted]/"),
    ],
)  # fmt: skip
def test_secrets_in_log_lines_are_redacted(line, expected):
    assert redact(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        '127.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET /programs/12/participants/?q=ana&page=2 HTTP/1.1" 200 5',
        '"GET /static/css/turazo.3f2a1b9c8d7e.css HTTP/1.1" 200 "https://turazo.example.com/dashboard/"',
        "Not Found: /no/such/page/",
        "Health check Beat() failed",
        "copying 10/12 files",
    ],
)
def test_lines_without_secrets_are_left_as_they_are(line):
    assert redact(line) == line


def _routes(patterns, prefix=""):
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, regex)
        else:
            yield regex


def test_every_url_parameter_is_declared_secret_or_public():
    """A new route with a token in its path is redacted only if its parameter is named
    as a secret: every parameter name must be one or the other, by decision."""
    undecided = set()
    for route in _routes(get_resolver().url_patterns):
        for name in re.compile(route).groupindex:
            if name in SECRET_URL_PARAMETERS or name in PUBLIC_URL_PARAMETERS or re.search(r"(id|pk)$", name):
                continue
            undecided.add(f"{name} in {route}")
    assert sorted(undecided) == []


def test_every_route_with_a_secret_parameter_is_redacted():
    secret_routes = [
        route
        for route in _routes(get_resolver().url_patterns)
        if set(re.compile(route).groupindex) & SECRET_URL_PARAMETERS
    ]
    assert len(secret_routes) >= 4  # invitations (2), password reset, email confirmation
    paths = [
        reverse("invitation-detail", args=[TOKEN]),
        reverse("invitation-signup", args=[TOKEN]),
        reverse("account_confirm_email", args=[TOKEN]),
        reverse("account_reset_password_from_key", kwargs={"uidb36": "1z", "key": TOKEN}),
    ]
    for path in paths:
        assert TOKEN not in redact(f"GET {path}"), path
        assert REDACTED in redact(f"GET {path}")


def test_the_filter_rewrites_the_message_and_the_traceback():
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", (f"/invitations/{TOKEN}/",), None
    )
    try:
        raise ValueError(f"bad link /invitations/{TOKEN}/")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactSecretsFilter().filter(record) is True
    formatted = logging.Formatter().format(record)
    assert TOKEN not in formatted
    assert "Internal Server Error: /invitations/[redacted]/" in formatted
    assert "bad link /invitations/[redacted]/" in formatted


def _writing_handlers() -> list[tuple[str, logging.Handler]]:
    loggers = [("root", logging.getLogger())] + [
        (name, logger)
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    ]
    return [
        (name, handler)
        for name, logger in loggers
        for handler in logger.handlers
        if not isinstance(handler, logging.NullHandler) and not type(handler).__module__.startswith("_pytest")
    ]


def test_every_handler_django_configures_redacts_secrets():
    handlers = _writing_handlers()
    names = {name for name, _ in handlers}
    assert {"root", "django.server"} <= names
    unfiltered = [
        f"{name}: {type(handler).__name__}"
        for name, handler in handlers
        if not any(isinstance(f, RedactSecretsFilter) for f in handler.filters)
    ]
    assert unfiltered == []


def test_celery_worker_log_handlers_redact_secrets():
    """Celery swaps the root logger's handlers for its own when a worker starts."""
    from celery import signals

    logger = logging.getLogger("turazo.test.celery")
    handler = logging.StreamHandler()
    logger.addHandler(handler)
    try:
        signals.after_setup_logger.send(
            sender=None, logger=logger, loglevel=logging.INFO, logfile=None, format="", colorize=False
        )
        assert any(isinstance(f, RedactSecretsFilter) for f in handler.filters)
    finally:
        logger.removeHandler(handler)
