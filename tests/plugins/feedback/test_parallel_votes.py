"""200 visitors voting on one article at the same time, against gunicorn with 4 workers on one SQLite file."""
import os
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest

from tests.helpers import PROJECT_ROOT
from tests.plugins.feedback.conftest import widget_form
from tests.test_multiprocess import BIN, free_port, wait_until_up

pytestmark = pytest.mark.slow

VISITORS = 200
THREADS = 50
SLUG = "refunds"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand the 303 back to the caller instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Visitor:
    """One browser: its own cookie jar and its own address (sent as X-Forwarded-For through PROXY_FIX=1)."""

    def __init__(self, number):
        self.address = f"10.0.{number // 250}.{number % 250 + 1}"
        self.helpful = "yes" if number % 3 else "no"
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())
        self.action = self.fields = None

    def _open(self, url, data=None):
        headers = {"X-Forwarded-For": self.address, "User-Agent": f"Visitor/{self.address}"}
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:  # 303 (not followed), 4xx, 5xx
            return error.code, error.headers, error.read().decode(errors="replace")

    def open_article(self, base):
        status, _, html = self._open(f"{base}/articles/{SLUG}")
        assert status == 200, status
        self.action, self.fields = widget_form(html)
        assert self.fields["csrf_token"] and self.fields["revision_id"], self.fields
        assert len(self.cookies) > 0, "the page set no cookie to recognize this visitor by"
        return self

    def vote(self, base):
        data = urllib.parse.urlencode({**self.fields, "helpful": self.helpful}).encode()
        started = time.monotonic()
        status, headers, body = self._open(base + self.action, data)
        return status, headers.get("Location", ""), body[:300], started, time.monotonic()


def _peak_in_flight(intervals):
    """The largest number of requests that were open at the same moment."""
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    peak = current = 0
    for _, change in events:
        current += change
        peak = max(peak, current)
    return peak


def test_200_visitors_vote_at_once_on_four_workers(tmp_path):
    instance = tmp_path / "instance"
    env = {**os.environ, "TIER0_INSTANCE_PATH": str(instance), "TIER0_SECRET_KEY": "parallel-votes",
           # Behind a proxy, as in production: each visitor's own address counts for the rate limits
           # (10 votes a minute per client and article would otherwise stop 200 visitors from one address).
           "TIER0_PROXY_FIX": "1"}
    for name in ("DATABASE_URL", "TIER0_DATABASE_URL", "TIER0_SQLALCHEMY_DATABASE_URI", "TIER0_REDIS_URL"):
        env.pop(name, None)
    subprocess.run([BIN / "tier0", "db", "upgrade"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
    subprocess.run([BIN / "tier0", "kb", "sync"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
    port = free_port()
    error_log, access_log, output = tmp_path / "gunicorn.log", tmp_path / "access.log", tmp_path / "stderr.log"
    with open(output, "wb") as sink:
        server = subprocess.Popen(
            [BIN / "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}", "--error-logfile", str(error_log),
             "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "wsgi:app"],
            env=env, cwd=PROJECT_ROOT, stdout=sink, stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/", server)
        visitors = [Visitor(number) for number in range(VISITORS)]
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            list(pool.map(lambda visitor: visitor.open_article(base), visitors))

        # Park every thread of the pool at the start line, then release their POSTs together.
        parked, go = threading.Semaphore(0), threading.Event()

        def vote(visitor):
            if not go.is_set():
                parked.release()
                go.wait()
            return visitor.vote(base)

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            futures = [pool.submit(vote, visitor) for visitor in visitors]
            for _ in range(THREADS):
                assert parked.acquire(timeout=30), "the pool never filled up"
            go.set()
            answers = [future.result() for future in futures]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    failures = [(status, body) for status, _, body, _, _ in answers if status != 303]
    assert failures == [], f"{len(failures)} of {VISITORS} votes failed, e.g. {failures[:3]}"
    assert {location.rsplit("/", 1)[-1] for _, location, _, _, _ in answers} == {f"{SLUG}#feedback"}
    assert _peak_in_flight([(start, end) for *_, start, end in answers]) >= THREADS // 2  # they did overlap

    served_by = {line.split()[0] for line in access_log.read_text().splitlines() if " POST /feedback/" in line}
    assert len(served_by) > 1, "every vote went to one worker"
    for log in (error_log, output):
        text = log.read_text()
        assert "database is locked" not in text and "Traceback" not in text, text[-3000:]

    conn = sqlite3.connect(instance / "tier0.db")
    try:
        total, voters = conn.execute("SELECT count(*), count(DISTINCT voter_key) FROM feedback_votes").fetchone()
        split = dict(conn.execute("SELECT helpful, count(*) FROM feedback_votes GROUP BY helpful").fetchall())
        articles = conn.execute(
            "SELECT count(DISTINCT v.article_id), min(a.slug), count(DISTINCT v.revision_id) "
            "FROM feedback_votes v JOIN articles a ON a.id = v.article_id").fetchone()
    finally:
        conn.close()
    sent = Counter(visitor.helpful for visitor in visitors)
    assert (total, voters) == (VISITORS, VISITORS)
    assert split == {1: sent["yes"], 0: sent["no"]}
    assert articles == (1, SLUG, 1)
