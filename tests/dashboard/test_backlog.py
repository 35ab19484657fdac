"""The content backlog: a search gap becomes an item, goes to done with its article, and shows whether searches
for it find results since; who may do that; and what bad input says."""
import csv
import io
import re
from datetime import date, datetime, time, timedelta

import pytest

from app.analytics.models import QueryDay
from app.analytics.periods import today_utc
from app.dashboard import backlog
from app.dashboard.models import BacklogItem
from app.extensions import db
from app.kb import services as kb
from app.kb.models import Article, Category
from tests.dashboard.conftest import sign_in
from tests.helpers import csrf_token

GAP_FORM = {"gap_key": "password reset", "query": ["password reset", "pasword reset"], "title": "Reset guide",
            "range": "30d"}


def add_days(rows):
    """Insert QueryDay rows: (day, query, searches, zero results)."""
    for day, query, searches, zero in rows:
        db.session.add(QueryDay(day=day, query=query, searches=searches, zero_results=zero, no_clicks=0,
                                escalated=0, last_seen=datetime.combine(day, time(12))))
    db.session.commit()


def make_article(slug, published_at=None):
    """An article (published at ``published_at`` when given, else a draft); returns its id."""
    category = db.session.get(Category, 1) or Category(id=1, slug="general", title="General")
    article = Article(slug=slug, category=category, status="draft")
    db.session.add(article)
    revision = kb.add_revision(article, slug.replace("-", " ").capitalize(), "", "Some helpful text.")
    if published_at:
        kb.publish(article, revision)
        article.published_at = published_at
    db.session.commit()
    return article.id


def item_state(app, item_id):
    """(status, closed, linked article's slug) of a backlog item as stored."""
    with app.app_context():
        item = db.session.get(BacklogItem, item_id)
        return item.status, item.closed_at is not None, item.article.slug if item.article else None


def post(client, url, data, page="/dashboard/gaps"):
    """POST a form with the CSRF token of ``page``."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page)})


def edit_form(**changes):
    """The item form's fields as a lead would send them."""
    return {"title": "Reset guide", "note": "", "status": "open", "article": "", **changes}


@pytest.fixture
def gap(app):
    """A search gap seen two days ago under two spellings."""
    with app.app_context():
        day = today_utc() - timedelta(days=2)
        add_days([(day, "password reset", 10, 9), (day, "pasword reset", 3, 3)])


def test_the_backlog_lifecycle(app, staff, gap):
    with app.app_context():
        make_article("reset-your-password", published_at=datetime.combine(today_utc() - timedelta(days=1), time(9)))
    lead = sign_in(app, "lead")
    created = post(lead, "/dashboard/backlog/new", GAP_FORM)
    assert created.status_code == 303
    url = created.headers["Location"]
    page = lead.get(url).get_data(as_text=True)
    assert "“Reset guide” is on the backlog." in page
    assert "<q>password reset</q>, <q>pasword reset</q>" in page
    item_id = int(url.rsplit("/", 1)[1])
    assert item_state(app, item_id) == ("open", False, None)

    gaps_page = lead.get("/dashboard/gaps").get_data(as_text=True)
    assert f'href="/dashboard/backlog/{item_id}">Reset guide</a>' in gaps_page
    assert "Add to backlog" not in gaps_page  # the only gap has its item now

    for status in ("planned", "writing"):
        assert post(lead, url, edit_form(status=status), url).status_code == 303
        assert item_state(app, item_id) == (status, False, None)
    done = post(lead, url, edit_form(status="done", article="reset-your-password"), url)
    assert done.status_code == 303
    assert item_state(app, item_id) == ("done", True, "reset-your-password")
    assert "Saved “Reset guide” (done)." in lead.get(url).get_data(as_text=True)

    assert post(lead, url, edit_form(status="open", article="reset-your-password"), url).status_code == 303
    assert item_state(app, item_id) == ("open", False, "reset-your-password")

    assert post(lead, url, edit_form(status="wont_do"), url).status_code == 303
    assert item_state(app, item_id) == ("wont_do", True, None)
    listing = lead.get("/dashboard/backlog?status=wont_do").get_data(as_text=True)
    assert "Reset guide" in listing and "Won’t do (1)" in listing and "Open (0)" in listing


def test_done_without_an_article_asks_for_one(app, staff, gap):
    lead = sign_in(app, "lead")
    url = post(lead, "/dashboard/backlog/new", GAP_FORM).headers["Location"]
    post(lead, url, edit_form(status="done"), url)
    assert "no article is linked" in lead.get(url).get_data(as_text=True)


def test_a_second_open_item_for_the_same_gap_is_refused(app, staff, gap):
    lead = sign_in(app, "lead")
    assert post(lead, "/dashboard/backlog/new", GAP_FORM).status_code == 303
    again = post(lead, "/dashboard/backlog/new", {**GAP_FORM, "gap_key": "pasword reset", "title": "Another"})
    assert again.status_code == 400
    assert "“Reset guide” is already on the backlog for these searches (open, item 1)" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(BacklogItem).count() == 1


