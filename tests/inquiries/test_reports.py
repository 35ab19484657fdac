"""Inquiry reports: periods, every figure on a fixed data set worked out by hand, the page, CSV, PDF and CLI."""
import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from flask import current_app
from pypdf import PdfReader
from sqlalchemy import func, select

from app.auth.services import create_user
from app.extensions import db
from app.inquiries import report_views, reports, sla
from app.inquiries.models import Deflection, Inquiry, Survey
from app.inquiries.reports import Period, PeriodError
from app.kb import services as kb
from app.kb.sync import sync_directory
from tests.helpers import BOTH_BACKENDS, article_file, login, write

PASSWORD = "correct horse battery"
NOW = datetime(2026, 6, 1, 12, 0)  # "today" for every test here: January and February are over


def at(day, hour=0, minute=0, second=0, month=1, year=2026):
    """A moment in January 2026 (or another month)."""
    return datetime(year, month, day, hour, minute, second)


# The fixed January 2026 data set. "first" and "resolved" are hours after creation; survey = (csat, nps, effort).
# Targets (config INQUIRY_SLA_HOURS): normal and low 48 h / 120 h, high 24 h / 48 h, urgent 4 h / 24 h.
JANUARY = [
    # created            category      status         channel   user type       subject
    #     priority  first resolved reopened survey         article read first
    (at(1),              "billing",    "resolved",    "portal", "public",       "Refund not received",
         "normal", 2,    10,   0, (5, 10, 2),   "refunds"),
    (at(3, 9),           "billing",    "closed",      "email",  "registered",   "Refund not received",
         "normal", 1,    20,   0, (4, 9, 3),    "refunds"),
    (at(5, 12),          "technical",  "resolved",    "portal", "public",       "  refund   NOT received. ",
         "normal", 3,    24,   1, (2, 3, 6),    "log-in"),
    (at(8),              "technical",  "resolved",    "chat",   "advertiser",   "Cannot log in",
         "urgent", 5,    30,   0, (3, 9, None), None),
    (at(10),             "ad_posting", "in_progress", "portal", "public",       "Cannot log in",
         "normal", 50,   None, 0, None,         "refunds"),
    (at(12),             "billing",    "resolved",    "phone",  "organization", "Invoice missing",
         "high",   4,    48,   0, (5, None, 1), None),
    (at(15, 12),         "moderation", "new",         "portal", "public",       "Ad rejected",
         "normal", None, None, 0, None,         "log-in"),
    (at(20),             "policy",     "reopened",    "social", "partner",      "Ad rejected!",
         "normal", 6,    None, 2, (1, 0, 7),    None),
    (at(30, 10),         "other",      "new",         "portal", "registered",   "Where is my invoice",
         "normal", None, None, 0, None,         None),
    (at(31, 23, 59, 59), "feedback",   "resolved",    "email",  "public",       "Thanks",
         "low",    0.5,  0.75, 0, (5, 8, 1),    None),
]
OUTSIDE = [  # the edges of January, and February
    (datetime(2025, 12, 31, 23, 59, 59), "billing", "new", "portal", "public", "Last year", "normal",
     None, None, 0, None, None),
    (at(1, month=2), "billing", "new", "portal", "public", "Refund not received", "normal", None, None, 0,
     None, None),
    (at(14, month=2), "technical", "new", "email", "partner", "Cannot log in", "urgent", None, None, 0, None, None),
]
DEFLECTIONS = [(at(5), False), (at(6), False), (at(7), True), (at(2, month=2), False),
               (datetime(2025, 12, 31, 23), False)]


