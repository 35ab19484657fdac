"""The site's traffic and search figures for the dashboard, read only from the daily aggregates."""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.analytics.models import ArticleDay, ClickDay, SiteDay
from app.analytics.periods import short_day, week_label, week_start
from app.core.plugins import Chart, DashboardPart, Figure, Series, Table
from app.extensions import db
from app.kb.models import Article

DAILY_UP_TO = 31  # longer ranges are charted week by week

NOTES = {
    "views": "Views of article pages by visitors (staff and bots are not counted).",
    "visitors": "Visitor keys are HMAC(secret, address + browser + day) and change every day, so this is "
                "distinct visitors per day, added up over the range.",
    "zero_result_rate": "Searches (first result page) that found nothing ÷ all searches.",
    "self_service_rate": "Visitors who read help on a day and did not open an inquiry that day ÷ visitors "
                         "who read help.",
}


@dataclass
class SiteTotals:
    """Whole-site sums over a range."""

    views: int = 0
    visitors: int = 0
    visitors_with_inquiry: int = 0
    searches: int = 0
    zero_result_searches: int = 0
    clicked_searches: int = 0

    @property
    def zero_result_rate(self):
        """Share of searches that found nothing (0..1), None without searches."""
        return self.zero_result_searches / self.searches if self.searches else None

    @property
    def self_service_rate(self):
        """Share of readers who did not open an inquiry the day they read (0..1), None without readers."""
        return (self.visitors - self.visitors_with_inquiry) / self.visitors if self.visitors else None


def _in(model, period):
    return (model.day >= period.start, model.day <= period.end)


def site_totals(period):
    """SiteTotals of the days in ``period``."""
    names = ("views", "visitors", "visitors_with_inquiry", "searches", "zero_result_searches", "clicked_searches")
    row = db.session.execute(select(*[func.coalesce(func.sum(getattr(SiteDay, name)), 0) for name in names])
                             .where(*_in(SiteDay, period))).one()
    return SiteTotals(**{name: int(value) for name, value in zip(names, row)})


def views_by_day(period, article_id=None):
    """[(day, views)] for every day of ``period`` (of one article when ``article_id`` is given)."""
    if article_id is None:
        query = select(SiteDay.day, SiteDay.views).where(*_in(SiteDay, period))
    else:
        query = select(ArticleDay.day, ArticleDay.views).where(*_in(ArticleDay, period),
                                                               ArticleDay.article_id == article_id)
    counts = dict(db.session.execute(query).all())
    return [(day, counts.get(day, 0)) for day in period.day_list()]


def searches_by_day(period):
    """[(day, searches, zero-result searches)] for every day of ``period``."""
    rows = db.session.execute(select(SiteDay.day, SiteDay.searches, SiteDay.zero_result_searches)
                              .where(*_in(SiteDay, period))).all()
    counts = {day: (searches, zero) for day, searches, zero in rows}
    return [(day, *counts.get(day, (0, 0))) for day in period.day_list()]


def buckets(period):
    """[(label, days)]: one per day for ranges up to DAILY_UP_TO days, else one per week starting on Monday."""
    if period.days <= DAILY_UP_TO:
        return [(short_day(day), [day]) for day in period.day_list()]
    weeks = {}
    for day in period.day_list():
        weeks.setdefault(week_start(day), []).append(day)
    return [(week_label(monday), days) for monday, days in weeks.items()]


def _bucketed(period, daily):
    """Daily tuples (day, *counts) summed per bucket: [(label, *sums)]."""
    by_day = {row[0]: row[1:] for row in daily}
    return [(label, *[sum(by_day[day][i] for day in days) for i in range(len(daily[0]) - 1)])
            for label, days in buckets(period)]


def searches_by_day_or_week(period):
    """[(label, searches with results, searches without)] per day, or per week for long ranges."""
    return [(label, searches - zero, zero) for label, searches, zero in _bucketed(period, searches_by_day(period))]


def _article_views(period, article_ids=None):
    """{article id: (views, visitors)} over ``period``."""
    query = (select(ArticleDay.article_id, func.sum(ArticleDay.views), func.sum(ArticleDay.visitors))
             .where(*_in(ArticleDay, period)).group_by(ArticleDay.article_id))
    if article_ids is not None:
        query = query.where(ArticleDay.article_id.in_(article_ids))
    return {article_id: (int(views), int(visitors)) for article_id, views, visitors in db.session.execute(query)}


def _titles(article_ids):
    """{article id: title} (the title readers see)."""
    query = (select(Article).where(Article.id.in_(article_ids))
             .options(selectinload(Article.published_revision), selectinload(Article.current_revision)))
    return {article.id: article.title for article in db.session.execute(query).scalars()}


@dataclass
class ArticleRow:
    """An article's views in a range and in the period before."""

    article_id: int
    title: str
    views: int
    visitors: int
    previous_views: int

    @property
    def change(self):
        """Views gained (negative: lost) since the previous period."""
        return self.views - self.previous_views


