"""Public help-center pages. Anonymous visitors are served from the page cache when possible."""
from datetime import date

from flask import Response, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from markupsafe import Markup

from app.core import signals
from app.core.markdown import plain_text, render_markdown
from app.core.security import fill_public_form_tokens, request_visitor_key
from app.kb import bp, services
from app.kb.page_cache import page_cache
from app.kb.pageviews import buffer_for


def _has_session_cookie():
    """True when the request carries a session or remember cookie (nearly all readers carry neither)."""
    cookies = request.cookies
    config = current_app.config
    return config["SESSION_COOKIE_NAME"] in cookies or config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies


def _may_be_signed_in():
    """True for signed-in staff; decided from the cookies first to spare anonymous readers the user lookup."""
    return _has_session_cookie() and current_user.is_authenticated


def _cached(key, render):
    """Serve a page from the cache when it is the same for everyone, else render it for this visitor.

    ``render() -> (html, article_id, revision_id)``. Staff (who may see drafts) and visitors with a
    message waiting in their session get a page of their own, never cached; staff views are not counted.
    """
    signed_in = _may_be_signed_in()
    if signed_in or (_has_session_cookie() and session.get("_flashes")):
        html, article_id, revision_id = render()
    else:
        cache = page_cache(current_app)
        key = (request.host, *key)
        page = cache.get(key)
        if page is None:
            g.rendering_shared_page = True
            try:
                html, article_id, revision_id = render()
            finally:
                g.rendering_shared_page = False
            cache.put(key, html, article_id, revision_id)
        else:
            html, article_id, revision_id = page.html, page.article_id, page.revision_id
    if article_id is not None and not signed_in:
        _count_view(article_id, revision_id)
    return fill_public_form_tokens(html)


def _count_view(article_id, revision_id):
    """Log a page view (buffered) and tell plugins about it."""
    key = request_visitor_key()
    buffer_for(current_app).add(article_id, revision_id, key, request.headers.get("User-Agent", ""))
    app = current_app._get_current_object()
    if signals.article_viewed.receivers:
        signals.article_viewed.send(app, article_id=article_id, revision_id=revision_id, visitor_key=key)


@bp.get("/")
def index():
    """Home page: search, categories with counts, popular and recently updated articles."""

    def render():
        html = render_template(
            "kb/index.html",
            categories=services.home_categories(),
            popular=services.popular_articles(),
            recent=services.recently_updated(),
        )
        return html, None, None

    return _cached(("home",), render)


@bp.get("/categories/<slug>")
def category(slug):
    """A category page listing its articles, FAQs and subcategories."""

    def render():
        cat = services.get_category(slug)
        if cat is None:
            abort(404)
        articles = services.category_articles(cat)
        counts = services.public_counts_by_category()
        children = [(child, counts.get(child.id, 0)) for child in cat.children if counts.get(child.id)]
        if not articles and not children:
            abort(404)
        html = render_template(
            "kb/category.html",
            category=cat,
            crumbs=services.breadcrumbs(cat),
            guides=[a for a in articles if a.kind != "faq"],
            faqs=[a for a in articles if a.kind == "faq"],
            children=children,
        )
        return html, None, None

    return _cached(("category", slug), render)


@bp.get("/articles/<slug>")
def article(slug):
    """An article page with breadcrumbs, table of contents, related and previous/next articles."""
    staff = _may_be_signed_in()

    def render():
        found = services.get_article(slug)
        if found is None or not (found.is_public or staff):
            target = services.resolve_redirect(slug)
            if target is not None and (target.is_public or staff):
                abort(redirect(url_for("kb.article", slug=target.slug), 301))
            abort(404)
        if found.kind == "troubleshooter":  # the player has its own pages, one URL per step
            abort(redirect(url_for("troubleshoot.start", slug=found.slug), 302))
        revision = found.published_revision if found.is_public else found.current_revision
        if revision is None:
            abort(404)
        rendered = render_markdown(revision.body)
        previous, following = services.neighbours(found)
        html = render_template(
            "kb/article.html",
            article=found,
            revision=revision,
            body=Markup(rendered.html),  # sanitized by nh3 in render_markdown
            toc=rendered.toc,
            crumbs=services.breadcrumbs(found.category),
            related=services.related_articles(found),
            previous=previous,
            following=following,
            description=revision.summary or plain_text(revision.body, 160),
        )
        return html, found.id, revision.id

    return _cached(("article", slug), render)


@bp.get("/faq")
def faq():
    """Every FAQ grouped by category, each an expandable question with a stable anchor."""

    def render():
        groups = [
            (category, [(faq, Markup(render_markdown(faq.published_revision.body).html)) for faq in faqs])
            for category, faqs in services.faq_groups()
        ]
        return render_template("kb/faq.html", groups=groups), None, None

    return _cached(("faq",), render)


@bp.get("/sitemap.xml")
def sitemap():
    """sitemap.xml of public pages."""
    xml = render_template(
        "kb/sitemap.xml",
        articles=services.sitemap_articles(),
        categories=[c for c, _ in services.home_categories()],
        today=date.today(),
    )
    return Response(xml, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    """robots.txt pointing crawlers at the sitemap and away from staff pages."""
    text = render_template("kb/robots.txt")
    return Response(text, mimetype="text/plain")
