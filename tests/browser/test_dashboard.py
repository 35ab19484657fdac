"""A support lead in Chromium: opens the dashboard, picks this month and then October, sees the figures and the
charts drawn, turns the biggest search gap into a backlog item, downloads a table as CSV and opens an article."""
import os

import pytest

from app.analytics.periods import today_utc
from app.auth.services import create_user
from tests.browser.conftest import sign_in
from tests.dashboard import synthetic

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LEAD = ("lead@example.com", "lead password 12")


def shot(page, name):
    """Keep a screenshot for a human to look at when TIER0_SHOTS names a folder."""
    folder = os.environ.get("TIER0_SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_a_lead_reads_the_month_turns_a_gap_into_backlog_and_downloads_a_table(page, live_server, synced_app,
                                                                              tmp_path):
    with synced_app.app_context():
        synthetic.build(tmp_path / "content")
        create_user(LEAD[0], LEAD[1], role="lead")
    page.emulate_media(reduced_motion="reduce")  # charts drawn at once, so the screenshot shows them whole
    sign_in(page, live_server, LEAD)

    page.click("header >> text=Dashboard")
    page.select_option("#range-choice", label="This month")
    page.click("button:text-is('Show')")
    assert page.url.endswith(f"/dashboard/?range={today_utc():%Y-%m}")
    assert page.locator("#range-choice option:checked").inner_text() == "This month"

    page.fill("#range-start", "2026-10-01")
    page.fill("#range-end", "2026-10-31")
    page.click("text=Show dates")
    assert page.locator("[data-figure=views] .figure-value").inner_text() == "1,208"
    assert page.locator("[data-figure=helpful] .figure-target").inner_text() == "Target 90% · met"
    for key in ("views_per_day", "searches_per_day", "helpful_per_week", "inquiries_per_week"):
        chart = page.locator(f"[data-chart={key}]")
        assert chart.locator("canvas").is_visible(), key  # drawn by the script
        assert chart.locator("details").get_attribute("open") is None  # the numbers wait behind a click
    page.locator("[data-chart=views_per_day] summary").click()
    assert page.locator("[data-chart=views_per_day] table").is_visible()
    shot(page, "dashboard-overview")

    page.click(".dashboard-nav >> text=Search gaps")
    first = page.locator(".gap-table tbody tr").first
    assert first.locator("th").inner_text().startswith("crypto payment")
    first.locator("button", has_text="Add to backlog").click()
    assert "is on the backlog" in page.locator(".flashes").inner_text()

    page.click(".dashboard-nav >> text=Overview")
    page.fill("#range-start", "2026-10-01")
    page.fill("#range-end", "2026-10-31")
    page.click("text=Show dates")
    with page.expect_download() as download:
        page.locator("[data-table=top_articles] .dash-csv").click()
    assert download.value.suggested_filename == "tier0-top_articles-2026-10-01-to-2026-10-31.csv"
    with open(download.value.path(), encoding="utf-8") as fh:
        assert fh.readline().strip() == "Article,Views,Visitors,Change vs previous"
        assert fh.readline().strip() == "Refunds and returns,1204,4,203"

    page.locator("[data-table=top_articles] a", has_text="Refunds and returns").click()
    assert page.locator("h1").inner_text() == "Refunds and returns"
    assert page.locator("[data-figure=article_views] .figure-value").inner_text() == "1,204"
    assert page.locator("[data-chart=article_views_per_day] canvas").is_visible()
    shot(page, "dashboard-article")
    assert page.console_errors == []
