"""Production settings refuse unsafe configurations and pass `check --deploy`."""

from __future__ import annotations

from tests.production import PROD_ENV, ROOT
from tests.production import manage as _manage


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


def test_production_requires_the_public_site_url_for_email_links():
    env = {k: v for k, v in PROD_ENV.items() if k != "SITE_URL"}
    assert "SITE_URL must be set" in _manage("check", env=env).stderr


def test_the_embedded_default_links_to_the_origin_the_readme_opens(tmp_path):
    env = {"PATH": PROD_ENV["PATH"], "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "turazo.settings"}
    env["TURAZO_VAR_DIR"] = str(tmp_path)
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.SITE_URL)", env=env)
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8000"


def test_production_refuses_the_placeholder_key_of_env_example():
    example = (ROOT / ".env.example").read_text()
    placeholder = next(line.split("=", 1)[1] for line in example.splitlines() if line.startswith("SECRET_KEY="))
    result = _manage("check", env=PROD_ENV | {"SECRET_KEY": placeholder})
    assert result.returncode != 0
    assert "not a placeholder such as the one in .env.example" in result.stderr


def test_production_refuses_a_long_key_of_few_characters():
    assert "SECRET_KEY must be set" in _manage("check", env=PROD_ENV | {"SECRET_KEY": "ab" * 30}).stderr
