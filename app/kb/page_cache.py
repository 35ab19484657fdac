"""Whole-page cache for anonymous visitors, dropped when the shared content version changes.

Every ORM change to content bumps one counter row (``content_version``) in the same transaction.
Each worker re-reads that counter at most every PAGE_CACHE_CHECK_SECONDS, so all workers and hosts
drop stale pages within about a second; the worker that made the change drops them at once.
"""
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.kb.models import Article, Category, ContentVersion, Redirect, Revision, Tag

CONTENT_CLASSES = (Article, Category, Revision, Tag, Redirect)
_local_commits = [0]  # bumped after a commit that changed content in this process


@dataclass
class CachedPage:
    """A rendered page and what a view needs to log a hit without touching the database."""

    html: str
    created: float
    article_id: int | None = None
    revision_id: int | None = None
    headers: dict | None = None  # response headers the page needs (e.g. a wider CSP), served with every hit


class PageCache:
    """An LRU of rendered pages valid for one content version."""

    def __init__(self, size=2000, check_seconds=1.0, ttl_seconds=300.0):
        self.size = size
        self.check_seconds = check_seconds
        self.ttl_seconds = ttl_seconds
        self._pages = OrderedDict()
        self._lock = threading.Lock()
        self._version = None
        self._checked_at = 0.0
        self._seen_local = _local_commits[0]

    def _refresh(self):
        now = time.monotonic()
        if self._seen_local == _local_commits[0] and now - self._checked_at < self.check_seconds:
            return
        version = current_content_version()
        with self._lock:
            self._seen_local = _local_commits[0]
            self._checked_at = now
            if version != self._version:
                self._pages.clear()
                self._version = version

    def get(self, key):
        """The cached page for key, or None."""
        self._refresh()
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if time.monotonic() - page.created > self.ttl_seconds:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key, html, article_id=None, revision_id=None, headers=None):
        """Remember a rendered page (and the headers it must be served with)."""
        with self._lock:
            self._pages[key] = CachedPage(html, time.monotonic(), article_id, revision_id, headers)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self):
        """Forget every page."""
        with self._lock:
            self._pages.clear()


def current_content_version():
    """The shared content counter (0 before any content exists)."""
    return db.session.execute(select(ContentVersion.version).where(ContentVersion.id == 1)).scalar() or 0


def bump_content_version(session):
    """Increment the shared counter inside ``session``'s transaction."""
    result = session.execute(update(ContentVersion).where(ContentVersion.id == 1).values(version=ContentVersion.version + 1))
    if result.rowcount == 0:
        session.add(ContentVersion(id=1, version=1))
    session.info["content_changed"] = True


@event.listens_for(Session, "before_flush")
def _bump_on_content_change(session, flush_context, instances):
    if session.info.get("content_bumped"):
        return
    changed = (*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o)))
    for obj in changed:
        if isinstance(obj, CONTENT_CLASSES):
            session.info["content_bumped"] = True
            bump_content_version(session)
            return


@event.listens_for(Session, "after_commit")
def _note_local_commit(session):
    if session.info.pop("content_changed", False):
        _local_commits[0] += 1
    session.info.pop("content_bumped", None)


@event.listens_for(Session, "after_rollback")
def _forget_bump(session):
    session.info.pop("content_changed", None)
    session.info.pop("content_bumped", None)


def page_cache(app):
    """The page cache of ``app``."""
    return app.extensions["tier0_page_cache"]


def init_app(app):
    """Give the app its page cache."""
    app.extensions["tier0_page_cache"] = PageCache(
        size=app.config["PAGE_CACHE_SIZE"],
        check_seconds=app.config["PAGE_CACHE_CHECK_SECONDS"],
        ttl_seconds=app.config["PAGE_CACHE_TTL_SECONDS"],
    )
