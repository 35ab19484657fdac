"""Search gaps: failed queries grouped by words and close spelling, the gaps page, its CSV, and the rollup behind it."""
import csv
import io
import re
from datetime import date, datetime, time, timedelta

import pytest

from app.analytics.gaps import close_spelling, search_gaps
from app.analytics.models import QueryDay
from app.analytics.periods import DateRange, today_utc
from app.core.plugins import dashboard_sources
from app.dashboard.models import BacklogItem
from app.extensions import db
from app.kb import services as kb
from app.kb.models import Article, Category
from app.search.models import SearchClick, SearchQuery
from tests.dashboard.conftest import sign_in

MARCH = DateRange(date(2026, 3, 1), date(2026, 3, 31))


def add_days(rows):
    """Insert QueryDay rows: (day, query, searches, zero results, no clicks, escalated[, last seen])."""
    for day, query, searches, zero, no_click, escalated, *last in rows:
        db.session.add(QueryDay(day=day, query=query, searches=searches, zero_results=zero, no_clicks=no_click,
                                escalated=escalated, last_seen=last[0] if last else datetime.combine(day, time(12))))
    db.session.commit()


def groups_of(gaps):
    """Each gap's spellings, its name first."""
    return [gap.variants for gap in gaps]


# (queries on one day: text -> (searches, zero results, no clicks, escalated), expected groups, biggest first)
GROUPING = [
    pytest.param({"password reset": (10, 10, 0, 0), "pasword reset": (4, 4, 0, 0), "passwrod reset": (2, 1, 1, 0)},
                 [["password reset", "pasword reset", "passwrod reset"]], id="typos-merged"),
    pytest.param({"pasword reset": (9, 9, 0, 0), "password reset": (3, 3, 0, 0)},
                 [["pasword reset", "password reset"]], id="most-searched-spelling-names-the-group"),
    pytest.param({"password reset?": (3, 3, 0, 0), "password reset": (2, 2, 0, 0)},
                 [["password reset?", "password reset"]], id="punctuation-ignored"),
    pytest.param({"log in": (3, 3, 0, 0), "login": (2, 2, 0, 0)}, [["log in", "login"]], id="spaces-ignored"),
    pytest.param({"shipping labels": (3, 3, 0, 0), "shipping label": (2, 2, 0, 0)},
                 [["shipping labels", "shipping label"]], id="plural-merged"),
    pytest.param({"ups": (3, 3, 0, 0), "usp": (2, 2, 0, 0)}, [["ups"], ["usp"]], id="short-not-merged"),
    pytest.param({"cart": (3, 3, 0, 0), "card": (2, 2, 0, 0)}, [["cart"], ["card"]], id="short-words-not-merged"),
    pytest.param({"refund": (3, 3, 0, 0), "return": (2, 2, 0, 0)}, [["refund"], ["return"]], id="different-words"),
    pytest.param({"error 404": (3, 3, 0, 0), "error 403": (2, 2, 0, 0)}, [["error 404"], ["error 403"]],
                 id="different-numbers"),
    pytest.param({"reset password": (3, 3, 0, 0), "password reset": (2, 2, 0, 0)},
                 [["reset password"], ["password reset"]], id="word-order-kept-apart"),
    pytest.param({"pay with card": (5, 0, 0, 0), "pay wiht card": (2, 2, 0, 0)}, [["pay wiht card"]],
                 id="only-failed-queries-are-gaps"),
]


@pytest.mark.parametrize("queries, expected", GROUPING)
def test_failed_queries_are_grouped_by_close_spelling(ctx, queries, expected):
    add_days([(date(2026, 3, 5), text, *counts) for text, counts in queries.items()])
    assert groups_of(search_gaps(MARCH)) == expected


def test_a_group_adds_up_its_spellings_over_the_range_days_only(ctx):
    add_days([
        (date(2026, 3, 2), "password reset", 6, 4, 1, 1, datetime(2026, 3, 2, 9, 0)),
        (date(2026, 3, 9), "password reset", 5, 2, 2, 0, datetime(2026, 3, 9, 17, 30)),
        (date(2026, 3, 4), "pasword reset", 3, 3, 0, 2, datetime(2026, 3, 4, 8, 0)),
        (date(2026, 2, 28), "password reset", 50, 50, 0, 0),  # before the range
        (date(2026, 4, 1), "pasword reset", 50, 50, 0, 0),  # after it
    ])
    [gap] = search_gaps(MARCH)
    assert (gap.key, gap.label, gap.variants) == ("password reset", "password reset",
                                                   ["password reset", "pasword reset"])
    assert (gap.searches, gap.zero_results, gap.no_clicks, gap.escalated, gap.failed) == (14, 9, 3, 3, 12)
    assert gap.last_seen == datetime(2026, 3, 9, 17, 30)


def test_gaps_come_biggest_first_then_most_searched(ctx):
    add_days([(date(2026, 3, 5), "invoice copy", 4, 4, 0, 0), (date(2026, 3, 5), "change address", 30, 2, 1, 1),
              (date(2026, 3, 5), "bank transfer", 9, 1, 2, 1), (date(2026, 3, 5), "gift wrap", 20, 0, 0, 1),
              (date(2026, 3, 5), "customs fees", 4, 2, 2, 0)])
    gaps = search_gaps(MARCH)
    # failed + escalated: 4, 4, 4, 4, 1; ties go to the most searched, then alphabetical order
    assert [gap.label for gap in gaps] == ["change address", "bank transfer", "customs fees", "invoice copy",
                                           "gift wrap"]
    assert [gap.label for gap in search_gaps(MARCH, limit=2)] == ["change address", "bank transfer"]


