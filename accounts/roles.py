"""Which roles a person plays in their current organization; drives navigation and dashboards.

``admin`` comes from the membership. The other roles (mentor, mentee...) belong to apps
above accounts: each registers a provider (``register_role_provider``) in its
AppConfig.ready(), so this module never imports them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from accounts.models import Membership

RoleProvider = Callable[[Membership], Iterable[str]]
_providers: list[RoleProvider] = []


def register_role_provider(provider: RoleProvider) -> None:
    """Add ``provider(membership) -> roles``; registering the same one twice has no effect."""
    if provider not in _providers:
        _providers.append(provider)


def roles_for(membership: Membership | None) -> frozenset[str]:
    if membership is None:
        return frozenset()
    roles: set[str] = {"admin"} if membership.is_admin else set()
    for provider in _providers:
        roles.update(provider(membership))
    return frozenset(roles)
