"""The public help center as a visitor sees it."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.kb.models import PageView
from app.kb.sync import sync_directory
from tests.helpers import BOTH_BACKENDS, article_file, login, write

LONG_BODY = "Intro.\n\n## Before you start\n\nCheck things.\n\n### Card payments\n\nDetails.\n\n## Ask for a refund\n\nSteps."


@pytest.fixture
def site(app, tmp_path):
    root = tmp_path / "content"
    write(root, "billing/_category.yml", "title: Billing\ndescription: Payments and refunds.\nicon: card\nposition: 1\n")
    write(root, "billing/refunds.md", article_file("Get a refund", LONG_BODY, summary="How refunds work.",
                                                   tags=["payments", "refunds"], position=1))
    write(root, "billing/invoices.md", article_file("Download invoices", "Go to Billing.", tags=["payments"], position=2))
    write(root, "billing/charged-twice.md", article_file("Why was I charged twice?", "Usually a **hold**.", kind="faq",
                                                         tags=["payments"], position=3))
    write(root, "billing/secret-plan.md", article_file("Secret pricing plan", "Not yet.", tags=["payments"], status="draft"))
    write(root, "billing/old-policy.md", article_file("Old refund policy", "Gone.", tags=["payments"], status="archived"))
    write(root, "account/_category.yml", "title: Account\nposition: 2\n")
    write(root, "account/login.md", article_file("Log in", "Use your e-mail.", tags=["login"], redirect_from=["sign-in"]))
    write(root, "account/hidden.md", article_file("Hidden draft", "Draft.", status="in_review", redirect_from=["old-hidden"]))
    with app.app_context():
        assert not sync_directory(root).failed
    return root


def text(response):
    return response.get_data(as_text=True)


@BOTH_BACKENDS
def test_home_lists_categories_with_public_article_counts(client, site):
    page = text(client.get("/"))

    assert re.search(r"Billing</span>\s*<span class=\"category-description\">Payments and refunds.</span>\s*"
                     r"<span class=\"category-count\">3 articles", page)
    assert "1 article<" in page  # Account: the in-review article is not counted
    assert 'action="/search"' in page


def test_home_lists_popular_and_recently_updated_articles(client, site):
    for _ in range(3):
        client.get("/articles/invoices")
    client.get("/articles/refunds")

    page = text(client.get("/"))
    popular = page.split("Popular articles")[1].split("Recently updated")[0]

    assert popular.index("Download invoices") < popular.index("Get a refund")
    assert "Get a refund" in page.split("Recently updated")[1]


def test_category_page_lists_public_articles_and_faqs(client, site):
    page = text(client.get("/categories/billing"))

    assert "<h1>Billing</h1>" in page
    assert "Get a refund" in page and "How refunds work." in page
    assert 'href="/faq#charged-twice"' in page
    assert "Secret pricing plan" not in page and "Old refund policy" not in page
    assert '<link rel="canonical" href="http://localhost/categories/billing">' in page


def test_article_page_has_everything_a_reader_needs(client, site):
    page = text(client.get("/articles/refunds"))

    assert '<nav class="breadcrumbs"' in page and 'href="/categories/billing">Billing</a>' in page
    assert '<a href="#before-you-start">Before you start</a>' in page  # table of contents
    assert '<h2 id="ask-for-a-refund">Ask for a refund</h2>' in page
    assert f'<time datetime="{date.today().isoformat()}">' in page  # last updated
    assert '<link rel="canonical" href="http://localhost/articles/refunds">' in page
    assert '<meta name="description" content="How refunds work.">' in page
    related = page.split("Related articles")[1]
    assert "Download invoices" in related and "Secret pricing plan" not in related
    assert re.search(r'rel="next" href="/articles/invoices"', page)


def test_meta_description_falls_back_to_the_body_text(client, site):
    page = text(client.get("/articles/invoices"))

    assert '<meta name="description" content="Go to Billing.">' in page


def test_previous_and_next_follow_category_order(client, site):
    page = text(client.get("/articles/invoices"))

    assert 'rel="prev" href="/articles/refunds"' in page
    assert 'rel="next" href="/articles/charged-twice"' in page


def test_faq_page_groups_questions_with_stable_anchors(client, site):
    page = text(client.get("/faq"))

    assert '<h2 id="faq-billing" class="section-title">Billing</h2>' in page
    assert re.search(r'<details class="faq-item" id="charged-twice">\s*<summary>Why was I charged twice\?</summary>', page)
    assert "Usually a <strong>hold</strong>." in page


def test_sitemap_lists_only_public_pages(client, site):
    response = client.get("/sitemap.xml")
    xml = text(response)

    assert response.mimetype == "application/xml"
    assert "<loc>http://localhost/articles/refunds</loc>" in xml
    assert "<loc>http://localhost/categories/billing</loc>" in xml
    for hidden in ("secret-plan", "old-policy", "hidden"):
        assert f"/articles/{hidden}<" not in xml


def test_robots_txt_points_to_the_sitemap(client, site):
    body = text(client.get("/robots.txt"))

    assert "Sitemap: http://localhost/sitemap.xml" in body and "Disallow: /auth/" in body


@pytest.mark.parametrize("slug", ["secret-plan", "old-policy", "hidden"])
def test_unpublished_articles_are_404_for_visitors(client, site, slug):
    response = client.get(f"/articles/{slug}")

    assert response.status_code == 404
    assert "Page not found" in text(response)


@pytest.mark.parametrize("url", ["/", "/categories/billing", "/faq", "/search?q=secret", "/search?q=plan",
                                 "/articles/refunds", "/articles/invoices", "/sitemap.xml"])
def test_unpublished_titles_never_appear_on_public_pages(client, site, url):
    page = text(client.get(url))

    for title in ("Secret pricing plan", "Old refund policy", "Hidden draft"):
        assert title not in page


@BOTH_BACKENDS
def test_old_slug_redirects_permanently(client, site):
    response = client.get("/articles/sign-in")

    assert response.status_code == 301
    assert response.headers["Location"] == "/articles/login"


def test_redirect_to_an_unpublished_article_is_404(client, site):
    assert client.get("/articles/old-hidden").status_code == 404


def test_unknown_pages_show_the_friendly_404(client, site):
    for url in ("/articles/nope", "/categories/nope", "/nope/at/all"):
        response = client.get(url)
        assert response.status_code == 404
        assert "We could not find that page" in text(response) and 'name="q"' in text(response)


@pytest.mark.app_config(TESTING=False)
def test_server_error_page_shows_nothing_internal(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret-internal-detail SELECT * FROM users")

    response = client.get("/boom")
    page = text(response)

    assert response.status_code == 500
    assert "Something went wrong" in page
    for leak in ("secret-internal-detail", "Traceback", "SELECT", "RuntimeError", "test-secret-key"):
        assert leak not in page


@pytest.mark.parametrize("url", ["/", "/articles/refunds", "/faq", "/nope", "/auth/login", "/sitemap.xml",
                                 "/static/css/app.css"])
def test_security_headers_on_every_response(client, site, url):
    with client.get(url) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]

    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers


def test_hsts_is_sent_over_https(client, site):
    response = client.get("/", base_url="https://localhost")

    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_script(client, site):
    for url in ("/", "/articles/refunds", "/faq", "/auth/login"):
        page = text(client.get(url))
        # Scripts come from files; the only inline <script> allowed is JSON-LD data, which never runs.
        assert not re.search(r'<script(?![^>]*\b(?:src=|type="application/ld\+json"))[^>]*>', page)
        assert not re.search(r"\son[a-z]+=", page)


def test_cached_page_is_replaced_after_the_content_changes(client, app, site):
    assert "Get a refund" in text(client.get("/articles/refunds"))
    write(site, "billing/refunds.md", article_file("Refunds explained", "New text.", tags=["payments"], position=1))
    with app.app_context():
        sync_directory(site)

    page = text(client.get("/articles/refunds"))

    assert "Refunds explained" in page and "Get a refund" not in page
    assert "Refunds explained" in text(client.get("/categories/billing"))


def test_article_views_are_counted_per_visitor_and_day_without_the_ip(client, app, site):
    for _ in range(2):
        client.get("/articles/refunds", environ_base={"REMOTE_ADDR": "203.0.113.7"}, headers={"User-Agent": "Firefox"})
    client.get("/articles/refunds", environ_base={"REMOTE_ADDR": "198.51.100.1"}, headers={"User-Agent": "Firefox"})
    client.get("/articles/refunds", headers={"User-Agent": "Googlebot/2.1"})

    with app.app_context():
        rows = db.session.execute(select(PageView).order_by(PageView.views.desc())).scalars().all()
        assert [row.views for row in rows] == [2, 1]
        assert all(row.day == date.today() and row.revision_id is not None for row in rows)
        assert all(re.fullmatch(r"[0-9a-f]{32}", row.visitor_key) for row in rows)
        stored = " ".join(f"{r.visitor_key}" for r in rows)
        assert "203.0.113.7" not in stored and "198.51.100.1" not in stored


def test_staff_see_drafts_with_a_notice_and_are_not_counted(client, app, site):
    from app.auth.services import create_user

    with app.app_context():
        create_user("writer@example.com", "correct horse battery", role="writer")
    login(client, "writer@example.com", "correct horse battery")

    page = text(client.get("/articles/secret-plan"))

    assert "Secret pricing plan" in page and "not visible to the public" in page
    assert '<meta name="robots" content="noindex">' in page
    with app.app_context():
        assert db.session.execute(select(PageView)).first() is None
