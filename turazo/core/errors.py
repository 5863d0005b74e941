"""Domain errors raised by services; views and the API turn them into responses.

Each carries a message a person can act on, and optionally per-field messages.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base for every error a service raises on purpose. Maps to HTTP 400."""

    status_code = 400
    code = "invalid"
    #: More keys for the API's error object (e.g. the next free slots after a conflict).
    extra: dict = {}  # replaced per instance, never mutated

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class ValidationFailed(DomainError):
    code = "validation_failed"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The request is valid but the current state forbids it (409)."""

    status_code = 409
    code = "conflict"


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"