def test_a_closed_item_cannot_reopen_beside_an_open_one(ctx):
    first = backlog.create_item("Reset guide", "", "password reset", ["password reset"])
    backlog.update_item(first, "Reset guide", "", "wont_do", "")
    backlog.create_item("Reset guide, take two", "", "password reset", ["password reset"])
    with pytest.raises(backlog.BacklogError, match="“Reset guide, take two” is already on the backlog"):
        backlog.update_item(first, "Reset guide", "", "open", "")
    assert first.status == "wont_do"


@pytest.mark.parametrize("changes, message, kept", [
    ({"title": "  "}, "The title is required.", 'name="note" rows="4" maxlength="5000">Why we need it</textarea>'),
    ({"title": "x" * 201}, "The title must be at most 200 characters (it has 201).", 'value="' + "x" * 201 + '"'),
    ({"status": "someday"}, "Choose a status: Open, Planned, Writing, Done, Won’t do.", 'value="Renamed"'),
    ({"article": "no-such-article"}, "No article has the address or number “no-such-article”.",
     'value="no-such-article"'),
    ({"note": "n" * 5001}, "The note must be at most 5,000 characters (it has 5,001).", 'value="Renamed"'),
])
def test_a_refused_change_says_why_and_keeps_what_was_typed(app, staff, gap, changes, message, kept):
    lead = sign_in(app, "lead")
    url = post(lead, "/dashboard/backlog/new", GAP_FORM).headers["Location"]
    response = post(lead, url, edit_form(**{"title": "Renamed", "note": "Why we need it", **changes}), url)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert kept in page
    assert item_state(app, 1) == ("open", False, None)


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "The title is required."),
    ({"title": "y" * 201}, "The title must be at most 200 characters (it has 201)."),
    ({"gap_key": ""}, "Choose the search gap this item is about."),
])
def test_a_refused_new_item_reshows_the_gaps_with_why(app, staff, gap, changes, message):
    response = post(sign_in(app, "lead"), "/dashboard/backlog/new", {**GAP_FORM, **changes})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "<h1>Search gaps</h1>" in page
    if changes.get("title"):
        assert f'value="{changes["title"]}"' in page
    with app.app_context():
        assert db.session.query(BacklogItem).count() == 0


@pytest.mark.parametrize("typed", ["reset-your-password", "{id}", "/articles/reset-your-password"])
def test_an_article_is_linked_by_slug_number_or_address(ctx, typed):
    article_id = make_article("reset-your-password")
    item = backlog.create_item("Reset guide", "", "password reset", [])
    backlog.update_item(item, "Reset guide", "", "writing", typed.format(id=article_id))
    assert item.article_id == article_id


PUBLISHED = datetime(2026, 3, 10, 14, 0)


@pytest.mark.parametrize("first_day, expected", [
    (date(2026, 2, 1), "Since the article was published: 40 searches, 2 without results (5%) — the 10 days before: "
                       "30 searches, 24 without results (80%)."),
    # aggregates only from 7 March: three days on each side
    (date(2026, 3, 7), "Since the article was published: 6 searches, 1 without results (17%) — the 3 days before: "
                       "10 searches, 8 without results (80%)."),
])
def test_outcome_compares_equal_spans_before_and_after_publishing(ctx, first_day, expected):
    add_days([row for row in [
        (first_day, "opening hours", 1, 0),  # another query: marks the first day with aggregates
        (date(2026, 2, 20), "password reset", 99, 99),  # more than a span before publishing
        (date(2026, 3, 5), "password reset", 20, 16),
        (date(2026, 3, 8), "pasword reset", 10, 8),
        (date(2026, 3, 10), "password reset", 50, 50),  # the publishing day itself mixes both sides
        (date(2026, 3, 12), "password reset", 6, 1),
        (date(2026, 3, 18), "password reset", 34, 1),
        (date(2026, 3, 25), "password reset", 99, 0),  # after today
    ] if row[0] >= first_day])
    item = backlog.create_item("Reset guide", "", "password reset", ["password reset", "pasword reset"])
    article = db.session.get(Article, make_article("reset-your-password", published_at=PUBLISHED))
    backlog.update_item(item, "Reset guide", "", "done", article.slug)
    assert backlog.outcome(item, today=date(2026, 3, 20)).text == expected


def test_publishing_an_edit_later_does_not_move_the_comparison(ctx):
    from app.authoring.audit import record

    add_days([(date(2026, 3, 5), "password reset", 20, 16), (date(2026, 3, 12), "password reset", 6, 1)])
    item = backlog.create_item("Reset guide", "", "password reset", ["password reset"])
    article = db.session.get(Article, make_article("reset-your-password", published_at=datetime(2026, 3, 18, 9)))
    record("published", article=article).created_at = PUBLISHED  # first went live on 10 March
    db.session.commit()
    backlog.update_item(item, "Reset guide", "", "done", article.slug)
    assert backlog.outcome(item, today=date(2026, 3, 14)).text.startswith(
        "Since the article was published: 6 searches, 1 without results (17%)")


