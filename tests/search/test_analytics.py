"""Search analytics: every search and result click recorded without raw IPs, and the lead's report."""
import re

import pytest
from sqlalchemy import select

from app.core import signals
from app.core.security import visitor_key
from app.extensions import db
from app.kb.sync import sync_directory
from app.search import analytics
from app.search.models import SearchClick, SearchQuery
from tests.helpers import CONTENT_DIR

BROWSER = {"User-Agent": "Firefox/140"}


@pytest.fixture
def site(app):
    with app.app_context():
        sync_directory(CONTENT_DIR)
    return app


def searches(app):
    with app.app_context():
        return db.session.execute(select(SearchQuery).order_by(SearchQuery.id)).scalars().all()


def test_every_search_is_recorded_normalized_with_filters_and_visitor_key(client, site):
    client.get("/search", query_string={"q": "  Refund   MONEY ", "kind": "faq"}, headers=BROWSER,
               environ_base={"REMOTE_ADDR": "203.0.113.9"})

    [row] = searches(site)
    assert (row.query, row.kind, row.category, row.page) == ("refund money", "faq", "", 1)
    assert row.result_count > 0
    assert re.fullmatch(r"[0-9a-f]{32}", row.visitor_key) and "203.0.113.9" not in row.visitor_key


def test_empty_search_is_not_recorded(client, site):
    client.get("/search?q=")

    assert searches(site) == []


def test_result_links_record_the_click_and_its_position(client, site):
    page = client.get("/search?q=refund", headers=BROWSER).get_data(as_text=True)
    second = re.findall(r'href="(/articles/[^"]+\?s=\d+&amp;p=\d+)"', page)[1].replace("&amp;", "&")

    response = client.get(second, headers=BROWSER)

    assert response.status_code == 200
    with site.app_context():
        click = db.session.execute(select(SearchClick)).scalar_one()
        assert click.position == 2


def test_a_shared_result_link_does_not_count_as_a_click(client, site):
    page = client.get("/search?q=refund", headers=BROWSER).get_data(as_text=True)
    link = re.findall(r'href="(/articles/[^"]+\?s=\d+&amp;p=\d+)"', page)[0].replace("&amp;", "&")

    other = site.test_client().get(link, headers={"User-Agent": "Someone else"}, environ_base={"REMOTE_ADDR": "198.51.100.4"})

    assert other.status_code == 200
    with site.app_context():
        assert db.session.execute(select(SearchClick)).first() is None


@pytest.mark.parametrize("bad", ["?s=abc&p=1", "?s=999999&p=1", "?s=1&p=-4", "?s=&p="])
def test_bogus_click_parameters_still_serve_the_article(client, site, bad):
    assert client.get(f"/articles/refunds{bad}").status_code == 200


def test_escalation_marks_the_visitors_recent_searches(client, site):
    client.get("/search?q=charged+twice", headers=BROWSER)
    with site.test_request_context(headers=BROWSER):
        key = visitor_key("127.0.0.1", BROWSER["User-Agent"])
    signals.inquiry_created.send(site, inquiry_id=1, visitor_key=key)

    assert [row.escalated for row in searches(site)] == [True]


def _search(client, query, agent, clicks=0):
    page = client.get("/search", query_string={"q": query}, headers={"User-Agent": agent}).get_data(as_text=True)
    for link in re.findall(r'href="(/articles/[^"]+\?s=\d+&amp;p=\d+)"', page)[:clicks]:
        client.get(link.replace("&amp;", "&"), headers={"User-Agent": agent})


def test_report_lists_top_zero_result_unclicked_and_escalated_queries(client, site):
    for i in range(3):
        _search(client, "refund", f"agent-{i}", clicks=1)
    _search(client, "invoice", "agent-9")
    _search(client, "qwertyuiop", "agent-1")
    _search(client, "qwertyuiop", "agent-2")
    with site.app_context():
        analytics.mark_escalated(visitor_key("127.0.0.1", "agent-9"))
        data = analytics.report(days=30)

    assert [(q, n) for q, n, _ in data["top"]][:2] == [("refund", 3), ("qwertyuiop", 2)]
    assert [(q, n) for q, n, _ in data["zero_results"]] == [("qwertyuiop", 2)]
    assert [q for q, _, _ in data["no_clicks"]] == ["invoice"]
    assert [q for q, _, _ in data["escalated"]] == ["invoice"]


def test_report_command_prints_the_four_lists(client, runner, site):
    _search(client, "qwertyuiop", "agent-1")

    result = runner.invoke(args=["search", "report", "--days", "30"])

    assert result.exit_code == 0
    for title in ("Top queries:", "Queries with no results:", "Queries with results but no click:",
                  "Queries followed by an escalation:"):
        assert title in result.output
    assert re.search(r"\s+1\s+qwertyuiop\s+\(last \d{4}-\d\d-\d\d\)", result.output)
