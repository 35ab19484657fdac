"""Public help-center pages. Anonymous visitors are served from the page cache when possible."""
import json
from datetime import date
from pathlib import Path

from flask import (Response, abort, current_app, g, redirect, render_template, request, send_from_directory, session,
                   url_for)
from flask_login import current_user
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from app.core import signals
from app.core.markdown import plain_text, render_markdown
from app.core.security import CONTENT_SECURITY_POLICY, fill_public_form_tokens, request_visitor_key
from app.kb import bp, services
from app.kb.page_cache import page_cache
from app.kb.pageviews import buffer_for
from app.kb.tutorials import PLAYER_ORIGINS, render_tutorial, tutorial_facts

# Tutorial pages may frame the two allowed video players (inserted by video.js on play); no other page may.
TUTORIAL_CSP = f"{CONTENT_SECURITY_POLICY}; frame-src {' '.join(PLAYER_ORIGINS)}; media-src 'self'"
MEDIA_FOLDER = "_media"  # inside CONTENT_DIR; skipped by `flask kb sync` like every _folder
MEDIA_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp", "svg", "mp4", "webm", "ogv", "vtt"}
MEDIA_MAX_AGE = 30 * 86400
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"  # an SVG opened directly can run no script


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

    ``render() -> (html, article_id, revision_id)``; a render may set ``g.page_headers`` for headers the
    page needs, which are kept with the cached copy. Staff (who may see drafts) and visitors with a
    message waiting in their session get a page of their own, never cached; staff views are not counted.
    """
    signed_in = _may_be_signed_in()
    if signed_in or (_has_session_cookie() and session.get("_flashes")):
        html, article_id, revision_id = render()
        headers = g.pop("page_headers", None)
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
            headers = g.pop("page_headers", None)
            cache.put(key, html, article_id, revision_id, headers)
        else:
            html, article_id, revision_id, headers = page.html, page.article_id, page.revision_id, page.headers
    if article_id is not None and not signed_in:
        _count_view(article_id, revision_id)
    html = fill_public_form_tokens(html)
    return Response(html, headers=headers) if headers else html


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
        found, revision = _readable_or_abort(slug, staff)
        if found.kind == "troubleshooter":  # the player has its own pages, one URL per step
            abort(redirect(url_for("troubleshoot.start", slug=found.slug), 302))
        previous, following = services.neighbours(found)
        page = dict(
            article=found,
            revision=revision,
            crumbs=services.breadcrumbs(found.category),
            related=services.related_articles(found),
            previous=previous,
            following=following,
            description=revision.summary or plain_text(revision.body, 160),
        )
        if found.kind == "tutorial":
            html = render_template("kb/tutorial.html", tutorial=render_tutorial(revision.body, revision.title),
                                   facts=tutorial_facts(revision.meta), **page)
            g.page_headers = {"Content-Security-Policy": TUTORIAL_CSP}
            return html, found.id, revision.id
        rendered = render_markdown(revision.body)
        html = render_template(
            "kb/article.html",
            body=Markup(rendered.html),  # sanitized by nh3 in render_markdown
            toc=rendered.toc,
            **page,
        )
        return html, found.id, revision.id

    return _cached(("article", slug), render)


def _readable_or_abort(slug, staff, kind=None):
    """(article, revision) the visitor may see at ``slug``; 301 to this endpoint for a renamed one, else 404."""
    found, revision, moved = services.find_readable(slug, staff, kind)
    if moved:
        abort(redirect(url_for(request.endpoint, slug=found.slug), 301))
    if found is None or kind not in (None, found.kind):
        abort(404)
    return found, revision


def _summary_html(tutorial, revision):
    """The one-page summary of a tutorial revision."""
    return render_template(
        "kb/tutorial_summary.html",
        article=tutorial,
        revision=revision,
        tutorial=render_tutorial(revision.body, revision.title),
        facts=tutorial_facts(revision.meta),
        crumbs=services.breadcrumbs(tutorial.category),
    )


@bp.get("/articles/<slug>/summary")
def tutorial_summary(slug):
    """A tutorial on one printable page: facts, prerequisites, and each step's title and first paragraph."""
    staff = _may_be_signed_in()

    def render():
        found, revision = _readable_or_abort(slug, staff, kind="tutorial")
        return _summary_html(found, revision), None, None

    return _cached(("tutorial-summary", slug), render)


@bp.get("/media/<path:filename>")
def media(filename):
    """An image, video or caption file from the content folder's _media/ (allow-listed types only)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in MEDIA_EXTENSIONS or any(part.startswith(".") for part in filename.split("/")):
        abort(404)
    folder = Path(current_app.config["CONTENT_DIR"]) / MEDIA_FOLDER
    response = send_from_directory(folder, filename, max_age=MEDIA_MAX_AGE)  # 404 for "..", absolute or missing
    response.headers["X-Content-Type-Options"] = "nosniff"
    if extension == "svg":
        response.headers["Content-Security-Policy"] = SVG_CSP
    return response


@bp.get("/faq")
def faq():
    """Every FAQ grouped by category, each an expandable question with a stable anchor."""

    def render():
        groups = [
            (category, [(faq, Markup(render_markdown(faq.published_revision.body).html)) for faq in faqs])
            for category, faqs in services.faq_groups()
        ]
        faqs = [faq for _, items in groups for faq, _ in items]
        return render_template("kb/faq.html", groups=groups, structured_data=faq_structured_data(faqs)), None, None

    return _cached(("faq",), render)


def faq_structured_data(faqs):
    """schema.org FAQPage JSON-LD for the FAQ articles, safe inside <script> (<, >, &, ' as \\u escapes)."""
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": faq.published_revision.title,
                "acceptedAnswer": {"@type": "Answer", "text": plain_text(faq.published_revision.body)},
            }
            for faq in faqs
        ],
    }
    return htmlsafe_json_dumps(data, dumps=json.dumps, ensure_ascii=False)


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
