"""Celery discovers tasks through this package; import each task module here."""

from mentoring.tasks import invitations  # noqa: E402,F401
from mentoring.tasks import imports  # noqa: E402,F401
