"""The feedback plugin's "Helpfulness under target" section on the writers' "Needs attention" page."""
from datetime import date, datetime, timedelta

import pytest

from app.authoring.attention import needs_attention
from app.core.plugins import attention_checks
from app.extensions import db
from app.kb.models import Article
from tests.helpers import login
from tests.plugins.feedback.conftest import PASSWORD, add_votes, article

TODAY = date(2024, 6, 10)
RECENT = datetime(2024, 6, 1, 12, 0)


def helpfulness_rows(today=TODAY):
    """(title, reason, value) of the helpfulness section's rows."""
    section = next(s for s in needs_attention(today).checks if s.key == "feedback_helpfulness")
    assert not section.failed
    return [(row.title, row.reason, row.value) for row in section.rows]


@pytest.mark.parametrize("helpful, not_helpful, listed", [
    (13, 8, ("Refunds", "61% helpful (21 votes), target 90%", "61%")),
    (0, 5, ("Refunds", "0% helpful (5 votes), target 90%", "0%")),
    (89, 11, ("Refunds", "89% helpful (100 votes), target 90%", "89%")),  # just under: never rounded up to 90%
    (9, 1, None),  # on target
    (0, 4, None),  # too few votes to judge
])
def test_articles_under_the_target_with_enough_votes_are_listed(ctx, site, helpful, not_helpful, listed):
    add_votes(article("refunds"), helpful=helpful, not_helpful=not_helpful, when=RECENT)

    assert helpfulness_rows() == ([listed] if listed else [])


def test_only_votes_of_the_last_90_days_count(ctx, site):
    refunds = article("refunds")
    add_votes(refunds, helpful=20, when=datetime(2024, 3, 12))  # 90 days ago, today included: outside
    add_votes(refunds, not_helpful=5, when=datetime(2024, 3, 13))  # the first of the 90 days

    assert helpfulness_rows() == [("Refunds", "0% helpful (5 votes), target 90%", "0%")]


def test_least_helpful_first_and_archived_articles_left_out(ctx, site):
    add_votes(article("refunds"), helpful=4, not_helpful=6, when=RECENT)
    add_votes(article("invoices"), helpful=1, not_helpful=9, when=RECENT)
    add_votes(article("is-it-free"), helpful=0, not_helpful=10, when=RECENT)
    db.session.get(Article, article("is-it-free").id).status = "archived"
    db.session.commit()

    assert [title for title, _, _ in helpfulness_rows()] == ["Invoices", "Refunds"]


@pytest.mark.app_config(PLUGIN_SETTINGS={"feedback": {"satisfaction_target": 0.5, "attention_min_votes": 2,
                                                      "attention_days": 7}})
def test_target_minimum_votes_and_period_are_plugin_settings(ctx, site):
    add_votes(article("refunds"), helpful=1, not_helpful=2, when=RECENT + timedelta(days=6))
    add_votes(article("invoices"), helpful=3, not_helpful=2, when=RECENT + timedelta(days=6))  # 60%: above 50%
    add_votes(article("is-it-free"), not_helpful=9, when=RECENT)  # 9 days before TODAY: outside the 7 days

    assert helpfulness_rows() == [("Refunds", "33% helpful (3 votes), target 50%", "33%")]


def test_the_section_is_on_the_page_for_writers(app, site, staff):
    with app.app_context():
        add_votes(article("refunds"), helpful=1, not_helpful=9)  # today: the page uses the real date
    client = app.test_client()
    login(client, staff["writer"], PASSWORD)

    page = client.get("/write/attention").get_data(as_text=True)

    assert 'href="#check-feedback_helpfulness"><strong>1</strong> Helpfulness under target' in page
    assert "10% helpful (10 votes), target 90%" in page


@pytest.mark.app_config(PLUGINS=[])
def test_no_section_when_the_plugin_is_disabled(app, site, staff):
    client = app.test_client()
    login(client, staff["writer"], PASSWORD)

    page = client.get("/write/attention").get_data(as_text=True)

    assert page.count("Helpfulness under target") == 0
    with app.app_context():
        assert attention_checks() == []
        assert needs_attention(TODAY).checks == []
