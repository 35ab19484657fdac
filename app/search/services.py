"""Search for views and the API: plain values in, results out."""
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.lru import LRUCache
from app.extensions import db
from app.kb.models import Article
from app.kb.services import public_articles
from app.search import indexing
from app.search.models import SearchPending
from app.search.query import build_plan, correct_plan

MAX_PER_PAGE = 50


@dataclass
class Result:
    """A result ready to show: the article, its snippet, score and 1-based position."""

    article: Article
    snippet: Markup
    score: float
    position: int


@dataclass
class Outcome:
    """Everything a results page or the API needs."""

    query: str
    total: int = 0
    results: list = field(default_factory=list)
    suggestion: str | None = None
    page: int = 1
    per_page: int = 10
    category: str = ""
    kind: str = ""

    @property
    def pages(self):
        """Number of result pages."""
        return (self.total + self.per_page - 1) // self.per_page


class ResultCache(LRUCache):
    """Recent result pages per process, valid for one index version."""

    def __init__(self, size=512):
        super().__init__(size)


def _backend():
    return current_app.extensions["tier0_search"]


def ensure_index():
    """Make the index usable: rebuild it when missing or unreadable, apply jobs left in the queue."""
    app = current_app._get_current_object()
    if _backend().needs_rebuild():
        indexing.reindex_all(app)
    elif db.session.execute(select(SearchPending.id).limit(1)).first() is not None:
        indexing.drain(app)


def rank(backend, synonyms, plan, category=None, kind=None, offset=0, limit=10):
    """(total, [(article_id, snippet, score)], suggestion) for a plan; no Flask needed (bench/search.py uses it).

    Any word may match and the ranking puts articles matching more of them (and in their titles) first:
    visitors describe problems in words an article may not use ("my listing is not in search results"),
    and requiring every word hid the right article in such queries on the default content.
    """
    plan = correct_plan(plan, backend, synonyms)
    page = backend.search(plan, "or", category, kind, offset, limit)
    # A corrected word was not in the index at all, so offering the known spelling always helps.
    return page.total, [(h.article_id, h.snippet, h.score) for h in page.hits], plan.suggestion()


def search(raw, category="", kind="", page=1, per_page=10):
    """Search public content; any input gives an Outcome (empty for an empty query)."""
    per_page = max(1, min(int(per_page or 10), MAX_PER_PAGE))
    page = max(1, min(int(page or 1), 1000))
    plan = build_plan(raw, current_app.extensions["tier0_synonyms"])
    outcome = Outcome(query=plan.text, page=page, per_page=per_page, category=category or "", kind=kind or "")
    if plan.empty:
        return outcome
    ensure_index()
    cache = current_app.extensions["tier0_search_cache"]
    key = (indexing.search_version(), plan.text, outcome.category, outcome.kind, page, per_page)
    ranked = cache.get(key)
    if ranked is None:
        ranked = rank(_backend(), current_app.extensions["tier0_synonyms"], plan, outcome.category or None,
                      outcome.kind or None, (page - 1) * per_page, per_page)
        cache.put(key, ranked)
    outcome.total, hits, outcome.suggestion = ranked
    # The database has the last word: only articles public right now are shown, whatever the index says.
    ids = [article_id for article_id, _, _ in hits]
    articles = {
        a.id: a
        for a in db.session.execute(
            public_articles().where(Article.id.in_(ids)).options(
                selectinload(Article.published_revision), selectinload(Article.category))
        ).scalars()
    } if ids else {}
    start = (page - 1) * per_page
    outcome.results = [
        Result(article=articles[article_id], snippet=snippet, score=score, position=start + i + 1)
        for i, (article_id, snippet, score) in enumerate(hits)
        if article_id in articles
    ]
    return outcome


def suggest(raw, limit=5):
    """Up to ``limit`` public articles whose titles start with the words typed so far."""
    text = " ".join(str(raw or "")[:100].split())
    if len(text) < 2:
        return []
    ensure_index()
    ids = [article_id for article_id, _ in _backend().suggest(text, limit=limit * 2)]
    if not ids:
        return []
    found = {a.id: a for a in db.session.execute(
        public_articles().where(Article.id.in_(ids)).options(selectinload(Article.published_revision))).scalars()}
    return [found[i] for i in ids if i in found][:limit]
