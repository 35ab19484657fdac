"""GET /dashboard/articles/<id>: one article's views, helpfulness, searches, inquiries and drop-off."""
from flask import render_template, request

from app.analytics.periods import today_utc
from app.auth.access import roles_required
from app.authoring.content import KIND_LABELS, STATUS_LABELS
from app.dashboard import LEAD_ROLES, bp
from app.dashboard.content import article_parts
from app.dashboard.ranges import range_from_request
from app.dashboard.views import NO_STORE
from app.extensions import db
from app.kb.models import Article


@bp.get("/articles/<int:article_id>")
@roles_required(*LEAD_ROLES)
def article(article_id):
    """The article's owner and review date, then what every source shows about it over the range."""
    found = db.get_or_404(Article, article_id)
    period, error = range_from_request(request.args)
    page = render_template("dashboard/article.html", article=found, parts=article_parts(found, period),
                           period=period, error=error, kind_label=KIND_LABELS.get(found.kind, found.kind),
                           status_label=STATUS_LABELS.get(found.status, found.status),
                           overdue=found.review_by is not None and found.review_by < today_utc())
    return page, 400 if error else 200, NO_STORE
