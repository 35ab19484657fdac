"""The per-article dashboard page: who owns the article and when it is due for review, its links, and what every
source shows about it over the range (views, helpfulness, searches, inquiries)."""
from datetime import date, timedelta

import pytest

from app.analytics.periods import today_utc
from app.extensions import db
from app.kb.models import Article
from tests.dashboard.page_text import block, csv_rows, figure_cards, table_rows, text_of


def set_article(app, article_id, **values):
    with app.app_context():
        article = db.session.get(Article, article_id)
        for name, value in values.items():
            setattr(article, name, value)
        db.session.commit()


def test_the_header_names_the_article_its_owner_and_review_date(app, dataset, staff, lead):
    set_article(app, dataset["returns"], owner_id=staff["writer"], review_by=today_utc() + timedelta(days=30))

    page = text_of(lead.get(f"/dashboard/articles/{dataset['returns']}?range=2026-10").get_data(as_text=True))

    assert "Refunds and returns" in page
    for fact in ("Kind Article", "Status Published", "Category Payments", "Owner Writer"):
        assert fact in page
    assert "overdue" not in page


def test_a_review_date_in_the_past_is_flagged_overdue(app, dataset, lead):
    set_article(app, dataset["returns"], review_by=date(2026, 1, 15))

    page = lead.get(f"/dashboard/articles/{dataset['returns']}").get_data(as_text=True)

    assert "15 Jan 2026" in page and '<strong class="overdue">overdue</strong>' in page


@pytest.mark.parametrize("status, public_link", [("published", True), ("archived", False)])
def test_it_links_to_the_workspace_and_to_the_public_page_while_published(app, dataset, lead, status, public_link):
    set_article(app, dataset["returns"], status=status)

    page = lead.get(f"/dashboard/articles/{dataset['returns']}").get_data(as_text=True)

    assert f'href="/write/{dataset["returns"]}"' in page
    assert ('href="/articles/returns"' in page) is public_link


@pytest.mark.parametrize("key, shown", [
    ("article_views", ("1,204", "+20% (1,001 → 1,204)", None)),  # 1,200 + 1 + 2 + 1 against 1,000 + 1
    ("article_helpful", ("100%", "+50 pts (50% → 100%)", "Target 90% · met")),  # 10 of 10 against 3 of 6
    ("article_inquiries_count", ("2", "+100% (1 → 2)", None)),
])
def test_the_article_figures_count_only_this_article(dataset, lead, key, shown):
    page = lead.get(f"/dashboard/articles/{dataset['returns']}?range=2026-10").get_data(as_text=True)

    assert figure_cards(page)[key] == shown


def test_the_article_tables_show_its_searches_and_inquiries(dataset, lead):
    page = lead.get(f"/dashboard/articles/{dataset['returns']}?range=2026-10").get_data(as_text=True)

    assert table_rows(block(page, "table", "article_searches")) == [["refund", "2"]]  # two of four opened it
    inquiries = table_rows(block(page, "table", "article_inquiries"))
    assert [row[0] for row in inquiries] == ["INQ-2610-0004", "INQ-2610-0002"]  # newest first
    assert block(page, "chart", "article_views_per_day")


def test_the_range_picker_stays_on_the_article(dataset, lead):
    page = lead.get(f"/dashboard/articles/{dataset['returns']}?range=2026-10").get_data(as_text=True)

    assert f'action="/dashboard/articles/{dataset["returns"]}"' in page
    assert "1–31 October 2026 (UTC), compared with 1–30 September 2026." in text_of(page)


def test_an_article_table_downloads_for_the_range(dataset, lead):
    response = lead.get(f"/dashboard/articles/{dataset['returns']}/export/article_searches.csv?range=2026-10")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="tier0-article-{dataset["returns"]}-article_searches-2026-10-01-to-2026-10-31.csv"')
    assert csv_rows(response) == [["Search", "Clicks"], ["refund", "2"]]


@pytest.mark.parametrize("url", ["/dashboard/articles/999999", "/dashboard/articles/999999/export/figures.csv",
                                 "/dashboard/articles/{id}/export/no_such_table.csv"])
def test_unknown_articles_and_tables_are_not_found(dataset, lead, url):
    assert lead.get(url.format(id=dataset["returns"])).status_code == 404


def test_a_bad_range_is_explained_on_the_article_page(dataset, lead):
    response = lead.get(f"/dashboard/articles/{dataset['returns']}?range=yesterday")

    assert response.status_code == 400
    assert "“yesterday” is not a range" in text_of(response.get_data(as_text=True))
