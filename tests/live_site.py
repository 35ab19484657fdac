"""A real multi-process site for concurrency tests: gunicorn with 4 workers, and browsers over real HTTP."""
import os
import signal
import subprocess
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

from tests.helpers import PROJECT_ROOT
from tests.test_multiprocess import BIN, free_port, wait_until_up

SERVICE_SETTINGS = ("DATABASE_URL", "TIER0_DATABASE_URL", "TIER0_SQLALCHEMY_DATABASE_URI", "TIER0_REDIS_URL")


@dataclass
class Site:
    """A running site: its address and its log files."""

    base: str
    error_log: Path
    access_log: Path
    output: Path


@contextmanager
def gunicorn_site(tmp_path, secret, sync_content=False, **settings):
    """The app on gunicorn (4 workers, one SQLite file, behind a trusted proxy); TIER0_* settings as keywords."""
    env = {**os.environ, "TIER0_INSTANCE_PATH": str(tmp_path / "instance"), "TIER0_SECRET_KEY": secret,
           # Behind a proxy, as in production: each browser's own address counts for the rate limits.
           "TIER0_PROXY_FIX": "1", **{f"TIER0_{name}": value for name, value in settings.items()}}
    for name in SERVICE_SETTINGS:
        env.pop(name, None)
    subprocess.run([BIN / "tier0", "db", "upgrade"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
    if sync_content:
        subprocess.run([BIN / "tier0", "kb", "sync"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
    port = free_port()
    site = Site(f"http://127.0.0.1:{port}", tmp_path / "gunicorn.log", tmp_path / "access.log", tmp_path / "stderr.log")
    with open(site.output, "wb") as sink:
        server = subprocess.Popen(
            [BIN / "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}", "--error-logfile", str(site.error_log),
             "--access-logfile", str(site.access_log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "wsgi:app"],
            env=env, cwd=PROJECT_ROOT, stdout=sink, stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(site.base + "/", server)
        yield site
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand a redirect back to the caller instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class HttpBrowser:
    """One browser: its own cookie jar and its own address (sent as X-Forwarded-For); redirects not followed."""

    def __init__(self, address, agent, timeout=60):
        self.address, self.agent, self.timeout = address, agent, timeout
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def open(self, url, data=None):
        """(status, headers, body text) of a GET, or of a POST when data (bytes) is given."""
        headers = {"X-Forwarded-For": self.address, "User-Agent": self.agent}
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:  # 303 (not followed), 4xx, 5xx
            return error.code, error.headers, error.read().decode(errors="replace")
