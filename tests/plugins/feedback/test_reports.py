"""Ratings reports: confidence-aware rankings, weekly trend, per-revision stats, reasons, comments, filters."""
from datetime import date, datetime

import pytest

from app.extensions import db
from app.kb.services import add_revision, publish
from plugins.feedback import reports
from tests.plugins.feedback.conftest import add_votes, article

REFUNDS_TITLE = "Refunds for upgrades"
SIX_SLUGS = ["post-an-ad", "edit-an-ad", "renew-an-ad", "refunds", "charged-twice", "block-a-user"]


@pytest.fixture
def content(synced_app):
    """An app context on the default content, with no votes yet."""
    with synced_app.app_context():
        yield synced_app


@pytest.mark.parametrize(
    "successes, total, low, high",
    [
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (5, 10, 0.2366, 0.7634),
        (1, 1, 0.2065, 1.0),
        (2, 2, 0.3424, 1.0),
        (50, 100, 0.4038, 0.5962),
        (90, 100, 0.8256, 0.9448),
        (81, 263, 0.2553, 0.3662),
        (0, 0, 0.0, 1.0),  # nothing counted: nothing known
    ],
)
def test_wilson_bounds_match_known_values(successes, total, low, high):
    assert reports.wilson_bounds(successes, total) == pytest.approx((low, high), abs=5e-5)


def test_two_unhelpful_votes_do_not_outrank_ninety_of_a_hundred(content):
    few, many = article("refunds"), article("payment-failed")
    add_votes(few, not_helpful=2)
    add_votes(many, helpful=10, not_helpful=90)

    least = reports.least_helpful(reports.article_stats())

    assert [s.slug for s in least] == ["payment-failed", "refunds"]


def test_least_helpful_lists_five_confidently_bad_articles_and_skips_those_without_no_votes(content):
    for number, slug in enumerate(SIX_SLUGS):  # each with more "Yes" votes than the one before
        add_votes(article(slug), helpful=10 + 10 * number, not_helpful=30)
    add_votes(article("privacy-and-cookies"), helpful=50)

    least = reports.least_helpful(reports.article_stats())

    assert [s.slug for s in least] == SIX_SLUGS[:5]


def test_most_helpful_prefers_many_yes_votes_over_a_single_one(content):
    add_votes(article("refunds"), helpful=1)
    add_votes(article("payment-failed"), helpful=95, not_helpful=5)

    assert [s.slug for s in reports.most_helpful(reports.article_stats())] == ["payment-failed", "refunds"]


def test_article_stats_count_votes_helpful_share_and_title(content):
    add_votes(article("refunds"), helpful=3, not_helpful=1)

    [stats] = reports.article_stats()

    assert (stats.title, stats.category, stats.votes, stats.helpful, stats.not_helpful) == \
        (REFUNDS_TITLE, "Payments & billing", 4, 3, 1)
    assert stats.share == 0.75


def test_votes_are_bucketed_by_iso_week(content):
    refunds = article("refunds")
    add_votes(refunds, helpful=2, when=datetime(2024, 5, 12, 23, 59))  # Sunday: week 19
    add_votes(refunds, not_helpful=1, when=datetime(2024, 5, 13, 0, 0))  # Monday: week 20
    add_votes(refunds, helpful=1, when=datetime(2024, 5, 19, 12, 0))  # Sunday: week 20

    trend = reports.weekly_trend(today=date(2024, 5, 22))

    assert len(trend) == 12
    assert trend[-1].label == "2024-W21" and trend[-1].votes == 0 and trend[-1].share is None
    assert (trend[-2].label, trend[-2].votes, trend[-2].helpful) == ("2024-W20", 2, 1)
    assert (trend[-3].label, trend[-3].votes, trend[-3].helpful) == ("2024-W19", 2, 2)


def test_trend_of_one_article_leaves_out_other_articles(content):
    when = datetime(2024, 5, 14, 9, 0)
    add_votes(article("refunds"), helpful=1, not_helpful=3, when=when)
    add_votes(article("payment-failed"), helpful=5, when=when)

    [week] = [p for p in reports.weekly_trend(article_id=article("refunds").id, today=date(2024, 5, 20)) if p.votes]

    assert (week.votes, week.share) == (4, 0.25)


def test_votes_older_than_the_trend_are_not_in_it(content):
    add_votes(article("refunds"), helpful=4, when=datetime(2024, 1, 2))

    assert sum(p.votes for p in reports.weekly_trend(today=date(2024, 5, 20))) == 0


@pytest.mark.parametrize(
    "start, end, weeks, first",
    [
        (None, None, 12, "2024-W10"),
        (date(2024, 4, 1), date(2024, 5, 5), 5, "2024-W14"),  # the range's weeks
        (date(2022, 1, 1), date(2024, 5, 5), 52, "2023-W19"),  # at most a year
    ],
)
def test_trend_covers_the_date_range_when_one_is_given(content, start, end, weeks, first):
    trend = reports.weekly_trend(reports.VoteFilter(start, end), today=date(2024, 5, 20))

    assert (len(trend), trend[0].label) == (weeks, first)


