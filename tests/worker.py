"""Start a real Celery worker process against the test database and Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from turazo.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


def _test_database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def running_worker(*, beat: bool = False):
    """A worker on its own queue (so no other worker on this Redis steals tasks),
    reading and writing the test database. Yields the queue name."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ["REDIS_URL"]
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "turazo.settings",
        "DEBUG": "true",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_QUEUE": queue,
        "TURAZO_VAR_DIR": tempfile.mkdtemp(prefix="turazo-worker-"),
    }
    hostname = f"{queue}@localhost"
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "turazo",
        "worker",
        "-Q",
        queue,
        "-n",
        hostname,
        "--concurrency=1",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    if beat:
        cmd.append("--beat")
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    previous = (celery_app.conf.task_default_queue, celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.update(task_default_queue=queue, task_always_eager=False, broker_url=broker)
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[hostname], timeout=1):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Celery worker did not start:\n" + Path(log.name).read_text())
        yield queue
    finally:
        celery_app.conf.update(task_default_queue=previous[0], task_always_eager=previous[1], broker_url=previous[2])
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        connection.close()


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Condition not met within {timeout}s")
