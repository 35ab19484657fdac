"""CSV exports: what a lead downloads (or gets from `flask feedback export`) and what never leaves the database."""
import csv
import io
from datetime import datetime

import pytest

from app.core.csv_export import safe_cell
from app.extensions import db
from plugins.feedback import export
from plugins.feedback.models import TopicRequest
from plugins.feedback.reports import parse_filters
from tests.helpers import login
from tests.plugins.feedback.conftest import add_votes, article

PASSWORD = "correct horse battery"  # the staff fixture's (conftest.py)


def rows(text):
    """The CSV text as a list of dicts."""
    return list(csv.DictReader(io.StringIO(text)))


def votes_csv(**filters):
    """The votes CSV as the ratings page downloads it, parsed."""
    return rows("".join(export.votes_csv(parse_filters(**filters))))


@pytest.fixture
def content(synced_app):
    """An app context on the default content."""
    with synced_app.app_context():
        yield synced_app


def test_votes_csv_has_one_row_per_vote_with_article_category_and_answer(content):
    refunds = article("refunds")
    add_votes(refunds, not_helpful=1, reason="outdated", when=datetime(2024, 5, 2, 8, 30))

    [row] = votes_csv()

    assert row == {"created_at": "2024-05-02 08:30:00", "updated_at": "2024-05-02 08:30:00",
                   "article_slug": "refunds", "article_title": "Refunds for upgrades",
                   "category": "Payments & billing", "revision_id": str(refunds.published_revision_id),
                   "helpful": "no", "reason": "outdated", "reason_label": "Outdated or wrong", "comment": ""}


def test_votes_csv_never_contains_voter_keys(content):
    add_votes(article("refunds"), helpful=2)

    text = "".join(export.votes_csv())

    assert "voter" not in text.lower()


@pytest.mark.parametrize(
    "state, exported",
    [
        ("visible", "Write to [e-mail hidden] please"),
        ("flagged", ""),
        ("hidden", ""),
    ],
)
def test_only_visible_comments_are_exported_and_masked(content, state, exported):
    add_votes(article("refunds"), helpful=1, comment="Write to jo@example.com please", comment_state=state)

    [row] = votes_csv()

    assert row["comment"] == exported


@pytest.mark.parametrize(
    "filters, slugs",
    [
        ({}, ["refunds", "post-an-ad", "post-an-ad"]),
        ({"start": "2024-05-02"}, ["post-an-ad", "post-an-ad"]),
        ({"end": "2024-05-02"}, ["refunds", "post-an-ad"]),
        ({"start": "2024-05-02", "end": "2024-05-02"}, ["post-an-ad"]),
        ({"category": "posting-ads"}, ["post-an-ad", "post-an-ad"]),
        ({"category": "payments-and-billing", "start": "2024-05-02"}, []),
    ],
)
def test_votes_csv_filters_by_date_range_and_category(content, filters, slugs):
    add_votes(article("refunds"), helpful=1, when=datetime(2024, 5, 1, 23, 59))
    add_votes(article("post-an-ad"), helpful=1, when=datetime(2024, 5, 2, 0, 0))
    add_votes(article("post-an-ad"), not_helpful=1, when=datetime(2024, 5, 3, 12, 0))

    assert [row["article_slug"] for row in votes_csv(**filters)] == slugs


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")"),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Fine = good", "Fine = good"),
        ("", ""),
        (42, 42),
    ],
)
def test_formula_like_cells_are_quoted(value, cell):
    assert safe_cell(value) == cell


def test_a_formula_in_a_comment_reaches_the_csv_as_text(content):
    add_votes(article("refunds"), helpful=1, comment="=cmd|' /C calc'!A0")

    [row] = votes_csv()

    assert row["comment"] == "'=cmd|' /C calc'!A0"


def test_topics_csv_lists_requests_in_the_date_range(content):
    db.session.add_all([
        TopicRequest(text="Selling a car", email="jo@example.com", search_query="car", created_at=datetime(2024, 5, 1),
                     updated_at=datetime(2024, 5, 1)),
        TopicRequest(text="-Pets allowed?", created_at=datetime(2024, 6, 1), updated_at=datetime(2024, 6, 1)),
    ])
    db.session.commit()

    every = rows("".join(export.topics_csv()))
    june = rows("".join(export.topics_csv(parse_filters(start="2024-06-01"))))

    assert [(r["text"], r["status"], r["email"], r["search_query"]) for r in every] == \
        [("Selling a car", "open", "jo@example.com", "car"), ("'-Pets allowed?", "open", "", "")]
    assert [r["text"] for r in june] == ["'-Pets allowed?"]