def test_chart_data_has_a_gap_for_weeks_without_votes_and_the_target_in_percent(content):
    add_votes(article("refunds"), helpful=3, not_helpful=1, when=datetime(2024, 5, 14))

    data = reports.chart_data(reports.weekly_trend(today=date(2024, 5, 19)), 0.9, "Trend")

    assert data["helpful"][-1] == 75.0 and data["helpful"][0] is None
    assert data["votes"][-1] == 4 and data["target"] == 90.0


def test_revision_stats_show_each_revision_newest_first_with_the_change(content):
    refunds = article("refunds")
    first = refunds.published_revision_id
    add_votes(refunds, helpful=2, not_helpful=8, revision_id=first)
    rewrite = add_revision(refunds, "Refunds, rewritten", "", "Clearer steps.", note="Rewrote the steps")
    publish(refunds, rewrite)
    db.session.commit()
    add_votes(refunds, helpful=9, not_helpful=1, revision_id=rewrite.id)

    rows = reports.revision_stats(refunds)

    assert [(r.revision_id, r.votes, r.share, r.published) for r in rows] == \
        [(rewrite.id, 10, 0.9, True), (first, 10, 0.2, False)]
    assert rows[0].change == pytest.approx(0.7) and rows[1].change is None
    assert rows[0].note == "Rewrote the steps" and rows[0].created_at is not None


def test_a_new_revision_without_votes_is_listed_with_none(content):
    refunds = article("refunds")
    publish(refunds, add_revision(refunds, "Refunds v2", "", "Text."))
    db.session.commit()

    newest = reports.revision_stats(refunds)[0]

    assert (newest.votes, newest.share, newest.change, newest.published) == (0, None, None, True)


def test_reasons_breakdown_counts_no_votes_per_reason_with_labels(content):
    refunds = article("refunds")
    add_votes(refunds, not_helpful=3, reason="outdated")
    add_votes(refunds, not_helpful=1, reason="unclear")
    add_votes(refunds, not_helpful=2)
    add_votes(refunds, helpful=5)
    add_votes(article("payment-failed"), not_helpful=4, reason="broken")

    counts = [(r.label, r.count) for r in reports.reason_counts(article_id=refunds.id)]

    assert counts == [("Outdated or wrong", 3), ("Hard to understand", 1), ("Didn't solve my problem", 0),
                      ("Missing information", 0), ("Broken link or image", 0), ("No reason given", 2)]


def test_least_helpful_articles_carry_their_top_reasons(content):
    refunds = article("refunds")
    add_votes(refunds, not_helpful=3, reason="unsolved")
    add_votes(refunds, not_helpful=1, reason="broken")

    [item] = reports.overview().least

    assert [(r.label, r.count) for r in item.top_reasons] == \
        [("Didn't solve my problem", 3), ("Broken link or image", 1)]


@pytest.mark.parametrize(
    "state, shown",
    [("visible", True), ("flagged", False), ("hidden", False)],
)
def test_only_visible_comments_are_shown(content, state, shown):
    refunds = article("refunds")
    add_votes(refunds, not_helpful=1, reason="unclear", comment="Step 3 is wrong", comment_state=state)

    comments = reports.recent_comments(refunds.id)

    assert [c.text for c in comments] == (["Step 3 is wrong"] if shown else [])


def test_comments_are_shown_with_contact_details_masked(content):
    refunds = article("refunds")
    add_votes(refunds, helpful=1, comment="Mail me at jo@example.com or call +44 20 7946 0958")

    [comment] = reports.recent_comments(refunds.id)

    assert comment.text == "Mail me at [e-mail hidden] or call [phone hidden]"


def test_category_filter_counts_only_that_categorys_articles(content):
    add_votes(article("refunds"), helpful=1)
    add_votes(article("post-an-ad"), not_helpful=1)

    stats = reports.article_stats(reports.parse_filters(category="payments-and-billing"))

    assert [s.slug for s in stats] == ["refunds"]


def test_date_filter_includes_both_end_days(content):
    refunds = article("refunds")
    for day in (1, 2, 31):
        add_votes(refunds, helpful=1, when=datetime(2024, 5, day, 23, 30))
    add_votes(refunds, helpful=1, when=datetime(2024, 6, 1, 0, 0))

    [stats] = reports.article_stats(reports.parse_filters("2024-05-02", "2024-05-31"))

    assert stats.votes == 2


@pytest.mark.parametrize(
    "start, end, category, field, message",
    [
        ("31/05/2024", "", "", "from", "“From” must be a date written YYYY-MM-DD, like 2024-05-31 (got “31/05/2024”)."),
        ("", "2024-02-30", "", "to", "“To” must be a date written YYYY-MM-DD"),
        ("", "yesterday", "", "to", "(got “yesterday”)"),
        ("2024-06-01", "2024-05-01", "", "from", "“From” must be on or before “To”."),
        ("", "", "no-such-category", "category", "There is no category “no-such-category”."),
        ("0001-01-01", "", "", "from", "“From” must be between 1970-01-01 and 2999-12-31."),
        ("", "9999-12-31", "", "to", "“To” must be between 1970-01-01 and 2999-12-31."),
    ],
)
def test_bad_filters_explain_what_is_wrong(content, start, end, category, field, message):
    with pytest.raises(reports.FilterError) as raised:
        reports.parse_filters(start, end, category)

    assert message in str(raised.value) and raised.value.field == field
