"""Cheap page-view logging: counts are buffered per worker and written in one short upsert."""
import atexit
import re
import threading
import time
import weakref
from collections import Counter

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.kb.models import PageView, utcnow

BOT_AGENTS = re.compile(r"bot|crawl|spider|slurp|preview|headless|monitor", re.IGNORECASE)


class PageViewBuffer:
    """Collects (article, revision, day, visitor) counts and flushes them by size or age."""

    def __init__(self, app, flush_size=50, flush_seconds=5.0):
        self.app = app
        self.flush_size = flush_size
        self.flush_seconds = flush_seconds
        self._counts = Counter()
        self._lock = threading.Lock()
        self._oldest = None

    def add(self, article_id, revision_id, visitor_key, user_agent="", day=None):
        """Count one view; bots are not counted. Flushes when the buffer is full or old."""
        if user_agent and BOT_AGENTS.search(user_agent):
            return
        key = (article_id, revision_id, day or utcnow().date(), visitor_key)  # the UTC day, as analytics files it
        with self._lock:
            self._counts[key] += 1
            if self._oldest is None:
                self._oldest = time.monotonic()
            due = len(self._counts) >= self.flush_size or time.monotonic() - self._oldest >= self.flush_seconds
        if due:
            self.flush()

    def flush(self):
        """Write buffered counts in one transaction of its own (never the request's)."""
        with self._lock:
            counts, self._counts, self._oldest = self._counts, Counter(), None
        if not counts:
            return 0
        rows = [
            {"article_id": a, "revision_id": r, "day": d, "visitor_key": v, "views": n}
            for (a, r, d, v), n in counts.items()
        ]
        with self.app.app_context():
            engine = db.engine
            dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
            stmt = dialect.insert(PageView)
            stmt = stmt.on_conflict_do_update(
                index_elements=["article_id", "revision_id", "day", "visitor_key"],
                set_={"views": PageView.views + stmt.excluded.views},
            )
            with engine.begin() as conn:
                conn.execute(stmt, rows)
        return len(rows)


def buffer_for(app):
    """The page-view buffer of ``app``."""
    return app.extensions["tier0_pageviews"]


def init_app(app):
    """Give the app a page-view buffer that is flushed when the process exits."""
    buffer = PageViewBuffer(app, app.config["PAGEVIEW_FLUSH_SIZE"], app.config["PAGEVIEW_FLUSH_SECONDS"])
    app.extensions["tier0_pageviews"] = buffer
    atexit.register(_flush_quietly, weakref.ref(buffer))


def _flush_quietly(buffer_ref):
    buffer = buffer_ref()
    if buffer is None:
        return
    try:
        buffer.flush()
    except Exception:  # the database may already be gone at exit; losing a few counts is acceptable
        pass
