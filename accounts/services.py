"""Writes for organizations, memberships and accounts."""

from __future__ import annotations

import hashlib
from typing import IO

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership, Organization, Photo, User
from accounts.photos import PHOTO_MAX_BYTES, photo_process
from turazo.core.errors import ValidationFailed
from turazo.core.models import lock_existing, save_existing

GONE = gettext_lazy("This account was deleted meanwhile.")


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
        raise ValidationFailed(_("Give the organization a name."), fields={"name": [_("This field is required.")]})
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
            membership, update_fields=["is_admin", "updated_at"], gone=_("This membership was removed meanwhile.")
        )
    return membership


def user_update_preferences(*, user: User, full_name: str, timezone: str) -> User:
    user.full_name = full_name.strip()
    user.timezone = timezone
    save_existing(user, update_fields=["full_name", "timezone"], gone=GONE)
    return user


def user_photo_set(*, user: User, upload: IO[bytes]) -> User:
    """Make ``upload`` the person's avatar photo: decoded, checked, cropped to a square WebP
    without metadata (``accounts.photos``). ValidationFailed when it is not a usable photo;
    the photo they had is then kept."""
    # One byte past the limit is enough to know it is too big; never read a huge upload whole.
    image = photo_process(upload.read(PHOTO_MAX_BYTES + 1))  # before any lock: it is CPU work
    with transaction.atomic():
        lock_existing(User, pk=user.pk, gone=GONE)
        Photo.objects.update_or_create(user_id=user.pk, defaults={"image": image})
        version = hashlib.sha256(image).hexdigest()[:16]
        User.objects.filter(pk=user.pk).update(photo_version=version)
    user.photo_version = version
    return user


def user_photo_remove(*, user: User) -> User:
    """Back to initials. Removing a photo that is already gone is fine."""
    with transaction.atomic():
        lock_existing(User, pk=user.pk, gone=GONE)
        Photo.objects.filter(user_id=user.pk).delete()
        User.objects.filter(pk=user.pk).update(photo_version="")
    user.photo_version = ""
    return user
