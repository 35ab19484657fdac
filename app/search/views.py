"""The search results page."""
from flask import render_template, request

from app.kb import services as kb_services
from app.search import bp, services

PER_PAGE = 10


@bp.get("/search")
def results():
    """Search results for ?q=, with paging; an empty or odd query never fails."""
    query = request.args.get("q", "")[: services.MAX_QUERY].strip()
    page = request.args.get("page", 1, type=int) or 1
    page = max(1, min(page, 1000))
    results, total = services.search(query, page=page, per_page=PER_PAGE)
    pages = (total + PER_PAGE - 1) // PER_PAGE
    popular = kb_services.popular_articles(limit=5) if query and not total else []
    return render_template(
        "search/results.html", query=query, results=results, total=total, page=page, pages=pages, popular=popular
    )