def add_inquiries(rows, articles):
    """Insert inquiry rows (and their surveys) exactly as given."""
    already = db.session.execute(select(func.count()).select_from(Inquiry)).scalar_one()
    for number, (created, category, status, channel, user_type, subject, priority, first, resolved, reopened,
                 survey, article) in enumerate(rows, start=already + 1):
        first_due, resolution_due = sla.due_times(current_app.config, created, priority)
        inquiry = Inquiry(
            reference=f"INQ-{created:%y%m}-{number:04d}", name="Ann Example", email="ann@example.com",
            user_type=user_type, subject=subject, category=category, description="Details.", channel=channel,
            priority=priority, status=status, created_at=created, first_response_due=first_due,
            resolution_due=resolution_due, reopened_count=reopened, link_nonce=f"nonce-{number}",
            first_response_at=None if first is None else created + timedelta(hours=first),
            resolved_at=None if resolved is None else created + timedelta(hours=resolved),
            source_article_id=articles[article] if article else None)
        if survey:
            csat, nps, effort = survey
            inquiry.survey = Survey(csat=csat, nps=nps, effort=effort, resolved=csat >= 4, created_at=created)
        db.session.add(inquiry)
    db.session.commit()


@pytest.fixture
def articles(app, tmp_path):
    """Two published help articles: {"refunds": id, "log-in": id}."""
    root = tmp_path / "content"
    write(root, "billing/refunds.md", article_file("Refunds and returns", "Ask within 14 days."))
    write(root, "account/log-in.md", article_file("Log in and reset your password", "Use the link."))
    with app.app_context():
        assert not sync_directory(root).failed
        return {slug: kb.get_article(slug).id for slug in ("refunds", "log-in")}


@pytest.fixture
def data(app, articles):
    """The fixed data set: ten inquiries in January 2026, two in February, one on 31 December 2025."""
    with app.app_context():
        add_inquiries(JANUARY + OUTSIDE, articles)
        db.session.add_all(Deflection(visitor_key=f"v{i}", created_at=when, submitted=submitted)
                           for i, (when, submitted) in enumerate(DEFLECTIONS))
        db.session.commit()
    return app


@pytest.fixture
def today(monkeypatch):
    """Freeze the report's clock at NOW."""
    monkeypatch.setattr(reports, "utcnow", lambda: NOW)


def rows(breakdown):
    """(key, label, count) of each row."""
    return [(row.key, row.label, row.count) for row in breakdown]


# -- periods ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("month, quarter, kind, start, end, label, days", [
    ("2026-01", "", "month", at(1), at(1, month=2), "January 2026", "1–31 January 2026"),
    ("2024-02", "", "month", at(1, month=2, year=2024), at(1, month=3, year=2024), "February 2024",
     "1–29 February 2024"),
    ("2026-12", "", "month", at(1, month=12), at(1, year=2027), "December 2026", "1–31 December 2026"),
    (" 2026-03 ", "", "month", at(1, month=3), at(1, month=4), "March 2026", "1–31 March 2026"),
    ("", "2026-Q1", "quarter", at(1), at(1, month=4), "Q1 2026 (January–March)", "1 January – 31 March 2026"),
    ("", "2026-q4", "quarter", at(1, month=10), at(1, year=2027), "Q4 2026 (October–December)",
     "1 October – 31 December 2026"),
    ("", "", "month", at(1, month=5), at(1, month=6), "May 2026", "1–31 May 2026"),  # default: this month
])
def test_a_month_or_quarter_is_a_utc_range(month, quarter, kind, start, end, label, days):
    period = reports.parse_period(month, quarter, now=datetime(2026, 5, 17, 8))
    assert (period.kind, period.start, period.end, period.label, period.days) == (kind, start, end, label, days)


@pytest.mark.parametrize("month, quarter, message", [
    ("2026-13", "", "is not a month"),
    ("2026-00", "", "is not a month"),
    ("2026-1", "", "write it as YYYY-MM"),
    ("26-01", "", "is not a month"),
    ("January", "", "is not a month"),
    ("2026-01-05", "", "is not a month"),
    ("２０２６-０１", "", "is not a month"),  # other digits than 0-9
    ("", "2026-Q5", "is not a quarter"),
    ("", "2026-Q0", "is not a quarter"),
    ("", "2026Q1", "YYYY-Q1 to YYYY-Q4"),
    ("", "Q1-2026", "is not a quarter"),
    ("2026-01", "2026-Q1", "not both"),
    ("1999-12", "", "from 2000 to 2999"),
    ("", "3000-Q1", "from 2000 to 2999"),
])
def test_a_bad_period_is_explained(month, quarter, message):
    with pytest.raises(PeriodError, match=message):
        reports.parse_period(month, quarter)


