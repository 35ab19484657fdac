"""The search results page, and click recording on result links."""
from flask import current_app, render_template, request
from flask_login import current_user

from app.core.security import request_visitor_key
from app.kb import services as kb_services
from app.kb.models import KINDS
from app.search import analytics, bp, services

PER_PAGE = 10
KIND_LABELS = {"article": "Articles", "faq": "FAQs", "tutorial": "Tutorials", "troubleshooter": "Troubleshooters"}


def _int_arg(name, default):
    try:
        return int(request.args.get(name, default))
    except (TypeError, ValueError):
        return default


@bp.get("/search")
def results():
    """Ranked results for ?q= with category and kind filters; any input gives a normal page."""
    query = request.args.get("q", "")
    category = request.args.get("category", "")[:120]
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    outcome = services.search(query, category=category, kind=kind, page=_int_arg("page", 1), per_page=PER_PAGE)
    # Staff searches (often following an inquiry's context) would skew what visitors look for.
    recorded = outcome.query and not current_user.is_authenticated
    search_id = analytics.record_search(outcome, request_visitor_key()) if recorded else None
    popular = kb_services.popular_articles(limit=5) if outcome.query and not outcome.total else []
    categories = [c for c, _ in kb_services.home_categories()]
    return render_template("search/results.html", outcome=outcome, search_id=search_id, popular=popular,
                           categories=categories, kinds=KIND_LABELS)


@bp.before_app_request
def record_result_click():
    """A result link carries ?s=<search id>&p=<position>: count the click, then serve the page as usual."""
    if request.endpoint != "kb.article" or "s" not in request.args:
        return
    search_id, position = _int_arg("s", 0), _int_arg("p", 0)
    article = kb_services.get_public_article((request.view_args or {}).get("slug", ""))
    if search_id and article is not None:
        try:
            analytics.record_click(search_id, article.id, position, request_visitor_key())
        except Exception:  # a lost click must never cost the visitor the page
            current_app.logger.warning("could not record a search click", exc_info=True)
