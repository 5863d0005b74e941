"""Production settings refuse unsafe configurations and pass `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key():
    env = PROD_ENV | {"SECRET_KEY": "django-insecure-turazo-embedded-default-only"}
    assert "SECRET_KEY must be set" in _manage("check", env=env).stderr


def test_production_requires_an_email_url():
    env = {k: v for k, v in PROD_ENV.items() if k != "EMAIL_URL"}
    assert "EMAIL_URL must be set" in _manage("check", env=env).stderr


def test_production_requires_a_shared_cache_for_rate_limits():
    env = {k: v for k, v in PROD_ENV.items() if k != "REDIS_URL"}
    assert "REDIS_URL must be set" in _manage("check", env=env).stderr