@pytest.mark.parametrize("key, previous, following", [
    ("2026-01", "2025-12", "2026-02"),
    ("2026-12", "2026-11", "2027-01"),
    ("2026-Q1", "2025-Q4", "2026-Q2"),
    ("2026-Q4", "2026-Q3", "2027-Q1"),
    ("2000-01", None, "2000-02"),
    ("2999-Q4", "2999-Q3", None),
])
def test_periods_step_backwards_and_forwards(key, previous, following):
    period = reports.parse_period(*((key, "") if "Q" not in key else ("", key)))
    assert period.key == key
    assert (period.previous() and period.previous().key) == previous
    assert (period.next() and period.next().key) == following


# -- the figures -----------------------------------------------------------------------------------
@BOTH_BACKENDS
def test_january_figures_match_the_hand_count(data):
    with data.app_context():
        report = reports.build_report(Period("month", 2026, 1), now=NOW)

    assert report.total == 10
    assert rows(report.by_category) == [
        ("billing", "Payment / billing", 3), ("technical", "Technical issue", 2), ("ad_posting", "Ad posting", 1),
        ("moderation", "Ad moderation / approval", 1), ("policy", "Policy / terms clarification", 1),
        ("feedback", "General feedback", 1), ("other", "Other", 1), ("removal_expiry", "Ad removal or expiry", 0),
        ("feature_request", "Feature request", 0)]
    assert rows(report.by_status) == [
        ("resolved", "Resolved", 5), ("new", "New", 2), ("in_progress", "In progress", 1), ("closed", "Closed", 1),
        ("reopened", "Reopened", 1), ("escalated", "Escalated", 0)]
    assert rows(report.by_channel) == [
        ("portal", "Support portal", 5), ("email", "E-mail", 2), ("phone", "Phone", 1), ("chat", "Live chat", 1),
        ("social", "Social media", 1), ("in_person", "In person", 0)]
    assert rows(report.by_user_type) == [
        ("public", "General public", 5), ("registered", "Registered user", 2), ("advertiser", "Advertiser", 1),
        ("organization", "Organization", 1), ("partner", "Partner", 1)]
    # answered: 0.5 1 2 3 | 4 5 6 50 -> (3 + 4) / 2; resolved: 0.75 10 20 | 24 30 48 -> (20 + 24) / 2
    assert report.median_first_response == pytest.approx(3.5)
    assert report.median_resolution == pytest.approx(22)
    # resolved within 24 h: 10, 20, 24 (exactly 24 counts), 0.75 -> 4 of all 10
    assert (report.resolved_within.count, report.resolved_within.total, report.resolved_within.result) == \
           (4, 10, "MISS")
    # breached at 1 Feb 00:00: urgent answered after 5 h, first reply after 50 h, unanswered since 15 Jan,
    # reopened and unresolved past its 120 h; not the one of 30 Jan (first reply due 1 Feb 10:00)
    assert (report.sla_breached.count, report.sla_breached.total) == (4, 10)
    # CSAT 5 4 2 3 5 1 5: four of seven are 4 or 5
    assert (report.csat.count, report.csat.total, report.csat.result) == (4, 7, "MISS")
    # NPS 10 9 3 9 0 8: promoters 3, passives 1, detractors 2 of 6 -> (3 - 2) / 6
    assert (report.nps.promoters, report.nps.passives, report.nps.detractors) == (3, 1, 2)
    assert report.nps.score == pytest.approx(100 / 6)
    assert report.mean_effort == pytest.approx((2 + 3 + 6 + 1 + 7 + 1) / 6)
    assert (report.reopened.count, report.reopened.total) == (2, 10)
    assert [(row.label, row.count) for row in report.top_subjects] == [
        ("Refund not received", 3), ("Ad rejected", 2), ("Cannot log in", 2), ("Invoice missing", 1),
        ("Thanks", 1), ("Where is my invoice", 1)]
    assert [(row.key, row.count) for row in report.top_categories] == [
        ("billing", 3), ("technical", 2), ("ad_posting", 1), ("moderation", 1), ("policy", 1)]
    assert [(row.label, row.count) for row in report.source_articles] == [
        ("Refunds and returns", 3), ("Log in and reset your password", 2)]
    assert report.deflections == 2


