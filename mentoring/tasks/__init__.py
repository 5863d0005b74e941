"""Celery discovers tasks through this package; import each task module here."""

from mentoring.tasks import imports, invitations  # noqa: F401
