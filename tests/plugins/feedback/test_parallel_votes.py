"""200 visitors voting on one article at the same time, against gunicorn with 4 workers on one SQLite file."""
import sqlite3
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_site import HttpBrowser, gunicorn_site
from tests.plugins.feedback.conftest import widget_form

pytestmark = pytest.mark.slow

VISITORS = 200
THREADS = 50
SLUG = "refunds"


class Visitor(HttpBrowser):
    """One voter with its own cookies and address."""

    def __init__(self, number):
        address = f"10.0.{number // 250}.{number % 250 + 1}"
        super().__init__(address, f"Visitor/{address}", timeout=30)
        self.helpful = "yes" if number % 3 else "no"
        self.action = self.fields = None

    def open_article(self, base):
        status, _, html = self.open(f"{base}/articles/{SLUG}")
        assert status == 200, status
        self.action, self.fields = widget_form(html)
        assert self.fields["csrf_token"] and self.fields["revision_id"], self.fields
        assert len(self.cookies) > 0, "the page set no cookie to recognize this visitor by"
        return self

    def vote(self, base):
        data = urllib.parse.urlencode({**self.fields, "helpful": self.helpful}).encode()
        started = time.monotonic()
        status, headers, body = self.open(base + self.action, data)
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
    # Each visitor's own address counts for the rate limits (10 votes a minute per client and article
    # would otherwise stop 200 visitors from one address).
    with gunicorn_site(tmp_path, "parallel-votes", sync_content=True) as site:
        base = site.base
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

    failures = [(status, body) for status, _, body, _, _ in answers if status != 303]
    assert failures == [], f"{len(failures)} of {VISITORS} votes failed, e.g. {failures[:3]}"
    assert {location.rsplit("/", 1)[-1] for _, location, _, _, _ in answers} == {f"{SLUG}#feedback"}
    assert _peak_in_flight([(start, end) for *_, start, end in answers]) >= THREADS // 2  # they did overlap

    served_by = {line.split()[0] for line in site.access_log.read_text().splitlines() if " POST /feedback/" in line}
    assert len(served_by) > 1, "every vote went to one worker"
    for log in (site.error_log, site.output):
        text = log.read_text()
        assert "database is locked" not in text and "Traceback" not in text, text[-3000:]

    conn = sqlite3.connect(tmp_path / "instance" / "tier0.db")
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
