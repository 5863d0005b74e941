"""`make run` on the embedded default, as a newcomer runs it on another address: every
email link points at the address served (whether the web process or the worker renders
it), /health/ answers fast, secrets stay out of runserver's log, and Ctrl-C stops the
web server, the worker and beat within seconds, cleanly."""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.web import Browser, free_port
from tests.worker import ROOT

PASSWORD = "a-long-Secret-phrase-42"
INVITE = """
from mentoring.services.invitations import invitation_issue_bulk
from tests.mentoring.factories import ParticipantFactory
invitation_issue_bulk(participants=[ParticipantFactory(email="invitee@example.com")], invited_by=None)
"""


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for line in subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout.splitlines():
        child, parent = map(int, line.split())
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _emails(var_dir: Path) -> list[email.message.EmailMessage]:
    paths = sorted((var_dir / "outbox").glob("*.eml"))
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]


def _wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.2)
    raise AssertionError(f"Timed out waiting for {what}")


@pytest.fixture
def embedded_env(tmp_path) -> dict[str, str]:
    """The environment of a newcomer: no services, no SITE_URL, a fresh var/ directory
    (migrated here; `make run` would also seed the demo, which this does not need)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SITE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env |= {"TURAZO_VAR_DIR": str(tmp_path / "var"), "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}"}
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT, env=env | {"DEBUG": "true"}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    return env


def test_make_run_serves_its_address_in_every_link_and_stops_cleanly_on_ctrl_c(embedded_env, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    var_dir = Path(embedded_env["TURAZO_VAR_DIR"])
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        make = subprocess.Popen(
            # -o: the venv is installed (CI ran make install-dev) and the demo seed is not needed here
            ["make", "-o", ".venv/.installed", "-o", "seed", "run", f"ADDR=127.0.0.1:{port}"],
            cwd=ROOT, env=embedded_env, stdout=out, stderr=subprocess.STDOUT,
            # a terminal session of its own, where Ctrl-C is not ignored
            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
    try:
        _wait_for(lambda: _answers(url + "/accounts/login/"), timeout=120, what=f"make run to serve {url}")
        browser = Browser(url)

        # The web process builds allauth's links...
        signed_up = browser.post(
            "/accounts/signup/", {"email": "newcomer@example.com", "password1": PASSWORD, "password2": PASSWORD}
        )
        assert signed_up.status == 302
        confirm = _emails(var_dir)[-1].get_body(preferencelist=("plain",)).get_content()
        assert re.search(rf"{url}/accounts/confirm-email/[^\s]+/", confirm)

        # ...and the worker renders invitations: both use the address served.
        shell = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", INVITE],
            cwd=ROOT, env=embedded_env | {"DEBUG": "true"}, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert shell.returncode == 0, shell.stderr
        invitation = _wait_for(
            lambda: next((m for m in _emails(var_dir) if m["To"] == "invitee@example.com"), None),
            timeout=60,
            what="the worker to send the invitation",
        )
        body = invitation.get_body(preferencelist=("plain",)).get_content()
        assert re.search(rf"{url}/invitations/[A-Za-z0-9_-]+/", body)

        # /health/ answers fast on the embedded default too (checks in parallel, quick polls).
        start = time.monotonic()
        health = browser.get("/health/?format=json")
        assert time.monotonic() - start < 1.5
        assert health.body.startswith("{")

        # runserver's request log keeps secrets out.
        token = "Not-A-Real-Token-But-Secret-Looking-123"
        assert browser.get(f"/invitations/{token}/").status == 404

        processes = _descendants(make.pid)
        assert len(processes) >= 5  # make, bin/dev, worker (+ pool), beat, runserver (+ reloader)
        before_stop = log.stat().st_size
        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C in the terminal
        start = time.monotonic()
        _wait_for(lambda: not _alive(processes), timeout=20, what="every process of make run to stop")
        stopped_after = time.monotonic() - start
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
        for pid in _alive(_descendants(make.pid)):
            os.kill(pid, signal.SIGKILL)

    output = log.read_text()
    shutdown = output.encode()[before_stop:].decode(errors="replace")
    # Typically two or three seconds; a loaded CI machine takes longer to tear down
    # the worker's interpreter (bin/dev kills anything left after ten).
    assert stopped_after < 15, shutdown
    assert "Segmentation fault" not in shutdown
    assert "Traceback" not in shutdown
    assert token not in output
    assert "/invitations/[redacted]/" in output


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False