def test_outcome_before_an_article_is_published(ctx):
    item = backlog.create_item("Reset guide", "", "password reset", [])
    assert backlog.outcome(item).text == "No article linked yet."
    backlog.update_item(item, "Reset guide", "", "writing", str(make_article("reset-your-password")))
    assert backlog.outcome(item).text == "“Reset your password” is not published yet."


def test_the_backlog_shows_searches_since_the_article_came_out(app, staff):
    today = today_utc()
    with app.app_context():
        add_days([(today - timedelta(days=6), "password reset", 8, 8),
                  (today - timedelta(days=1), "password reset", 5, 0)])
        make_article("reset-your-password", published_at=datetime.combine(today - timedelta(days=3), time(9)))
    lead = sign_in(app, "lead")
    url = post(lead, "/dashboard/backlog/new", GAP_FORM).headers["Location"]
    post(lead, url, edit_form(status="done", article="reset-your-password"), url)
    expected = "Since the article was published: 5 searches, 0 without results (0%) — the 3 days before: " \
               "8 searches, 8 without results (100%)."
    assert expected in lead.get("/dashboard/backlog").get_data(as_text=True)
    assert expected in lead.get(url).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(lead.get("/dashboard/backlog.csv").get_data(as_text=True))))
    assert rows[0] == backlog.CSV_HEADER
    assert rows[1][:5] == ["Reset guide", "Done", "password reset", "password reset, pasword reset",
                           "reset-your-password"]
    assert rows[1][-1] == expected


def test_status_tabs_filter_and_count(app, staff):
    with app.app_context():
        for title, key, status in [("A", "a gap", "open"), ("B", "b gap", "planned"), ("C", "c gap", "planned")]:
            item = backlog.create_item(title, "", key, [])
            backlog.update_item(item, title, "", status, "")
    lead = sign_in(app, "lead")
    page = lead.get("/dashboard/backlog?status=planned").get_data(as_text=True)
    assert re.findall(r'href="/dashboard/backlog/\d+">(\w)</a>', page) == ["C", "B"]  # last changed first
    assert "All (3)" in page and "Open (1)" in page and "Planned (2)" in page
    bad = lead.get("/dashboard/backlog?status=someday")
    assert bad.status_code == 400
    assert "“someday” is not a status: showing every item." in bad.get_data(as_text=True)


def test_an_unknown_item_is_not_found(app, staff):
    assert sign_in(app, "lead").get("/dashboard/backlog/999").status_code == 404


# (method, url, status for lead and admin)
ENDPOINTS = [
    ("GET", "/dashboard/gaps", 200),
    ("GET", "/dashboard/gaps.csv", 200),
    ("GET", "/dashboard/backlog", 200),
    ("GET", "/dashboard/backlog.csv", 200),
    ("GET", "/dashboard/backlog/1", 200),
    ("POST", "/dashboard/backlog/new", 303),
    ("POST", "/dashboard/backlog/1", 303),
]


@pytest.fixture
def item(app):
    """Backlog item 1, "Existing"."""
    with app.app_context():
        backlog.create_item("Existing", "", "existing gap", [])


@pytest.mark.parametrize("method, url, allowed", ENDPOINTS)
@pytest.mark.parametrize("role", ["writer", "editor", "lead", "admin", None])
def test_who_may_use_the_gaps_and_the_backlog(app, staff, item, role, method, url, allowed):
    client = sign_in(app, role) if role else app.test_client()
    data = None
    if method == "POST":
        token = csrf_token(client, "/auth/login" if role is None else "/write/")
        data = {**GAP_FORM, **edit_form(title="Changed"), "csrf_token": token}
    response = client.open(url, method=method, data=data)
    if role is None:
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]
    else:
        assert response.status_code == (allowed if role in ("lead", "admin") else 403)
    with app.app_context():
        changed = db.session.query(BacklogItem).count() == 2 or db.session.get(BacklogItem, 1).title == "Changed"
    assert changed == (method == "POST" and role in ("lead", "admin"))


@pytest.mark.parametrize("url", ["/dashboard/backlog/new", "/dashboard/backlog/1"])
def test_a_post_without_its_csrf_token_is_refused(app, staff, item, url):
    response = sign_in(app, "lead").post(url, data={**GAP_FORM, **edit_form(title="Changed")})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(BacklogItem).count() == 1
        assert db.session.get(BacklogItem, 1).title == "Existing"


def test_the_create_address_takes_posts_only(app, staff):
    assert sign_in(app, "lead").get("/dashboard/backlog/new").status_code == 405