# -- downloads --------------------------------------------------------------------------------------
@pytest.fixture
def lead(synced_app, client, staff):
    """A signed-in support lead's client."""
    assert login(client, staff["lead"], PASSWORD).status_code == 302
    return client


def test_votes_download_is_an_attachment_named_after_its_filters(synced_app, lead):
    with synced_app.app_context():
        add_votes(article("refunds"), helpful=1, when=datetime(2024, 5, 2))

    response = lead.get("/feedback/export/votes.csv?from=2024-05-01&to=2024-05-31&category=payments-and-billing")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=feedback-votes-payments-and-billing-from-2024-05-01-to-2024-05-31.csv"
    assert [r["article_slug"] for r in rows(response.get_data(as_text=True))] == ["refunds"]


def test_topics_download_is_an_attachment(lead):
    response = lead.get("/feedback/export/topics.csv")

    assert response.headers["Content-Disposition"] == "attachment; filename=feedback-topics.csv"
    assert response.get_data(as_text=True).splitlines() == [",".join(export.TOPIC_COLUMNS)]


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=2024-13-01", "“From” must be a date written YYYY-MM-DD"),
        ("to=tomorrow", "“To” must be a date written YYYY-MM-DD"),
        ("from=2024-06-01&to=2024-05-01", "“From” must be on or before “To”."),
        ("category=nope", "There is no category “nope”."),
    ],
)
def test_download_with_bad_filters_explains_instead_of_failing(lead, query, message):
    response = lead.get(f"/feedback/export/votes.csv?{query}")
    page = response.get_data(as_text=True)

    assert response.status_code == 400 and response.mimetype == "text/html"
    assert message in page


@pytest.mark.app_config(PLUGIN_SETTINGS={"feedback": {"export_rate_limit": "2 per hour"}})
def test_downloads_are_rate_limited(lead):
    statuses = [lead.get("/feedback/export/votes.csv").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


# -- flask feedback export ----------------------------------------------------------------------------
def test_cli_writes_the_votes_csv_to_stdout(synced_app, runner):
    with synced_app.app_context():
        add_votes(article("refunds"), not_helpful=1, reason="unclear", when=datetime(2024, 5, 2))

    result = runner.invoke(args=["feedback", "export", "votes"])

    assert result.exit_code == 0, result.output
    assert [(r["article_slug"], r["helpful"], r["reason"]) for r in rows(result.output)] == \
        [("refunds", "no", "unclear")]


def test_cli_filters_and_writes_a_file(synced_app, runner, tmp_path):
    with synced_app.app_context():
        add_votes(article("refunds"), helpful=1, when=datetime(2024, 5, 2))
        add_votes(article("post-an-ad"), helpful=1, when=datetime(2024, 5, 2))
        add_votes(article("post-an-ad"), helpful=1, when=datetime(2024, 7, 2))
    target = tmp_path / "votes.csv"

    result = runner.invoke(args=["feedback", "export", "votes", "--from", "2024-05-01", "--to", "2024-05-31",
                                 "--category", "posting-ads", "--output", str(target)])

    assert result.exit_code == 0, result.output
    assert f"Wrote 1 vote to {target}." in result.output
    assert [r["article_slug"] for r in rows(target.read_text(encoding="utf-8"))] == ["post-an-ad"]


def test_cli_exports_topic_requests(synced_app, runner):
    with synced_app.app_context():
        db.session.add(TopicRequest(text="Selling a car"))
        db.session.commit()

    result = runner.invoke(args=["feedback", "export", "topics"])

    assert [r["text"] for r in rows(result.output)] == ["Selling a car"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["votes", "--from", "01/05/2024"], "Invalid value for '--from': “From” must be a date written YYYY-MM-DD"),
        (["votes", "--to", "2024-02-30"], "Invalid value for '--to': “To” must be a date written YYYY-MM-DD"),
        (["votes", "--from", "2024-06-01", "--to", "2024-05-01"], "“From” must be on or before “To”."),
        (["votes", "--category", "nope"], "Invalid value for '--category': There is no category “nope”."),
        (["topics", "--category", "posting-ads"], "--category applies to votes only"),
        (["comments"], "'comments' is not one of 'topics', 'votes'"),
    ],
)
def test_cli_explains_bad_arguments(synced_app, runner, args, message):
    result = runner.invoke(args=["feedback", "export", *args])

    assert result.exit_code == 2
    assert message in result.output
