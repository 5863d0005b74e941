"""Settings for the test suite: the real settings with safe test defaults.

``DATABASE_URL`` and ``REDIS_URL`` from the environment still apply, so CI runs
the same tests against Postgres and Redis.
"""

import os
import tempfile

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("TURAZO_VAR_DIR", tempfile.mkdtemp(prefix="turazo-test-"))

from .settings import *  # noqa: E402,F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
