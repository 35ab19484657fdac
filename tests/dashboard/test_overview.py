"""The overview: every headline number of the fixed data set against the previous period, targets, charts with
their tables, the tables' links, an empty site, a broken source, a bad range, and what writers see."""
import json
import re

import pytest

from app.analytics import rollup
from app.core.plugins import Chart, DashboardPart, Figure, Series, Table, add_feature_dashboard_source
from app.dashboard.content import chart_has_data
from tests.dashboard import synthetic
from tests.dashboard.conftest import sign_in
from tests.dashboard.page_text import block, csv_rows, figure_cards, table_rows, text_of


def test_each_headline_figure_of_a_month_against_the_month_before(dataset, lead):
    page = lead.get("/dashboard/?range=2026-10").get_data(as_text=True)

    assert figure_cards(page) == synthetic.EXPECTED["2026-10"]
    assert "1–31 October 2026 (UTC), compared with 1–30 September 2026." in text_of(page)


def test_each_headline_figure_of_a_custom_range_against_as_many_days_before(dataset, lead):
    response = lead.get("/dashboard/?start=2026-10-01&end=2026-10-10")
    cards = figure_cards(response.get_data(as_text=True))

    assert response.status_code == 200
    assert {key: cards[key] for key in synthetic.EXPECTED["custom"]} == synthetic.EXPECTED["custom"]
    assert cards["helpful"][:2] == ("—", "Nothing to count in this range")  # no votes in either period


def test_the_figures_download_holds_the_same_numbers(dataset, lead):
    response = lead.get("/dashboard/export/figures.csv?range=2026-10")
    header, *rows = csv_rows(response)

    assert header == ["Key", "Label", "Value", "Previous", "Change", "Unit", "Target"]
    assert {row[0]: tuple(row[2:5]) for row in rows} == synthetic.EXPECTED_CSV
    assert {row[0]: row[6] for row in rows if row[6]} == {"helpful": "90.0", "csat": "90.0", "resolved_24h": "80.0"}


@pytest.mark.parametrize("key, tone", [
    ("views", "good"),  # more views
    ("zero_result_rate", "bad"),  # more searches found nothing
    ("helpful", "good"),
    ("self_service_rate", "bad"),
    ("inquiries", "bad"),  # more inquiries is more work, not success
])
def test_a_change_is_coloured_by_whether_it_is_good_news(dataset, lead, key, tone):
    page = lead.get("/dashboard/?range=2026-10").get_data(as_text=True)
    card = re.search(rf'data-figure="{key}">(.*?)</dl>', page, re.S).group(1)

    assert f'class="figure-change change-{tone}"' in card
    assert ("(better)" if tone == "good" else "(worse)") in text_of(card)  # said to screen readers too


@pytest.mark.parametrize("key, met", [("helpful", True), ("csat", False), ("resolved_24h", False)])
def test_targets_say_whether_they_were_met(dataset, lead, key, met):
    page = lead.get("/dashboard/?range=2026-10").get_data(as_text=True)
    card = re.search(rf'data-figure="{key}">(.*?)</dl>', page, re.S).group(1)

    assert f"figure-target target-{'met' if met else 'missed'}" in card


def test_the_figures_come_in_the_agreed_order_with_how_each_is_counted(dataset, lead):
    page = lead.get("/dashboard/?range=2026-10").get_data(as_text=True)

    assert list(figure_cards(page)) == ["views", "visitors", "searches", "zero_result_rate", "helpful",
                                        "self_service_rate", "inquiries", "csat", "resolved_24h"]
    assert page.count('<dd class="figure-note"><details><summary>How it is counted</summary>') == 9


@pytest.mark.parametrize("key, row, cells", [
    ("views_per_day", "5 Oct", ["1,204"]),  # a month: one row per day
    ("views_per_day", "6 Oct", ["0"]),
    ("searches_per_day", "20 Oct", ["0", "3"]),  # with results, without: stacked bars
    ("helpful_per_week", "Week of 12 Oct", ["95%"]),
    ("inquiries_per_week", "Week of 19 Oct", ["2"]),
])
def test_each_chart_is_also_a_table_of_its_numbers(dataset, lead, key, row, cells):
    page = lead.get("/dashboard/?range=2026-10").get_data(as_text=True)
    chart = block(page, "chart", key)

    assert '<div class="chart-canvas" data-dashboard-chart hidden>' in chart  # shown by the script
    assert '<details class="chart-numbers" open data-chart-table>' in chart  # open without JavaScript
    assert dict((cells_[0], cells_[1:]) for cells_ in table_rows(chart))[row] == cells


def test_the_helpful_chart_carries_its_target_line_and_percent_axis(dataset, lead):
    page = lead.get("/dashboard/?range=2026-10").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/json" data-chart-data>(.*?)</script>',
                                block(page, "chart", "helpful_per_week"), re.S).group(1))

    assert (data["unit"], data["target"], data["kind"]) == ("percent", 90.0, "line")
    assert None in data["series"][0]["values"]  # weeks without votes are gaps, not zeros


def test_the_page_loads_the_vendored_chart_library_and_no_inline_script(dataset, lead):
    page = lead.get("/dashboard/?range=2026-10").get_data(as_text=True)

    scripts = re.findall(r"<script([^>]*)>", page)
    assert '/static/vendor/chart.js/chart.umd.min.js' in page and "/static/js/dashboard-charts.js" in page
    assert all("src=" in attributes or 'type="application/json"' in attributes for attributes in scripts)
    assert "style=" not in page


