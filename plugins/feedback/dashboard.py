"""The feedback plugin's part of the support-lead dashboard: helpful %, its weekly trend, the least helpful
articles, and per article the revisions, reasons and comments. Every number comes from plugins.feedback.reports."""
from app.analytics.periods import week_label
from app.core.plugins import Chart, DashboardPart, Figure, Series, Table
from plugins.feedback import plugin, reports

HELPFUL_NOTE = "“Yes” votes ÷ all votes cast in the range."
LEAST_HELPFUL_LIMIT = 10
COMMENT_LIMIT = 20


def _filter(period):
    return reports.VoteFilter(period.start, period.end)


def _percent(share):
    """A 0..1 share as a table or chart value in % with one decimal (None stays None)."""
    return None if share is None else round(share * 100, 1)


def _tally(period, article_id=None):
    return reports.tally(_filter(period), article_id)


def _helpful_figure(key, now, before):
    return Figure(key, "Helpful", now.share, before.share, unit="percent",
                  target=plugin.setting("satisfaction_target"), order=50, note=HELPFUL_NOTE)


def _trend_chart(key, title, period, article_id=None, order=50):
    """Helpful % per ISO week (Monday first) over the range, None for weeks without votes, with the target line."""
    # Weeks at both ends may be cut by the range: they count only the range's days.
    points = reports.weekly_trend(_filter(period), article_id, max_weeks=period.days // 7 + 2)
    return Chart(key, title, [week_label(point.start) for point in points],
                 [Series("Helpful %", [_percent(point.share) for point in points])], kind="line", unit="percent",
                 target=_percent(plugin.setting("satisfaction_target")), order=order)


def _top_reasons(stats):
    return ", ".join(f"{reason.label} ({reason.count})" for reason in stats.top_reasons)


def least_helpful_table(stats, filters):
    """The articles readers most surely found unhelpful, among those with enough votes in the range."""
    min_votes = plugin.setting("attention_min_votes")
    rated = [item for item in stats if item.votes >= min_votes]
    least = reports.attach_top_reasons(reports.least_helpful(rated, LEAST_HELPFUL_LIMIT), filters)
    return Table("least_helpful", "Least helpful articles", ["Article", "Votes", "Helpful %", "Top reasons"],
                 [[item.title, item.votes, _percent(item.share), _top_reasons(item)] for item in least],
                 article_ids=[item.article_id for item in least], order=50,
                 empty=f"No article has {min_votes} or more votes with a “no” among them in this range.",
                 note=f"Articles with at least {min_votes} votes in the range, the most surely unhelpful first "
                      "(lower end of the 95% range of the “no” share).")


def overview(period, previous):
    """Helpful % against the target and the previous period, its weekly trend, the least helpful articles."""
    filters = _filter(period)
    stats = reports.article_stats(filters)
    helpful = _helpful_figure("helpful", reports.totals(stats), _tally(previous))
    return DashboardPart(figures=[helpful],
                         charts=[_trend_chart("helpful_per_week", "Helpful % per week", period)],
                         tables=[least_helpful_table(stats, filters)])


def _revision_table(article):
    """Every revision that got votes, newest first, with the change from the revision voted on before it."""
    rows = [row for row in reports.revision_stats(article) if row.votes]
    return Table("revision_helpfulness", "Helpfulness per revision",
                 ["Revision", "Votes", "Helpful %", "Change (points)"],
                 [[f"#{row.number} ({row.created_at:%Y-%m-%d})", row.votes, _percent(row.share),
                   _percent(row.change)] for row in rows],
                 empty="No revision of this article has votes yet.", order=52,
                 note="All votes, whatever the range: votes belong to the revision the reader saw, so each "
                      "edit starts from zero. Change: helpful % minus that of the revision voted on before.")


def _reasons_table(article, filters):
    reasons = [reason for reason in reports.reason_counts(filters, article.id) if reason.count]
    total = sum(reason.count for reason in reasons)
    return Table("reasons", "Why readers said no", ["Reason", "Votes", "Share %"],
                 [[reason.label, reason.count, _percent(reason.count / total)] for reason in reasons],
                 empty="No “no” votes in this range.", order=53,
                 note="“No” votes in the range by the reason chosen; share of all “no” votes.")


def _comments_table(article, period):
    comments = reports.recent_comments(article.id, COMMENT_LIMIT, since=period.start_at, until=period.end_at)
    return Table("comments", "Comments", ["When (UTC)", "Helpful?", "Reason", "Comment"],
                 [[f"{comment.at:%Y-%m-%d %H:%M}", "Yes" if comment.helpful else "No", comment.reason,
                   comment.text] for comment in comments],
                 empty="No published comments in this range.", order=54,
                 note=f"The newest {COMMENT_LIMIT} published comments; ones waiting for review or hidden are left "
                      "out, e-mail addresses and phone numbers masked.")


def article(article, period):
    """One article: helpful % and its weekly trend in the range, per revision, reasons and comments."""
    return DashboardPart(
        figures=[_helpful_figure("article_helpful", _tally(period, article.id),
                                 _tally(period.previous(), article.id))],
        charts=[_trend_chart("article_helpful_per_week", "Helpful % per week", period, article.id, order=51)],
        tables=[_revision_table(article), _reasons_table(article, _filter(period)), _comments_table(article, period)],
    )
