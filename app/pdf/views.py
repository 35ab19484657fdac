"""PDF downloads: an article, a tutorial's summary, a category guide, the whole handbook."""
from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import limiter
from app.kb import services as kb
from app.pdf import bp, plans, services

PUBLIC_MAX_AGE = 300


def _article_and_revision(slug, kind=None):
    """(article, revision, draft) a visitor may export; 404 otherwise, 301 for a renamed slug.

    Anonymous visitors get published revisions only; signed-in staff may export the current draft.
    """
    found, revision, moved = kb.find_readable(slug, current_user.is_authenticated, kind)
    if moved:
        abort(redirect(url_for(request.endpoint, slug=found.slug), 301))
    if found is None or kind not in (None, found.kind):
        abort(404)
    return found, revision, not found.is_public


def _send(plan):
    """The plan's PDF as a download (cached by content), or the friendly error page when drawing fails."""
    try:
        export = services.cached_export(plan, services.settings(request.url_root))
    except services.RenderError as error:
        current_app.logger.warning("PDF %s %r could not be drawn: %s", plan.kind, plan.subject, error)
        page = render_template("pdf/unavailable.html", plan=plan, reason=error.reason)
        return page, 503, {"Retry-After": "60", "Cache-Control": "no-store"}
    response = Response(export.pdf, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=export.filename)
    if plan.draft:
        response.headers["Cache-Control"] = "private, no-store"
    else:
        response.set_etag(export.key)
        response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
        response.make_conditional(request)
    return response


@bp.get("/articles/<slug>.pdf")
@limiter.limit("PDF_RATE_LIMIT", "pdf", methods=("GET",))
def article(slug):
    """An article, FAQ, tutorial (in full) or troubleshooter (as a numbered checklist) as a PDF."""
    found, revision, draft = _article_and_revision(slug)
    return _send(plans.article_plan(found, revision, draft))


@bp.get("/articles/<slug>/summary.pdf")
@limiter.limit("PDF_RATE_LIMIT", "pdf", methods=("GET",))
def tutorial_summary(slug):
    """A tutorial's condensed steps on one or two pages."""
    found, revision, draft = _article_and_revision(slug, kind="tutorial")
    return _send(plans.summary_plan(found, revision, draft))


@bp.get("/categories/<slug>.pdf")
@limiter.limit("PDF_RATE_LIMIT", "pdf", methods=("GET",))
def category(slug):
    """A category guide: cover, contents with page numbers, one chapter per published article."""
    found = kb.get_category(slug)
    plan = plans.category_plan(found) if found is not None else None
    if plan is None:
        abort(404)
    return _send(plan)


@bp.get("/handbook.pdf")
@limiter.limit("PDF_RATE_LIMIT", "pdf", methods=("GET",))
def handbook():
    """Every published article of the help center in one PDF, one part per category."""
    plan = plans.handbook_plan(current_app.config["SITE_NAME"])
    if plan is None:
        abort(404)
    return _send(plan)
