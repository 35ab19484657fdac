"""The support-lead pages: who may open them, and what a lead sees on them."""
import json
import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.kb.models import utcnow
from app.kb.services import add_revision, publish
from tests.helpers import login
from tests.plugins.feedback.conftest import add_votes, article
from tests.plugins.feedback.test_reports import SIX_SLUGS

PASSWORD = "correct horse battery"  # the staff fixture's (conftest.py)

LEAD_URLS = ["/feedback/ratings", "/feedback/ratings/{article_id}", "/feedback/export/votes.csv",
             "/feedback/export/topics.csv"]


@pytest.fixture
def refunds_id(synced_app):
    """The id of the "refunds" article of the default content."""
    with synced_app.app_context():
        return article("refunds").id


@pytest.fixture
def lead(synced_app, client, staff):
    """A signed-in support lead's client."""
    assert login(client, staff["lead"], PASSWORD).status_code == 302
    return client


def votes(app, slug, **kwargs):
    """Add votes to an article from a test body."""
    with app.app_context():
        add_votes(article(slug), **kwargs)


def text_of(html):
    """Page text without tags and with whitespace collapsed (what a reader sees, roughly)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_anonymous_visitors_are_sent_to_sign_in_from_every_lead_page(client, refunds_id):
    for url in LEAD_URLS:
        response = client.get(url.format(article_id=refunds_id))

        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/auth/login"), url


@pytest.mark.parametrize("role, status", [("writer", 403), ("editor", 403), ("lead", 200), ("admin", 200)])
def test_only_leads_and_admins_open_the_lead_pages(client, staff, refunds_id, role, status):
    assert login(client, staff[role], PASSWORD).status_code == 302

    for url in LEAD_URLS:
        assert client.get(url.format(article_id=refunds_id)).status_code == status, url


def test_ratings_page_shows_totals_against_the_target(synced_app, lead):
    votes(synced_app, "refunds", helpful=3, not_helpful=1)

    page = text_of(lead.get("/feedback/ratings").get_data(as_text=True))

    assert "Votes 4 3 helpful · 1 not helpful" in page
    assert "Helpful 75%" in page
    assert "Target 90% 15 points below" in page


def test_ratings_page_puts_the_five_least_helpful_first_with_why(synced_app, lead):
    for number, slug in enumerate(SIX_SLUGS):  # each with more "Yes" votes than the one before
        votes(synced_app, slug, helpful=5 + 5 * number, not_helpful=30, reason="outdated")
    votes(synced_app, "payment-failed", not_helpful=2)  # two votes do not rule the list

    html = lead.get("/feedback/ratings").get_data(as_text=True)
    least = html.split('id="least-title"')[1].split("</ol>")[0]

    titles = re.findall(r'class="ratings-rank-title" href="/feedback/ratings/\d+">([^<]+)</a>', least)
    assert len(titles) == 5
    with synced_app.app_context():
        expected = [article(slug).published_revision.title for slug in SIX_SLUGS[:5]]
    assert titles == expected
    assert "Why: Outdated or wrong (30)" in text_of(least)


def test_ratings_page_links_to_topics_moderation_and_downloads(lead):
    html = lead.get("/feedback/ratings?category=payments-and-billing&from=2024-01-01").get_data(as_text=True)

    assert 'href="/feedback/topics"' in html and 'href="/feedback/moderation"' in html
    assert 'href="/feedback/export/votes.csv?from=2024-01-01&amp;category=payments-and-billing"' in html
    assert 'href="/feedback/export/topics.csv?from=2024-01-01&amp;category=payments-and-billing"' in html


def test_category_filter_narrows_the_table(synced_app, lead):
    votes(synced_app, "refunds", helpful=1)
    votes(synced_app, "post-an-ad", helpful=1)

    html = lead.get("/feedback/ratings?category=posting-ads").get_data(as_text=True)
    table = html.split('id="all-title"')[1]

    assert "All rated articles (1)" in text_of(table)
    with synced_app.app_context():
        assert article("post-an-ad").published_revision.title in table
        assert article("refunds").published_revision.title not in table


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=last+week", "“From” must be a date written YYYY-MM-DD, like 2024-05-31 (got “last week”)."),
        ("to=2024-02-31", "“To” must be a date written YYYY-MM-DD"),
        ("from=2024-06-01&to=2024-05-01", "“From” must be on or before “To”."),
        ("category=%3Cscript%3E", "There is no category “&lt;script&gt;”."),
        ("to=9999-12-31", "“To” must be between 1970-01-01 and 2999-12-31."),
    ],
)
def test_bad_filters_get_a_clear_message_not_an_error_page(lead, query, message):
    response = lead.get(f"/feedback/ratings?{query}")
    html = response.get_data(as_text=True)

    assert response.status_code == 400
    assert message in html and 'role="alert"' in html
    assert 'aria-invalid="true"' in html


def test_trend_is_a_chart_and_a_table_of_weeks(synced_app, lead):
    votes(synced_app, "refunds", helpful=1, not_helpful=1, when=utcnow())

    html = lead.get("/feedback/ratings").get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="ratings-trend-data">(.*?)</script>', html, re.S)
    data = json.loads(block[1])

    assert len(data["labels"]) == 12 and data["helpful"][-1] == 50.0 and data["target"] == 90.0
    table = html.split("Weekly numbers as a table")[1].split("</table>")[0]
    assert table.count("<tr>") == 13  # a header and twelve weeks
    assert "50%" in table and "Below target" in table
    assert "<script>" not in html.split("<main")[1].split("</main>")[0]  # no inline code (CSP)


def test_article_page_shows_counts_reasons_revisions_and_comments(synced_app, lead, refunds_id):
    with synced_app.app_context():
        refunds = article("refunds")
        first = refunds.published_revision_id
        add_votes(refunds, helpful=1, not_helpful=3, reason="unclear", revision_id=first)
        rewrite = add_revision(refunds, "Refunds, clearer", "", "New text.", note="Simpler steps")
        publish(refunds, rewrite)
        db.session.commit()
        add_votes(refunds, helpful=4, revision_id=rewrite.id)
        add_votes(refunds, helpful=1, comment="<b>Great</b>, mail me at jo@example.com", when=utcnow())
        add_votes(refunds, not_helpful=1, comment="Visit scam.example.com", comment_state="flagged")

    html = lead.get(f"/feedback/ratings/{refunds_id}").get_data(as_text=True)
    page = text_of(html)

    assert "Refunds, clearer" in page
    assert "Votes (all time) 10 6 helpful · 4 not helpful" in page
    assert "Hard to understand 3" in page and "No reason given 1" in page
    revisions = html.split('id="revisions-title"')[1].split("</table>")[0]
    assert text_of(revisions).index("#2") < text_of(revisions).index("#1")  # newest first
    assert "+58 pts" in text_of(revisions) and "Simpler steps" in revisions
    assert "&lt;b&gt;Great&lt;/b&gt;, mail me at [e-mail hidden]" in html
    assert "scam.example.com" not in html


def test_unknown_article_is_not_found(lead):
    assert lead.get("/feedback/ratings/999999").status_code == 404


def test_dashboard_panel_shows_last_30_days_and_links_the_least_helpful(synced_app, lead, refunds_id):
    votes(synced_app, "refunds", helpful=1, not_helpful=4, when=utcnow() - timedelta(days=3))
    votes(synced_app, "payment-failed", not_helpful=9, when=utcnow() - timedelta(days=40))  # too old

    html = lead.get("/dashboard/").get_data(as_text=True)
    panel = html.split('id="panel-feedback_ratings"')[1].split("</section>")[0]

    assert "20% helpful over the last 30 days" in text_of(panel)
    assert f'href="/feedback/ratings/{refunds_id}"' in panel
    with synced_app.app_context():
        assert article("payment-failed").published_revision.title not in panel


def test_dashboard_panel_without_votes_says_so(lead):
    html = lead.get("/dashboard/").get_data(as_text=True)

    assert "No votes in the last 30 days (target 90%)." in html


def test_chart_code_is_served_by_the_site_itself(lead):
    html = lead.get("/feedback/ratings").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', html)

    assert "/static/vendor/chart.js/chart.umd.min.js" in scripts
    assert "/feedback/static/ratings-chart.js" in scripts
    assert all(src.startswith("/") and not src.startswith("//") for src in scripts)  # no CDN
    for src in ("/static/vendor/chart.js/chart.umd.min.js", "/feedback/static/ratings-chart.js"):
        with lead.get(src) as response:  # closes the served file
            assert response.status_code == 200
