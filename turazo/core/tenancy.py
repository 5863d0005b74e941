"""The one place that scopes data to the current organization.

* ``TenantModel`` (core/models.py) gives every tenant row an ``organization`` and a manager with
  ``for_organization()``.
* ``OrganizationMiddleware`` (accounts/middleware.py) puts ``request.organization``
  and ``request.membership`` on every request.
* ``TenantViewMixin`` / ``tenant_view`` guard page views; ``TenantViewSetMixin``
  guards DRF views. Both mark the view as ``tenant_scoped`` so the URL-walking
  test can prove every view is scoped or explicitly exempt.
* ``get_for_org()`` fetches one object for the current organization and answers
  404 to everyone else: outsiders never learn that an id exists.
* ``membership_for(request)`` asks the membership lookup that ``accounts`` registers
  (``register_membership_lookup``): core sits below accounts and never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)

MembershipLookup = Callable[[HttpRequest], Any]
_membership_lookup: MembershipLookup | None = None


def register_membership_lookup(lookup: MembershipLookup) -> None:
    """Called once by ``accounts`` (AccountsConfig.ready) with ``accounts.middleware.current_membership``."""
    global _membership_lookup
    _membership_lookup = lookup


def membership_for(request: HttpRequest) -> Any:
    """The request's membership (an ``accounts.Membership``) or None, through the registered lookup."""
    if _membership_lookup is None:
        raise RuntimeError("No membership lookup registered: is 'accounts' in INSTALLED_APPS?")
    return _membership_lookup(request)


def get_for_org(queryset: models.QuerySet[M] | type[M], organization: models.Model | None, **lookup: Any) -> M:
    """One object of the current organization, or 404 (never 403: ids don't leak)."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    return get_object_or_404(qs.for_organization(organization), **lookup)


def tenant_exempt(reason: str) -> Callable:
    """Mark a view that touches no tenant data (landing page, health...). The reason is documentation."""

    def mark(view: Callable) -> Callable:
        view.tenant_exempt = reason
        return view

    return mark


def _deny(request: HttpRequest, *, admin: bool, allow_no_organization: bool = False) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.organization is None and not allow_no_organization:
        return redirect("dashboard")
    if admin and not request.membership.is_admin:
        raise PermissionDenied(_("Only HR admins of this organization can open this page."))
    return None


def tenant_view(*, admin: bool = False, allow_no_organization: bool = False) -> Callable:
    """Decorator for function views that work inside the current organization.

    ``allow_no_organization`` lets a signed-in person without any membership in
    (the dashboard, which then offers to create an organization)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            denied = _deny(request, admin=admin, allow_no_organization=allow_no_organization)
            if denied is not None:
                return denied
            return view(request, *args, **kwargs)

        wrapped.tenant_scoped = True
        return wrapped

    return decorate


class TenantViewMixin(AccessMixin):
    """For class-based page views; ``admin_required = True`` for HR-admin pages."""

    tenant_scoped = True
    admin_required = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        denied = _deny(request, admin=self.admin_required)
        if denied is not None:
            return denied
        return super().dispatch(request, *args, **kwargs)

    @property
    def organization(self) -> models.Model:
        return self.request.organization