def test_the_overview_gets_the_ten_biggest_gaps(ctx):
    add_days([(date(2026, 3, 5), f"question {n:02d}", 20, n, 0, 0) for n in range(1, 13)])
    source = next(source for source in dashboard_sources() if source.key == "analytics_gaps")
    [table] = source.overview(MARCH, MARCH.previous()).tables
    assert (table.key, len(table.rows)) == ("search_gaps", 10)
    assert table.rows[0] == ["question 12", 12, 12, 0, 0, datetime(2026, 3, 5, 12), "", ""]


@pytest.mark.parametrize("a, b, close", [
    ("passwrod reset", "password reset", True),
    ("cancel my order", "cancle my order", True),
    ("international shipping", "internatonal shiping", True),
    ("tax", "tux", False),
    ("refund policy", "return policy", False),
    ("track parcel", "track parcels please", False),
])
def test_close_spelling(a, b, close):
    assert close_spelling(a, b) is close


def test_a_gap_shows_the_backlog_item_filed_for_any_of_its_spellings(ctx):
    add_days([(date(2026, 3, 5), "password reset", 5, 5, 0, 0), (date(2026, 3, 5), "passwrod reset", 1, 1, 0, 0)])
    db.session.add(BacklogItem(title="Old one", status="done", gap_key="passwrod reset", queries=["passwrod reset"]))
    db.session.add(BacklogItem(title="Reset guide", status="planned", gap_key="password reset",
                               queries=["password reset"]))
    db.session.commit()
    [gap] = search_gaps(MARCH)
    assert gap.item.title == "Reset guide"  # the open one beats the closed one


def _recent(rows):
    """QueryDay rows a few days ago, so the default range (last 30 days) holds them."""
    add_days([(today_utc() - timedelta(days=2), *row) for row in rows])


GAP_ROWS = [("invoice copy", 4, 4, 0, 0), ("change address", 30, 20, 1, 1), ("bank transfer", 40, 30, 5, 5),
            ("gift wrap", 20, 0, 0, 1), ("customs fees", 12, 10, 2, 0), ("=cmd|' /c calc'!a0", 3, 3, 0, 0)]


def test_the_gaps_page_lists_the_three_biggest_gaps_first(app, staff):
    with app.app_context():
        _recent(GAP_ROWS)
    page = sign_in(app, "lead").get("/dashboard/gaps").get_data(as_text=True)
    rows = re.findall(r'<th scope="row" class="gap-query">\s*([^<]+?)\s*<', page)
    assert rows[:3] == ["bank transfer", "change address", "customs fees"]
    assert 'value="Bank transfer"' in page  # the backlog title the form suggests


def test_the_gaps_csv_holds_every_gap_formula_safe(app, staff):
    with app.app_context():
        _recent(GAP_ROWS)
    response = sign_in(app, "lead").get("/dashboard/gaps.csv?range=7d")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Query", "Failed searches", "No results", "No click", "Followed by inquiry", "Last seen",
                       "Spellings", "Backlog"]
    assert [row[:5] for row in rows[1:]] == [
        ["bank transfer", "35", "30", "5", "5"], ["change address", "21", "20", "1", "1"],
        ["customs fees", "12", "10", "2", "0"], ["invoice copy", "4", "4", "0", "0"],
        ["'=cmd|' /c calc'!a0", "3", "3", "0", "0"], ["gift wrap", "0", "0", "0", "1"]]


@pytest.mark.parametrize("query, message", [
    ("range=bogus", "is not a range"),
    ("start=2026-03-10&end=2026-03-01", "The start date is after the end date."),
    ("start=2026-03-10", "Give both a start and an end date"),
])
def test_a_bad_range_says_why_and_shows_the_default(app, staff, query, message):
    response = sign_in(app, "lead").get(f"/dashboard/gaps?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "Showing last 30 days instead." in page


def _published_article(slug):
    category = db.session.get(Category, 1) or Category(id=1, slug="general", title="General")
    article = Article(slug=slug, category=category, status="draft")
    db.session.add(article)
    kb.publish(article, kb.add_revision(article, "Reset your password", "", "Some helpful text."))
    db.session.commit()
    return article.id


def test_gaps_come_from_raw_searches_through_the_rollup(app, staff):
    yesterday = datetime.combine(today_utc() - timedelta(days=1), time(10))
    with app.app_context():
        article_id = _published_article("reset-password")

        def search(query, results, minutes, escalated=False, clicked=False, page=1):
            row = SearchQuery(query=query, result_count=results, visitor_key=f"v{minutes}", page=page,
                              escalated=escalated, created_at=yesterday + timedelta(minutes=minutes))
            db.session.add(row)
            db.session.flush()
            if clicked:
                db.session.add(SearchClick(search_id=row.id, article_id=article_id, position=1))

        search("password reset", 0, 1)
        search("password reset", 0, 2, escalated=True)
        search("pasword reset", 0, 3)
        search("password reset", 4, 4)  # results, none opened
        search("password reset", 4, 5, clicked=True)  # found it: not a failure, still a search
        search("password reset", 0, 6, page=2)  # later result pages are not searches
        search("opening hours", 3, 7, clicked=True)  # never failed: no gap
        db.session.commit()
        assert db.session.query(QueryDay).count() == 0
    response = sign_in(app, "lead").get("/dashboard/gaps.csv?range=7d")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[1:] == [["password reset", "4", "3", "1", "1",
                         (yesterday + timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S"), "pasword reset", ""]]
    with app.app_context():
        [gap] = search_gaps(DateRange(yesterday.date(), yesterday.date()))
        assert gap.searches == 5
