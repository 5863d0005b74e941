"""Walks every URL pattern of the project: each view must be scoped to the current
organization (TenantViewMixin, tenant_view, TenantViewSetMixin) or say why it
touches no tenant data (tenant_exempt). New views are covered automatically."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

# Third-party views that never read tenant rows: accounts, API docs, the API root.
THIRD_PARTY = ("allauth.", "drf_spectacular.", "rest_framework.routers", "django.views.static")
# Django admin is for the operators who run the install (superusers), across tenants by design.
OPERATOR_ROUTES = ("admin/",)


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def _view_class(callback):
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def _is_scoped_or_exempt(callback) -> bool:
    for candidate in (callback, _view_class(callback)):
        if candidate is not None and (
            getattr(candidate, "tenant_scoped", False) or getattr(candidate, "tenant_exempt", None)
        ):
            return True
    return False


def _module(callback) -> str:
    cls = _view_class(callback)
    return (cls or callback).__module__


def test_every_project_view_is_tenant_scoped_or_explicitly_exempt():
    unscoped = [
        f"{route} -> {_module(cb)}.{getattr(_view_class(cb) or cb, '__name__', cb)}"
        for route, cb in _walk(get_resolver().url_patterns)
        if not route.startswith(OPERATOR_ROUTES)
        and not _module(cb).startswith(THIRD_PARTY)
        and not _is_scoped_or_exempt(cb)
    ]
    assert unscoped == [], "Views that are neither tenant-scoped nor marked tenant_exempt:\n" + "\n".join(unscoped)


def test_the_walk_sees_project_views():
    routes = [route for route, _ in _walk(get_resolver().url_patterns)]
    assert "dashboard/" in routes
    assert any(r.startswith("api/") for r in routes)
    assert len(routes) > 20


def test_an_unmarked_view_would_be_reported():
    def rogue(request):
        return None

    rogue.__module__ = "mentoring.views"
    assert not _is_scoped_or_exempt(rogue)
