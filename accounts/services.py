"""Writes for organizations, memberships and accounts."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from accounts.models import Membership, Organization, User
from turazo.core.errors import ValidationFailed
from turazo.core.models import save_existing


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organization"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organization_create(*, user: User, name: str) -> Organization:
    """A new organization with ``user`` as its first HR admin."""
    name = name.strip()
    if not name:
        raise ValidationFailed("Give the organization a name.", fields={"name": ["This field is required."]})
    organization = Organization.objects.create(name=name, slug=_unique_slug(name))
    Membership.objects.create(user=user, organization=organization, is_admin=True)
    return organization


def membership_add(*, user: User, organization: Organization, is_admin: bool = False) -> Membership:
    """Add a person to an organization; an existing membership is kept (and may be promoted)."""
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"is_admin": is_admin}
    )
    if not created and is_admin and not membership.is_admin:
        membership.is_admin = True
        save_existing(
            membership, update_fields=["is_admin", "updated_at"], gone="This membership was removed meanwhile."
        )
    return membership


def user_update_preferences(*, user: User, full_name: str, timezone: str) -> User:
    user.full_name = full_name.strip()
    user.timezone = timezone
    save_existing(user, update_fields=["full_name", "timezone"], gone="This account was deleted meanwhile.")
    return user
