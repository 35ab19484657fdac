"""The results page a visitor sees."""
import re

import pytest

from app.kb.sync import sync_directory
from tests.helpers import article_file, write


def page(client, **params):
    return client.get("/search", query_string=params).get_data(as_text=True)


def test_results_show_title_category_badge_snippet_and_count(indexed_app):
    html = page(indexed_app.test_client(), q="refund")

    assert re.search(r"\d+ results for “refund”", html)
    assert "Refunds for upgrades" in html and "Payments &amp; billing" in html
    assert '<span class="badge badge-faq">FAQ</span>' in html
    assert re.search(r'<p class="snippet">[^<]*(?:<mark>[^<]+</mark>[^<]*)+', html)


def test_url_is_shareable_and_keeps_filters_in_pagination(indexed_app):
    html = page(indexed_app.test_client(), q="ad", kind="article")

    assert '<option value="article" selected>' in html
    next_link = re.search(r'rel="next" href="([^"]+)"', html).group(1)
    assert "kind=article" in next_link and "q=ad" in next_link and "page=2" in next_link


def test_did_you_mean_links_to_the_corrected_query(indexed_app):
    html = page(indexed_app.test_client(), q="paymnet failed")

    assert 'Did you mean <a href="/search?q=payment+failed">payment failed</a>?' in html


def test_zero_results_offer_popular_articles_the_faq_and_support(indexed_app):
    html = page(indexed_app.test_client(), q="qwertyuiop")

    assert "No articles matched “qwertyuiop”" in html
    assert "Popular articles" in html and 'href="/faq"' in html and "Contact support" in html


def test_snippets_escape_article_text(app, client, tmp_path):
    body = "Remember that 5 < 6 & 7 > 3 and never paste `<script>alert(1)</script>` into zebraword fields."
    write(tmp_path / "c", "general/html.md", article_file("Typing tags", body))
    with app.app_context():
        sync_directory(tmp_path / "c")

    html = page(client, q="zebraword")
    snippet = html.split('<p class="snippet">')[1].split("</p>")[0]

    assert "5 &lt; 6 &amp; 7 &gt; 3" in snippet and "<mark>zebraword</mark>" in snippet
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("query", ["status:draft", "draft", "secret launch plan"])
def test_drafts_cannot_be_found_with_any_syntax(app, client, tmp_path, query):
    write(tmp_path / "c", "general/plan.md", article_file("Secret launch plan", "Draft text.", status="draft"))
    write(tmp_path / "c", "general/open.md", article_file("Open page", "Public text."))
    with app.app_context():
        sync_directory(tmp_path / "c")

    assert "Secret launch plan" not in page(client, q=query)