def test_top_articles_link_to_their_dashboard_page_for_the_same_range(dataset, lead):
    page = lead.get("/dashboard/?range=2026-10").get_data(as_text=True)
    table = block(page, "table", "top_articles")

    assert [tuple(row) for row in table_rows(table)] == [
        (title, f"{views:,}", str(visitors), str(change).replace("-", "−"))
        for title, views, visitors, change in synthetic.EXPECTED_TOP_ARTICLES]
    assert f'<a href="/dashboard/articles/{dataset["returns"]}?range=2026-10">Refunds and returns</a>' in table


@pytest.mark.parametrize("key, first", [
    ("most_inquired", "Refunds and returns"),  # cited by two inquiries in October
    ("least_helpful", "Card declined"),  # one "no" in ten votes; the other article had none
])
def test_the_inquiry_and_feedback_tables_list_the_articles(dataset, lead, key, first):
    page = lead.get("/dashboard/?range=2026-10").get_data(as_text=True)

    assert table_rows(block(page, "table", key))[0][0] == first


def test_a_fresh_site_shows_dashes_and_says_why_instead_of_empty_charts(app, lead):
    page = lead.get("/dashboard/").get_data(as_text=True)
    cards = figure_cards(page)

    assert cards and all(value == "—" for value, _, _ in cards.values())
    assert "No activity was recorded in this range or the period before" in text_of(page)
    assert "data-dashboard-chart" not in page
    assert "Nothing to chart in this range." in page


def test_a_source_that_fails_is_named_and_the_rest_of_the_page_shows(app, dataset, lead, caplog):
    def broken(period, previous):
        raise RuntimeError("the plugin's table is missing")

    add_feature_dashboard_source(app, "brokenfeature", "figures", overview=broken)
    response = lead.get("/dashboard/?range=2026-10")

    assert response.status_code == 200
    assert "This part could not be loaded (brokenfeature)" in text_of(response.get_data(as_text=True))
    assert figure_cards(response.get_data(as_text=True))["views"][0] == "1,208"
    assert "dashboard source brokenfeature_figures failed" in caplog.text


def test_parts_from_every_source_are_merged_by_order(app, lead):
    def first(period, previous):
        return DashboardPart(figures=[Figure("b", "B", 1, order=20), Figure("d", "D", 1, order=40)],
                             charts=[Chart("chart_b", "Chart B", ["x"], [Series("S", [1])], order=20)],
                             tables=[Table("table_b", "Table B", ["A"], [["1"]], order=5)])

    def second(period, previous):
        return DashboardPart(figures=[Figure("a", "A", 1, order=10), Figure("c", "C", 1, order=20)],
                             charts=[Chart("chart_a", "Chart A", ["x"], [Series("S", [1])], order=10)],
                             tables=[Table("table_a", "Table A", ["A"], [["1"]], order=5)])

    add_feature_dashboard_source(app, "one", "parts", overview=first)
    add_feature_dashboard_source(app, "two", "parts", overview=second)
    page = lead.get("/dashboard/").get_data(as_text=True)

    assert [key for key in figure_cards(page) if key in "abcd"] == ["a", "b", "c", "d"]  # ties keep source order
    assert page.index('data-chart="chart_a"') < page.index('data-chart="chart_b"')
    assert page.index('data-table="table_b"') < page.index('data-table="table_a"')


def test_days_still_to_roll_up_are_announced(app, lead, monkeypatch):
    monkeypatch.setattr(rollup, "refresh", lambda **kwargs: rollup.Refresh(pending=40))

    page = text_of(lead.get("/dashboard/").get_data(as_text=True))

    assert "40 older days are still being rolled up; run flask analytics rollup" in page


@pytest.mark.parametrize("query, message", [
    ("range=2026-13", "“2026-13” is not a range"),
    ("start=2026-10-05&end=2026-10-01", "The start date is after the end date."),
    ("start=2026-10-05", "Give both a start and an end date for a custom range."),
])
def test_a_bad_range_is_explained_and_the_default_shown(app, lead, query, message):
    response = lead.get(f"/dashboard/?{query}")
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert message in text_of(page) and "Showing last 30 days instead." in text_of(page)
    assert 'aria-invalid="true"' in page


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_writers_and_editors_see_their_panels_without_the_analytics(app, staff, role):
    page = sign_in(app, role).get("/dashboard/?range=2026-10").get_data(as_text=True)

    assert "Traffic, search gaps and ratings are for support leads" in text_of(page)
    assert "figure-card" not in page and "range-picker" not in page


@pytest.mark.parametrize("unit, values, drawn", [
    ("percent", [None, 0.0, None], True),  # every vote said "no": a week at 0% is worth a chart
    ("percent", [None, None], False),
    ("count", [0, 0, 0], False),  # no views at all: say so instead of a flat line
    ("count", [0, 3, None], True),
])
def test_a_chart_is_drawn_when_it_has_something_to_show(unit, values, drawn):
    chart = Chart("c", "C", [str(n) for n in range(len(values))], [Series("S", values)], unit=unit)
    assert chart_has_data(chart) is drawn