def top_articles(period, previous=None, limit=10):
    """[ArticleRow] of the most viewed articles, most first (ties: more visitors, then lower id)."""
    views = func.sum(ArticleDay.views)
    ranked = db.session.execute(
        select(ArticleDay.article_id, views, func.sum(ArticleDay.visitors))
        .where(*_in(ArticleDay, period)).group_by(ArticleDay.article_id)
        .order_by(views.desc(), func.sum(ArticleDay.visitors).desc(), ArticleDay.article_id).limit(limit)).all()
    ids = [article_id for article_id, _, _ in ranked]
    before = _article_views(previous or period.previous(), ids) if ids else {}
    titles = _titles(ids) if ids else {}
    return [ArticleRow(article_id, titles[article_id], int(views), int(visitors), before.get(article_id, (0, 0))[0])
            for article_id, views, visitors in ranked if article_id in titles]


def view_changes(period, previous, limit=10):
    """[ArticleRow] of the articles whose views rose or fell most (absolute change; ties by title)."""
    now, before = _article_views(period), _article_views(previous)
    changes = {article_id: now.get(article_id, (0, 0))[0] - before.get(article_id, (0, 0))[0]
               for article_id in now.keys() | before.keys()}
    changes = {article_id: change for article_id, change in changes.items() if change}
    if not changes:
        return []
    # Titles only for the articles that can make the list: every one tied with the last place.
    sizes = sorted((abs(change) for change in changes.values()), reverse=True)
    bar = sizes[min(limit, len(sizes)) - 1]
    titles = _titles([article_id for article_id, change in changes.items() if abs(change) >= bar])
    ranked = sorted(titles, key=lambda article_id: (-abs(changes[article_id]), titles[article_id].lower(), article_id))
    return [ArticleRow(article_id, titles[article_id], *now.get(article_id, (0, 0)), before.get(article_id, (0, 0))[0])
            for article_id in ranked[:limit]]


def article_views(article_id, period):
    """(views, visitors) of one article over ``period``."""
    return _article_views(period, [article_id]).get(article_id, (0, 0))


def article_searches(article_id, period, limit=20):
    """[(query, clicks)]: searches whose results led to the article, most clicks first."""
    clicks = func.sum(ClickDay.clicks)
    return [(query, int(count)) for query, count in db.session.execute(
        select(ClickDay.query, clicks).where(*_in(ClickDay, period), ClickDay.article_id == article_id)
        .group_by(ClickDay.query).order_by(clicks.desc(), ClickDay.query).limit(limit))]


def _per(period):
    return "day" if period.days <= DAILY_UP_TO else "week"


def overview(period, previous):
    """The dashboard source's overview: traffic and search figures, two charts, top articles and changes."""
    now, before = site_totals(period), site_totals(previous)
    figures = [
        Figure("views", "Page views", now.views, before.views, order=10, note=NOTES["views"]),
        Figure("visitors", "Unique visitors", now.visitors, before.visitors, order=20, note=NOTES["visitors"]),
        Figure("searches", "Searches", now.searches, before.searches, order=30,
               note="Searches made (first result page)."),
        Figure("zero_result_rate", "Zero-result searches", now.zero_result_rate, before.zero_result_rate,
               unit="percent", higher_is_better=False, order=40, note=NOTES["zero_result_rate"]),
        Figure("self_service_rate", "Self-service rate", now.self_service_rate, before.self_service_rate,
               unit="percent", order=60, note=NOTES["self_service_rate"]),
    ]
    views = _bucketed(period, views_by_day(period))
    searches = searches_by_day_or_week(period)
    charts = [
        Chart("views_per_day", f"Page views per {_per(period)}", [label for label, _ in views],
              [Series("Page views", [count for _, count in views])], order=10),
        Chart("searches_per_day", f"Searches per {_per(period)}, with and without results",
              [label for label, _, _ in searches],
              [Series("With results", [found for _, found, _ in searches]),
               Series("No results", [zero for _, _, zero in searches])], kind="bar", stacked=True, order=30),
    ]
    top = top_articles(period, previous)
    changes = view_changes(period, previous)
    tables = [
        Table("top_articles", "Top articles by views", ["Article", "Views", "Visitors", "Change vs previous"],
              [[row.title, row.views, row.visitors, row.change] for row in top],
              article_ids=[row.article_id for row in top], order=10,
              note="Change: views gained or lost against the previous period."),
        Table("view_changes", "Biggest changes in article views", ["Article", "Views", "Previous period", "Change"],
              [[row.title, row.views, row.previous_views, row.change] for row in changes],
              article_ids=[row.article_id for row in changes], order=40, empty="No article's views changed."),
    ]
    return DashboardPart(figures, charts, tables)


def article(article, period):
    """The dashboard source's per-article part: views (against the previous period), views over time, searches."""
    previous = period.previous()
    views = _bucketed(period, views_by_day(period, article.id))
    searches = article_searches(article.id, period)
    return DashboardPart(
        figures=[Figure("article_views", "Page views", article_views(article.id, period)[0],
                        article_views(article.id, previous)[0], order=10, note=NOTES["views"])],
        charts=[Chart("article_views_per_day", f"Page views per {_per(period)}", [label for label, _ in views],
                      [Series("Page views", [count for _, count in views])], order=10)],
        tables=[Table("article_searches", "Searches that led here", ["Search", "Clicks"],
                      [list(row) for row in searches], order=10,
                      empty="No search led to this article in this range.")],
    )
