"""Basic database search: every query word must appear in the title, summary or body.

This is the dependable baseline; ranked full-text backends plug in behind the same function.
"""
from sqlalchemy import case, func, or_, select

from app.extensions import db
from app.kb.models import Article, Revision
from app.kb.services import public_articles

MAX_WORDS = 8
MAX_QUERY = 200


def _like(word):
    """A LIKE pattern matching word literally (%, _ and \\ escaped)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def query_words(query):
    """Lower-cased words of a query, at most MAX_WORDS."""
    words = [w for w in (query or "")[:MAX_QUERY].lower().split() if w.strip("\"'")]
    return [w.strip("\"'") for w in words][:MAX_WORDS]


def search(query, page=1, per_page=10):
    """(results, total) for public articles matching every word of query, title matches first."""
    words = query_words(query)
    if not words:
        return [], 0
    title = func.lower(Revision.title)
    summary = func.lower(Revision.summary)
    body = func.lower(Revision.body)
    conditions = [
        or_(title.like(_like(w), escape="\\"), summary.like(_like(w), escape="\\"), body.like(_like(w), escape="\\"))
        for w in words
    ]
    title_hits = sum(case((title.like(_like(w), escape="\\"), 1), else_=0) for w in words)
    base = public_articles().join(Revision, Revision.id == Article.published_revision_id).where(*conditions)
    total = db.session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    rows = db.session.execute(
        base.order_by(title_hits.desc(), Article.position, Revision.title)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).scalars().all()
    return rows, total
