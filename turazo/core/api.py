"""API plumbing shared by every app: tenant scoping for DRF and one error format.

Errors always look like ``{"error": {"code": ..., "message": ..., "fields": {...}}}``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from turazo.core.errors import DomainError
from turazo.core.tenancy import membership_for

LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": LOCAL_TIME_PATTERN,
        "example": "09:00",
        "description": "A wall-clock time, HH:MM (24 h), in the person's own time zone; no offset.",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day in someone's own time zone, written ``"09:00"``.

    OpenAPI's ``format: time`` is RFC 3339's full-time, which requires an offset ("09:00:00Z");
    a working day that starts at nine wherever the person lives has none, so the API reads
    and writes HH:MM (seconds are accepted on input and dropped) and documents the pattern."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])
        super().__init__(**kwargs)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(
            {"error": {"code": exc.code, "message": exc.message, "fields": exc.fields, **exc.extra}},
            status=exc.status_code,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flat_fields(exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail})
        message = (
            _("Some fields are invalid: %(fields)s.") % {"fields": ", ".join(sorted(fields))}
            if fields
            else _("Invalid input.")
        )
        response.data = {"error": {"code": "validation_failed", "message": message, "fields": fields}}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        code = getattr(exc, "default_code", "error")
        response.data = {"error": {"code": code, "message": str(detail), "fields": {}}}
    return response


def _flat_fields(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF nests errors of nested fields ({"choices": {0: [...]}}, {"weights": {"x": [...]}});
    the API always answers {"choices.0": [...], "weights.x": [...]}: one level, lists of text."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flat_fields(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list | tuple) and any(isinstance(v, dict | list | tuple) for v in detail):
        flat = {}
        for index, value in enumerate(detail):
            if value:  # DRF puts {} for the items of a list that were fine
                flat.update(_flat_fields(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list | tuple) else [detail]
    return {prefix or "non_field_errors": [str(m) for m in messages]}


class IsOrganizationMember(permissions.BasePermission):
    message = gettext_lazy("You are not a member of any organization. Ask your HR admin for an invitation.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return getattr(request, "membership", None) is not None


class IsOrganizationAdmin(IsOrganizationMember):
    message = gettext_lazy("Only HR admins of this organization can do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and request.membership.is_admin


class TenantViewSetMixin:
    """For DRF views: resolves the organization after DRF authentication (token users
    are only known here) and starts every queryset from ``for_organization``.

    Subclasses set ``queryset`` (a TenantModel queryset, with its joins) or override
    ``get_tenant_queryset``.
    """

    tenant_scoped = True
    permission_classes = [permissions.IsAuthenticated, IsOrganizationMember]
    # Routers build detail routes as <int:pk>: "/proposals/abc/pin/" is a 404, never a 500.
    lookup_value_converter = "int"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Authentication happens lazily in DRF; resolve the membership for that user.
        request._request.user = request.user
        membership = membership_for(request._request) if request.user.is_authenticated else None
        request.membership = request._request.membership = membership
        request.organization = request._request.organization = membership.organization if membership else None
        super().initial(request, *args, **kwargs)
        self.check_parent_objects()

    def check_parent_objects(self) -> None:
        """Nested routes (``programs/<id>/...``) fetch their parent here, so a caller
        from another organization gets 404 before any body validation answers 400."""

    def get_tenant_queryset(self):
        return self.queryset.all()

    def get_queryset(self):
        return self.get_tenant_queryset().for_organization(self.request.organization)


def api_not_found(request: HttpRequest, unmatched: str = "") -> HttpResponse:
    """Every /api/ address no route matches (a junk id such as ``/proposals/abc/pin/``, a typo)
    answers the API's JSON error, never an HTML page. A GET missing its trailing slash is
    redirected, as Django's APPEND_SLASH would; other methods are told to add it (a redirect
    would lose their body)."""
    message = _(
        "No API endpoint at this address. Ids in URLs are whole numbers; the endpoints are listed at /api/docs/."
    )
    if not request.path.endswith("/"):
        try:
            resolve(request.path + "/")
        except Resolver404:
            pass
        else:
            if request.method in ("GET", "HEAD"):
                query = request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
            message = _("No API endpoint at this address; add the trailing slash: %(path)s") % {
                "path": request.path + "/"
            }
    return JsonResponse({"error": {"code": "not_found", "message": message, "fields": {}}}, status=404)


api_not_found.tenant_exempt = "answers 404 for addresses no API route matches; reads no data"
