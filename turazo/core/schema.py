"""The OpenAPI schema's shared parts: the one error shape, documented on every operation.

``turazo.core.api.exception_handler`` answers every error as ``{"error": {"code", "message",
"fields"}}``; ``document_errors`` (a drf-spectacular postprocessing hook) puts that shape in
the schema for each status any operation can answer with, so a client generated from
``/api/schema/`` knows every response it can get. An operation that documents one of these
statuses itself (with its own description or a richer body, like the CSV import's 400)
keeps it; only a missing body is filled in.
"""

from __future__ import annotations

from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

ERROR_COMPONENT = "Error"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error the API answers has this shape.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {
                    "type": "string",
                    "description": "For programs: validation_failed, parse_error, not_authenticated, "
                    "authentication_failed, permission_denied, not_found, conflict, method_not_allowed, "
                    "throttled, or a more specific code of the operation.",
                    "example": "validation_failed",
                },
                "message": {
                    "type": "string",
                    "description": "For people: what was wrong and what to do.",
                    "example": "Some fields are invalid: name.",
                },
                "fields": {
                    "type": "object",
                    "description": "Messages per field (nested fields dotted, e.g. answers.topics or choices.0); "
                    "empty when the error is not about a field.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "example": {"name": ["Give the program a name."]},
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}

ERROR_STATUSES: dict[str, str] = {
    "400": "The request is invalid: `message` says what, `fields` names each wrong field with what to do.",
    "401": "Not signed in: send `Authorization: Token <key>` (or use a signed-in session).",
    "403": "Signed in but not allowed: only HR admins of the current organization may do this, "
    "or the caller belongs to no organization.",
    "404": "No such object in the caller's organization (objects of other organizations are 404 too), "
    "or no such page of results.",
    "409": "Valid, but the current state forbids it (e.g. the run is still running, the invitation was "
    "already accepted); `message` says what to do.",
    "429": "Too many requests: wait the number of seconds in `Retry-After`, then try again.",
}
# Only operations that take a body can get this one.
UNSUPPORTED_MEDIA_TYPE = (
    "415",
    "The body's Content-Type is missing or not one this operation reads: send `application/json` "
    "(the CSV import: `multipart/form-data`).",
)

RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before the next request."}
}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the error shape on every operation, for 400, 401,
    403, 404, 409 and 429, and 415 where the operation takes a body."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            statuses = dict(ERROR_STATUSES)
            if "requestBody" in operation:
                statuses.update([UNSUPPORTED_MEDIA_TYPE])
            for status, description in statuses.items():
                response = responses.setdefault(status, {"description": description})
                response.setdefault("content", {"application/json": {"schema": ERROR_REF}})
                if status == "429":
                    response.setdefault("headers", RETRY_AFTER)
            operation["responses"] = dict(sorted(responses.items()))
    return result


class _PlainOptions:
    """The docs pages render HTML only; DRF's OPTIONS answer (a metadata dict) has no template
    there and was a 500. Answer OPTIONS as plain Django does: 200 with the Allow header."""

    def options(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return View.options(self, request, *args, **kwargs)


# The docs pages (drf-spectacular-sidecar's Swagger UI and ReDoc) under the site's
# Content-Security-Policy: Swagger UI loads its start-up script from a URL (the split
# view) instead of an inline <script>; ReDoc's template (templates/drf_spectacular/)
# starts it with no inline script and no Google Fonts. ReDoc writes its styles as
# <style> elements and searches in a blob: worker, which its page alone allows; scripts
# stay limited to this site on both.


class SwaggerView(_PlainOptions, SpectacularSwaggerSplitView):
    tenant_exempt = "the API documentation page; no tenant data"


@method_decorator(csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]}), name="dispatch")
class RedocView(_PlainOptions, SpectacularRedocView):
    tenant_exempt = "the API documentation page; no tenant data"
