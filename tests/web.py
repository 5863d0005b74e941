"""Start the production web process (``bin/web``: gunicorn) against the test database,
and talk to it like a browser with no JavaScript: cookies, CSRF, no automatic redirects."""

from __future__ import annotations

import email
import email.policy
import http.cookiejar
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.worker import ROOT, _test_database_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Web:
    url: str
    var_dir: Path
    stdout: Path
    stderr: Path

    def logs(self) -> str:
        return self.stdout.read_text() + self.stderr.read_text()

    def emails(self) -> list[email.message.EmailMessage]:
        """What the outbox backend wrote, oldest first."""
        paths = sorted((self.var_dir / "outbox").glob("*.eml"))
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]


@contextmanager
def running_web(**env: str):
    """``bin/web`` (gunicorn, one worker) on a free port, on the test database, in DEBUG
    with emails written to an outbox directory. Stopped (SIGTERM, as Docker does) on exit."""
    port = free_port()
    var_dir = Path(tempfile.mkdtemp(prefix="turazo-web-"))
    stdout, stderr = var_dir / "stdout.log", var_dir / "stderr.log"
    environment = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL"}}
    environment |= {
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "turazo.settings",
        "DEBUG": "true",
        "DATABASE_URL": _test_database_url(),
        "TURAZO_VAR_DIR": str(var_dir),
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "SITE_URL": f"http://127.0.0.1:{port}",
    } | env
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen([str(ROOT / "bin" / "web")], cwd=ROOT, env=environment, stdout=out, stderr=err)
    web = Web(url=f"http://127.0.0.1:{port}", var_dir=var_dir, stdout=stdout, stderr=stderr)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("bin/web did not start:\n" + web.logs()) from None
                time.sleep(0.2)
        yield web
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


class Browser:
    """Cookies and CSRF like a browser; redirects are returned, not followed."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects)

    def _open(self, request: urllib.request.Request) -> Response:
        try:
            with self.opener.open(request, timeout=30) as r:
                return Response(r.status, dict(r.headers.items()), r.read().decode())
        except urllib.error.HTTPError as e:
            return Response(e.code, dict(e.headers.items()), e.read().decode(errors="replace"))

    def get(self, path: str, *, referer: str | None = None) -> Response:
        headers = {"Referer": referer} if referer else {}
        return self._open(urllib.request.Request(self.base_url + path, headers=headers))

    def post(self, path: str, data: dict[str, str]) -> Response:
        csrf = next((c.value for c in self.cookies if c.name == "csrftoken"), None)
        if csrf is None:  # first visit: the form's page sets the cookie
            self.get(path)
            csrf = next(c.value for c in self.cookies if c.name == "csrftoken")
        body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": csrf}).encode()
        headers = {"Referer": self.base_url + path, "Origin": self.base_url}
        return self._open(urllib.request.Request(self.base_url + path, data=body, headers=headers, method="POST"))