@pytest.mark.parametrize("period, total, within, breached, csat, deflections", [
    (Period("month", 2026, 2), 2, (0, 2, "MISS"), (2, 2), (0, 0, "NO DATA"), 1),
    # due 2 Jan, so not late when December ends
    (Period("month", 2025, 12), 1, (0, 1, "MISS"), (0, 1), (0, 0, "NO DATA"), 1),
    (Period("quarter", 2026, 1), 12, (4, 12, "MISS"), (7, 12), (4, 7, "MISS"), 3),
    (Period("month", 2026, 3), 0, (0, 0, "NO DATA"), (0, 0), (0, 0, "NO DATA"), 0),
])
def test_other_periods_count_only_their_own_inquiries(data, period, total, within, breached, csat, deflections):
    with data.app_context():
        report = reports.build_report(period, now=NOW)
    assert report.total == total
    assert (report.resolved_within.count, report.resolved_within.total, report.resolved_within.result) == within
    assert (report.sla_breached.count, report.sla_breached.total) == breached
    assert (report.csat.count, report.csat.total, report.csat.result) == csat
    assert report.deflections == deflections


def test_a_running_period_is_judged_now_and_a_past_one_at_its_end(data):
    january = Period("month", 2026, 1)
    with data.app_context():
        running = reports.build_report(january, now=at(16))
        over = reports.build_report(january, now=NOW)
    assert (running.judged_at, over.judged_at) == (at(16), january.end)
    # On 16 January only the late urgent reply and the 50-hour reply count; the one of 15 January is not
    # due before the 17th. Judged at 1 February, the two unanswered or unresolved ones count too, but not the
    # one of 30 January (first reply due 1 February 10:00), although it is late by June.
    assert (running.sla_breached.count, over.sla_breached.count) == (2, 4)


def test_targets_come_from_the_configuration(data):
    data.config.update(RESOLVED_WITHIN_HOURS_TARGET=0.4, CSAT_TARGET=0.5)
    with data.app_context():
        report = reports.build_report(Period("month", 2026, 1), now=NOW)
    assert (report.resolved_within.result, report.csat.result) == ("PASS", "PASS")


@pytest.mark.parametrize("subject, key", [
    ("Refund not received", "refund not received"),
    ("  REFUND   not\treceived?! ", "refund not received"),
    ("«Ad» rejected…", "«ad» rejected"),
    ("???", ""),
])
def test_subjects_are_grouped_case_insensitively(subject, key):
    assert reports.normalize_subject(subject) == key


@pytest.mark.parametrize("hours, shown", [
    (None, "–"), (0, "0 min"), (0.5, "30 min"), (0.999, "1 h"), (1, "1 h"), (3.5, "3 h 30 min"), (22, "22 h"),
    (23.99, "23 h 59 min"), (24, "1 d"), (30, "1 d 6 h"), (50, "2 d 2 h"),
])
def test_hours_read_as_people_say_them(hours, shown):
    assert reports.format_hours(hours) == shown


@pytest.mark.parametrize("score, shown", [(None, "–"), (100 / 6, "+17"), (0, "0"), (-25, "−25"), (-0.4, "0")])
def test_nps_has_a_sign(score, shown):
    assert reports.format_score(score) == shown


# -- the page, CSV and PDF ---------------------------------------------------------------------------
URL = "/staff/reports/inquiries"


@pytest.fixture
def staff(app):
    """One account per role: {role: email}."""
    with app.app_context():
        return {role: create_user(f"{role}@example.com", PASSWORD, role=role).email
                for role in ("writer", "editor", "lead", "admin")}


@pytest.fixture
def lead(client, staff, today):
    """The test client signed in as a support lead (report clock frozen at NOW)."""
    assert login(client, staff["lead"], PASSWORD).status_code == 302
    return client


