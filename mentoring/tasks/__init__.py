"""Celery discovers tasks through this package; import each task module here."""
