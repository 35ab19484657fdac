"""CSV downloads of the overview: every table and chart and the figures, for the chosen range, formula-safe."""
import re

import pytest

from app.core.plugins import DashboardPart, Table, add_feature_dashboard_source
from tests.dashboard.page_text import csv_rows

OVERVIEW_KEYS = {  # key: header row
    "figures": ["Key", "Label", "Value", "Previous", "Change", "Unit", "Target"],
    "top_articles": ["Article", "Views", "Visitors", "Change vs previous"],
    "view_changes": ["Article", "Views", "Previous period", "Change"],
    "search_gaps": None,  # the gaps' columns are the search gaps page's
    "least_helpful": ["Article", "Votes", "Helpful %", "Top reasons"],
    "most_inquired": ["Article", "Inquiries", "Share %"],
    "views_per_day": ["Period", "Page views"],  # a chart: the label column, then one column per series
    "searches_per_day": ["Period", "With results", "No results"],
    "helpful_per_week": ["Period", "Helpful %"],
    "inquiries_per_week": ["Period", "Inquiries"],
}


@pytest.mark.parametrize("key", OVERVIEW_KEYS)
def test_every_overview_table_and_chart_downloads_for_the_range(dataset, lead, key):
    response = lead.get(f"/dashboard/export/{key}.csv?range=2026-10")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="tier0-{key}-2026-10-01-to-2026-10-31.csv"')
    assert response.headers["Cache-Control"] == "no-store"
    header, *rows = csv_rows(response)
    assert header == (OVERVIEW_KEYS[key] or header) and rows


def test_every_download_link_on_the_overview_works(dataset, lead):
    page = lead.get("/dashboard/?start=2026-10-01&end=2026-10-31").get_data(as_text=True)
    links = set(re.findall(r'href="(/dashboard/export/[^"]+)"', page))

    assert {re.search(r"export/(\w+)\.csv", link).group(1) for link in links} == set(OVERVIEW_KEYS)
    for link in links:
        response = lead.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        assert "2026-10-01-to-2026-10-31" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("key, row", [
    ("views_per_day", ["5 Oct", "1204"]),
    ("searches_per_day", ["20 Oct", "0", "3"]),
    ("top_articles", ["Refunds and returns", "1204", "4", "203"]),
])
def test_downloads_hold_plain_numbers(dataset, lead, key, row):
    assert row in csv_rows(lead.get(f"/dashboard/export/{key}.csv?range=2026-10"))


def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted(app, lead):
    def evil(period, previous):
        return DashboardPart(tables=[Table("evil", "Evil", ["Query", "Searches"],
                                           [["=HYPERLINK(\"http://x.example\")", 3], ["@SUM(A1)", 1], ["-2+3", -2]])])

    add_feature_dashboard_source(app, "test", "evil", overview=evil)
    rows = csv_rows(lead.get("/dashboard/export/evil.csv"))

    assert rows[1:] == [["'=HYPERLINK(\"http://x.example\")", "3"], ["'@SUM(A1)", "1"], ["'-2+3", "-2"]]


@pytest.mark.parametrize("url", ["/dashboard/export/no_such_table.csv", "/dashboard/export/..%2Fsecrets.csv",
                                 "/dashboard/export/top-articles.csv"])
def test_an_unknown_table_is_not_found(app, lead, url):
    assert lead.get(url).status_code == 404


def test_a_bad_range_is_refused_with_the_reason(app, lead):
    response = lead.get("/dashboard/export/figures.csv?range=2026-13")

    assert response.status_code == 400
    assert "“2026-13” is not a range" in response.get_data(as_text=True)