@pytest.mark.parametrize("query, content_type", [
    ("?month=2026-01", "text/html"), ("?month=2026-01&format=csv", "text/csv"),
    ("?quarter=2026-Q1&format=pdf", "application/pdf"),
])
@pytest.mark.parametrize("role", ["lead", "admin"])
def test_leads_and_admins_get_the_report(client, staff, data, today, role, query, content_type):
    assert login(client, staff[role], PASSWORD).status_code == 302
    answer = client.get(URL + query)
    assert answer.status_code == 200
    assert answer.mimetype == content_type
    assert "no-store" in answer.headers["Cache-Control"]


@pytest.mark.parametrize("query", ["", "?format=csv", "?format=pdf"])
@pytest.mark.parametrize("role", ["writer", "editor"])
def test_writers_and_editors_may_not_see_reports(client, staff, role, query):
    assert login(client, staff[role], PASSWORD).status_code == 302
    assert client.get(URL + query).status_code == 403


@pytest.mark.parametrize("query", ["", "?format=csv", "?format=pdf"])
def test_anonymous_visitors_are_sent_to_sign_in(client, query):
    answer = client.get(URL + query)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/auth/login")


def test_the_page_shows_every_figure_with_targets_and_definitions(lead, data):
    page = lead.get(URL + "?month=2026-01").get_data(as_text=True)
    assert "Inquiries report: January 2026" in page
    for shown in ("40%",  # resolved within 24 h
                  "57%",  # CSAT
                  "3 h 30 min", "22 h", "+17", "3.3", "20%", "Refund not received", "Refunds and returns",
                  "Log in and reset your password", "Payment / billing", "Registered user", "Live chat"):
        assert shown in page, shown
    assert page.count('report-badge-miss">Miss') == 2
    assert "Target 80%" in page and "Target 90%" in page
    assert reports.DEFINITIONS["resolved_within"][:60] in page
    assert 'href="/staff/reports/inquiries?month=2025-12"' in page
    assert 'href="/staff/reports/inquiries?month=2026-02"' in page
    assert 'href="/staff/reports/inquiries?format=csv&amp;month=2026-01"' in page


def test_without_a_period_the_page_shows_this_month_without_a_next_link(lead, data):
    page = lead.get(URL).get_data(as_text=True)
    assert "Inquiries report: June 2026" in page and "still running" in page
    assert "No inquiries were created in June 2026." in page
    assert 'rel="next"' not in page and 'href="/staff/reports/inquiries?month=2026-05"' in page


def test_a_quarter_report_links_quarters(lead, data):
    page = lead.get(URL + "?quarter=2026-q1").get_data(as_text=True)
    assert "Q1 2026 (January–March)" in page and 'class="report-card-value">12</p>' in page
    assert 'href="/staff/reports/inquiries?quarter=2025-Q4"' in page


@pytest.mark.parametrize("query, message", [
    ("?month=2026-13", "is not a month"),
    ("?month=2026-13&format=csv", "is not a month"),
    ("?quarter=2026-Q9&format=pdf", "is not a quarter"),
    ("?month=2026-01&quarter=2026-Q1", "not both"),
    ("?month=2026-01&format=xlsx", "format=html, csv or pdf"),
    ("?month=%00%ff", "is not a month"),
])
def test_a_bad_period_or_format_is_a_400_page_with_the_reason(lead, query, message):
    answer = lead.get(URL + query)
    assert answer.status_code == 400
    assert answer.mimetype == "text/html"
    assert message in answer.get_data(as_text=True)


