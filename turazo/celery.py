"""The Celery app. Settings come from Django's (CELERY_* names)."""

import logging
import os

from celery import Celery, signals

from turazo.core import redaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "turazo.settings")

app = Celery("turazo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["turazo.core"])


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _redact_secrets_in_worker_logs(logger: logging.Logger, **kwargs) -> None:
    """Celery replaces the root logger's handlers with its own: they redact URL secrets
    like Django's (turazo/core/redaction.py)."""
    redaction.add_filter(*logger.handlers)
