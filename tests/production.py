"""The production configuration (``DEBUG=false``) as a subprocess sees it: the tests
that check what production builds and refuses start from this environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROD_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "a-real-random-looking-secret-value-0123456789",
    "ALLOWED_HOSTS": "turazo.example.com",
    "SITE_URL": "https://turazo.example.com",
    "DATABASE_URL": "sqlite:////tmp/turazo-deploy-check.sqlite3",
    "EMAIL_URL": "smtp+tls://user:pass@smtp.example.com:587",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DJANGO_SETTINGS_MODULE": "turazo.settings",
}


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """``python manage.py <args>`` in a fresh process with exactly ``env``."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