def test_the_csv_is_one_table_of_figures_and_breakdowns(lead, data):
    answer = lead.get(URL + "?month=2026-01&format=csv")
    assert answer.headers["Content-Disposition"] == "attachment; filename=inquiries-report-2026-01.csv"
    table = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert list(table[0]) == reports.CSV_COLUMNS
    cells = {(row["section"], row["key"]): row for row in table}
    assert cells[("period", "month")]["value"] == "2026-01"
    expected = {"inquiries": ("10", "", ""), "median_first_response_hours": ("3.5", "", ""),
                "median_resolution_hours": ("22.0", "", ""), "resolved_within_24h": ("0.4", "0.8", "MISS"),
                "sla_breach_rate": ("0.4", "", ""), "csat": ("0.5714", "0.9", "MISS"), "nps": ("16.6667", "", ""),
                "mean_effort": ("3.3333", "", ""), "reopened_rate": ("0.2", "", ""), "deflections": ("2", "", "")}
    for key, (value, target, result) in expected.items():
        row = cells[("summary", key)]
        assert (row["value"], row["target"], row["result"]) == (value, target, result), key
    assert cells[("category", "billing")]["value"] == "3"
    assert cells[("user_type", "partner")]["value"] == "1"
    assert cells[("top_subject", "refund not received")]["label"] == "Refund not received"
    assert [row["label"] for row in table if row["section"] == "source_article"] == [
        "Refunds and returns", "Log in and reset your password"]


def test_csv_cells_that_look_like_formulas_are_quoted_but_numbers_are_not(lead, app, articles):
    march = [(at(2, month=3), "billing", "resolved", "portal", "public", "=HYPERLINK(\"http://x\")", "normal",
              1, 2, 0, (1, 0, None), None),
             (at(3, month=3), "billing", "new", "portal", "public", "@SUM(A1)", "normal", None, None, 0, None, None),
             (at(4, month=3), "billing", "new", "portal", "public", "-2+3", "normal", None, None, 0, None, None)]
    with app.app_context():
        add_inquiries(march, articles)
    table = list(csv.reader(io.StringIO(lead.get(URL + "?month=2026-03&format=csv").get_data(as_text=True))))
    subjects = [row[2] for row in table if row[0] == "top_subject"]
    assert sorted(subjects) == ["'-2+3", "'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]
    assert ["summary", "nps", "NPS", "-100.0", "score", "", ""] in table


def test_the_pdf_is_a_pdf_of_the_same_figures(lead, data, monkeypatch):
    drawn, original = {}, report_views.render_pdf

    def capture(html, blobs=None):
        drawn["html"] = html
        return original(html, blobs)

    monkeypatch.setattr(report_views, "render_pdf", capture)
    answer = lead.get(URL + "?month=2026-01&format=pdf")
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF-")
    assert answer.headers["Content-Disposition"] == "attachment; filename=inquiries-report-2026-01.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.data)).pages)
    for shown in ("January 2026", "40%", "57%", "3 h 30 min", "22 h", "+17", "MISS", "Refunds and returns"):
        assert shown in text, shown
    html = drawn["html"]
    assert '<link rel="stylesheet" href="/static/css/inquiry-reports.css">' in html


# -- the command line ------------------------------------------------------------------------------
def test_the_command_prints_the_figures(runner, data, today):
    result = runner.invoke(args=["inquiries", "report", "--month", "2026-01"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Inquiries report: January 2026" in out
    for line in ("Inquiries:", "Median first response:", "Resolved within 24 hours:", "CSAT (4–5 of 5):"):
        assert line in out, line
    assert re.search(r"Resolved within 24 hours: +40% +4 of 10 inquiries; target 80%: MISS\n", out)
    assert re.search(r"CSAT \(4–5 of 5\): +57% +4 of 7 survey answers; target 90%: MISS\n", out)
    for shown in ("3 h 30 min", "22 h", "+17", "3.3", "Refund not received", "Refunds and returns"):
        assert shown in out, shown


def test_the_command_writes_the_csv_for_a_quarter(runner, data, today):
    result = runner.invoke(args=["inquiries", "report", "--quarter", "2026-Q1", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "summary,inquiries,Inquiries,12,count,," in result.output


@pytest.mark.parametrize("args, message", [
    (["--month", "2026-1"], "write it as YYYY-MM"),
    (["--quarter", "2026-Q7"], "is not a quarter"),
    (["--month", "2026-01", "--quarter", "2026-Q1"], "not both"),
])
def test_the_command_explains_a_bad_period(runner, args, message):
    result = runner.invoke(args=["inquiries", "report", *args])
    assert result.exit_code == 2
    assert message in result.output
