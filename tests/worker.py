"""Start a real Celery worker process against the test database and Redis; make the
broker unreachable for this process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from turazo.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


def _test_database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Worker:
    queue: str
    process: subprocess.Popen
    log: str

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as an OOM killer or a pulled
        plug would: no task gets to finish, clean up or acknowledge its message."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def output(self) -> str:
        return Path(self.log).read_text()


@contextmanager
def running_worker(*, beat: bool = False, queue: str | None = None, name: str = "", var_dir: str | None = None):
    """A worker on its own queue (so no other worker on this Redis steals tasks),
    reading and writing the test database. Yields a ``Worker``; tasks this process
    sends go to its queue while the block runs.

    Pass the ``queue`` of a running worker (and another ``name``) to start a second
    worker on the same queue; ``var_dir`` shares one outbox folder between workers."""
    queue = queue or f"test-{uuid.uuid4().hex[:8]}"
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ["REDIS_URL"]
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "turazo.settings",
        "DEBUG": "true",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_QUEUE": queue,
        "TURAZO_VAR_DIR": var_dir or tempfile.mkdtemp(prefix="turazo-worker-"),
    }
    env.pop("EMAIL_URL", None)  # emails go to the outbox folder under TURAZO_VAR_DIR
    hostname = f"{queue}{name}@localhost"
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
    # Its own process group, so kill() reaches the pool processes too.
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    previous = (celery_app.conf.task_default_queue, celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.update(task_default_queue=queue, task_always_eager=False, broker_url=broker)
    _forget_connections()
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[hostname], timeout=1):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Celery worker did not start:\n" + Path(log.name).read_text())
        yield Worker(queue=queue, process=process, log=log.name)
    finally:
        celery_app.conf.update(task_default_queue=previous[0], task_always_eager=previous[1], broker_url=previous[2])
        _forget_connections()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        connection.close()


def _forget_connections() -> None:
    """Celery keeps a connection pool for the broker URL it first saw: drop it when the URL changes."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def broker_unreachable(url: str | None = None):
    """Point this process's Celery at a broker that refuses connections (a closed port),
    publishing for real instead of running tasks eagerly. Yields the URL."""
    url = url or f"redis://127.0.0.1:{closed_port()}/0"
    saved_env = os.environ.get("CELERY_BROKER_URL")
    saved_conf = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    os.environ["CELERY_BROKER_URL"] = url  # Celery reads this before its own setting
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    _forget_connections()
    try:
        yield url
    finally:
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        celery_app.conf.update(broker_url=saved_conf[0], task_always_eager=saved_conf[1])
        _forget_connections()


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Condition not met within {timeout}s")
