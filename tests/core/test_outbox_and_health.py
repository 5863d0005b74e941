from __future__ import annotations

import time

import pytest
from django.core import mail

from tests.accounts.factories import UserFactory
from tests.worker import running_worker
from turazo.core.models import Heartbeat
from turazo.core.tasks import heartbeat

pytestmark = pytest.mark.django_db


def test_outbox_backend_writes_emails_the_outbox_page_lists_with_clickable_links(client, settings, tmp_path):
    settings.EMAIL_BACKEND = "turazo.core.outbox.OutboxBackend"
    settings.OUTBOX_DIR = tmp_path
    message = mail.EmailMultiAlternatives(
        "Join Acme", "Open http://localhost:8000/i/abc/ to join.", to=["x@example.com"]
    )
    message.attach_alternative("<p>Open <a href='http://localhost:8000/i/abc/'>the link</a></p>", "text/html")
    message.send()
    assert len(list(tmp_path.glob("*.eml"))) == 1
    page = client.get("/dev/outbox/").content.decode()
    assert "Join Acme" in page and "To x@example.com" in page
    assert '<a href="http://localhost:8000/i/abc/">http://localhost:8000/i/abc/</a>' in page


def test_outbox_rejects_unknown_or_crafted_message_ids(client, settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path
    assert client.get("/dev/outbox/..%2F..%2Fetc%2Fpasswd/").status_code == 404
    assert client.get("/dev/outbox/20260101T000000000000-deadbeef/").status_code == 404


def test_outbox_page_is_off_without_the_outbox_backend(client, settings):
    settings.OUTBOX_ENABLED = False
    assert client.get("/dev/outbox/").status_code == 404


@pytest.mark.parametrize("address", ["192.168.1.20", "10.0.0.7", "2001:db8::1"])
def test_outbox_refuses_requests_from_other_machines(client, settings, tmp_path, address):
    """make run ADDR=0.0.0.0:8000 serves the LAN: the outbox and its links stay on this machine."""
    settings.OUTBOX_DIR = tmp_path
    response = client.get("/dev/outbox/", REMOTE_ADDR=address)
    assert response.status_code == 403
    assert "opens only on the machine that runs Turazo" in response.content.decode()
    assert 'href="/dev/outbox/"' not in client.get("/accounts/login/", REMOTE_ADDR=address).content.decode()


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_outbox_opens_for_this_machine(client, settings, tmp_path, address):
    settings.OUTBOX_DIR = tmp_path
    assert client.get("/dev/outbox/", REMOTE_ADDR=address).status_code == 200
    assert 'href="/dev/outbox/"' in client.get("/accounts/login/", REMOTE_ADDR=address).content.decode()


def test_outbox_opens_for_a_superuser_from_elsewhere(client, settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path
    client.force_login(UserFactory(email="root@example.com", is_superuser=True, is_staff=True))
    assert client.get("/dev/outbox/", REMOTE_ADDR="192.168.1.20").status_code == 200


def test_heartbeat_task_is_idempotent():
    heartbeat()
    heartbeat()
    assert Heartbeat.objects.filter(name="beat").count() == 1


def test_health_reports_each_component_as_json_with_plain_names(client):
    heartbeat()
    body = client.get("/health/?format=json").json()
    assert set(body) == {"database", "broker", "workers", "beat", "jobs"}
    assert body["database"] == "OK"
    assert body["broker"] == "OK"


def test_health_answers_within_seconds_when_no_worker_answers(client, settings):
    """Checks run in parallel with short budgets: a missing worker costs its two-second
    ping, not the sum of every check's wait."""
    start = time.monotonic()
    response = client.get("/health/?format=json")
    elapsed = time.monotonic() - start
    assert response.status_code == 500
    assert response.json()["workers"] == "Unavailable: Celery workers unavailable"
    assert elapsed < 3.5


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_health_answers_in_well_under_a_second_with_a_worker(client):
    with running_worker():
        heartbeat()
        client.get("/health/?format=json")  # warm up: the first ping opens the broker connection
        start = time.monotonic()
        body = client.get("/health/?format=json").json()
        elapsed = time.monotonic() - start
    assert body == {"database": "OK", "broker": "OK", "workers": "OK", "beat": "OK", "jobs": "OK"}
    assert elapsed < 1.0
