"""GET /write/attention: the articles that need a writer, for everyone who works on content."""
from flask import current_app, render_template, url_for

from app.auth.access import roles_required
from app.authoring import CONTENT_READERS, bp
from app.authoring.attention import needs_attention


def article_url(article_id):
    """The workspace page of an article (its editor once that page exists)."""
    if "authoring.article" in current_app.view_functions:
        return url_for("authoring.article", article_id=article_id)
    return f"/write/{article_id}"


@bp.get("/attention")
@roles_required(*CONTENT_READERS)
def attention():
    """Overdue reviews, reviews waiting, broken links and the plugins' checks, as of today."""
    return render_template("authoring/attention.html", attention=needs_attention(), article_url=article_url)
