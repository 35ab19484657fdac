"""What the visit already tells support: the article the visitor came from, searches, tree path, vote."""
import json

from flask import current_app

from app.core import signals
from app.extensions import db
from app.kb.models import Article
from app.kb.services import public_articles
from app.search import analytics

MAX_TREE_STEPS = 50


def source_article(slug):
    """The public article a visitor came from (by slug), or None."""
    if not slug or len(slug) > 160:
        return None
    return db.session.execute(public_articles().where(Article.slug == slug)).scalar_one_or_none()


def tree_path(raw):
    """A troubleshooter path [{node, answer}] from the form's hidden field; [] when absent or malformed."""
    try:
        steps = json.loads(raw or "[]")
    except (ValueError, RecursionError):  # deeply nested input is malformed too
        return []
    if not isinstance(steps, list):
        return []
    path = []
    for step in steps[:MAX_TREE_STEPS]:
        if isinstance(step, dict):
            path.append({"node": str(step.get("node", ""))[:200], "answer": str(step.get("answer", ""))[:200]})
    return path


def collect(article, tree_raw, visitor_key, visitor_id):
    """The context dict stored with an inquiry (article_id/revision_id are moved to columns by the service)."""
    context = {"searches": analytics.recent_queries(visitor_key)}
    path = tree_path(tree_raw)
    if path:
        context["tree_path"] = path
    if article is not None:
        context["article_id"] = article.id
        context["revision_id"] = article.published_revision_id
    app = current_app._get_current_object()
    for _, extra in signals.inquiry_context.send(app, visitor_id=visitor_id,
                                                 article_id=article.id if article else None):
        if isinstance(extra, dict):
            context.update({k: v for k, v in extra.items() if k not in ("article_id", "revision_id")})
    return context
