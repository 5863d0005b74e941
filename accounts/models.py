"""People, organizations (the tenants) and who belongs to which: the bottom domain layer.

Everything above (mentoring, matching, scheduling) points down at these; nothing here
imports a domain app. Roles a person plays come from ``accounts.roles``."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from turazo.core.models import TimeStampedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The email address is the identity; there are no usernames."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    timezone = models.CharField(
        max_length=64, blank=True, help_text=_("Leave empty to follow your browser's time zone.")
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=dj_timezone.now)
    photo_version = models.CharField(
        max_length=16,
        blank=True,
        editable=False,
        help_text=_("Changes with every new photo (it is part of the photo's URL); empty without a photo."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]

    @property
    def photo_url(self) -> str:
        """Where the avatar photo is served (the page ``person-photo``, which checks who may see
        it), or "" without one. Reading it costs no query: the version lives on this row."""
        if not self.photo_version:
            return ""
        return f"{reverse('person-photo', args=[self.pk])}?v={self.photo_version}"


class Photo(models.Model):
    """A person's avatar photo, exactly as served: a 256×256 WebP that ``accounts.photos``
    made from the upload (no EXIF, no GPS). Its own table, so loading a User never loads it.

    Kept in the database rather than on disk: a self-hosted Turazo is gunicorn and WhiteNoise
    with no media server or shared volume, and at ~10 KB a person the rows stay small."""

    user = models.OneToOneField(User, primary_key=True, on_delete=models.CASCADE, related_name="photo")
    image = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Photo of {self.user_id}"


class Organization(TimeStampedModel):
    """A tenant. Every row a person can reach belongs to exactly one."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    video_url_template = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Leave empty for a Jitsi room per session, or e.g. https://zoom.us/j/{room} ."),
    )

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def for_organization(self, organization: Organization | None) -> MembershipQuerySet:
        return self.filter(organization=organization) if organization else self.none()


class Membership(TimeStampedModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    is_admin = models.BooleanField(default=False, help_text=_("HR admins manage programs and participants."))

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization}{' (admin)' if self.is_admin else ''}"
