"""Shared fixtures: the standard cast (an HR admin, a mentor, a mentee, and an
outsider who is HR admin of another organization) and environment-aware markers."""

from __future__ import annotations

import os
import shutil
import socket

import pytest
from django.core.cache import cache
from django.db import connection

from tests.accounts.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.mentoring.factories import ParticipantFactory, ProgramFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _redis_up() -> bool:
    url = os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL") or ""
    if not url.startswith("redis://"):
        return False
    host_port = url.split("//", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = host_port.partition(":")
    try:
        with socket.create_connection((host, int(port or 6379)), timeout=1):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    """Skip what this machine cannot run; in CI nothing is skipped, so a missing
    service or browser fails the run instead of hiding."""
    if os.environ.get("CI") == "true" or os.environ.get("TURAZO_STRICT_TESTS") == "1":
        return
    on_sqlite = "DATABASE_URL" not in os.environ or os.environ["DATABASE_URL"].startswith("sqlite")
    reasons = {
        "postgres": "needs PostgreSQL: set DATABASE_URL=postgres://..." if on_sqlite else None,
        "services": "needs Postgres and Redis: set DATABASE_URL and REDIS_URL"
        if on_sqlite or not _redis_up()
        else None,
        "e2e": f"needs Chromium at {CHROMIUM} (apt-get install chromium)" if not shutil.which(CHROMIUM) else None,
    }
    for item in items:
        for marker, reason in reasons.items():
            if reason and marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _clear_cache():
    """allauth's rate limits live in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Acme")


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization, name="Acme Mentoring 2027")


@pytest.fixture
def hr_admin(organization):
    user = UserFactory(email="hr@acme.test", full_name="Helen HR")
    MembershipFactory(user=user, organization=organization, is_admin=True)
    return user


@pytest.fixture
def mentor(program):
    user = UserFactory(email="mentor@acme.test", full_name="Maria Mentor")
    MembershipFactory(user=user, organization=program.organization)
    ParticipantFactory(program=program, user=user, email=user.email, role="mentor", status="active")
    return user


@pytest.fixture
def mentee(program):
    user = UserFactory(email="mentee@acme.test", full_name="Tom Mentee")
    MembershipFactory(user=user, organization=program.organization)
    ParticipantFactory(program=program, user=user, email=user.email, role="mentee", status="active")
    return user


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(name="Globex")


@pytest.fixture
def outsider(other_organization):
    """HR admin of another organization: must see none of Acme's data."""
    user = UserFactory(email="hr@globex.test", full_name="Olga Outsider")
    MembershipFactory(user=user, organization=other_organization, is_admin=True)
    return user


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"
